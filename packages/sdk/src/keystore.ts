/**
 * An enterprise's signing key at rest: a secp256k1 key made with ethers, kept
 * in an encrypted JSON keystore (scrypt + AES, the Web3 Secret Storage
 * format) readable only by its owner (mode 0600).
 */
import { constants } from 'node:fs';
import { chmod, open, readFile, rename, stat } from 'node:fs/promises';
import { encryptKeystoreJson, Wallet, type HDNodeWallet } from 'ethers';
import { LedgerError } from './errors';

/** Options of {@link createKeystore}. */
export interface KeystoreOptions {
  /**
   * scrypt cost N (a power of two). Default 131072 (ethers' default, about a
   * second per unlock); local test networks use less.
   */
  readonly scryptN?: number;
  /** Called with 0..1 while the key is encrypted. */
  readonly onProgress?: (fraction: number) => void;
}

/** A new random secp256k1 key, held in this process only until written to a keystore. */
export function newSigningKey(): Wallet {
  return new Wallet(Wallet.createRandom().privateKey);
}

/**
 * Makes a new key and writes it, encrypted with `passphrase`, to `file`
 * (mode 0600, refused when `file` exists).
 * @returns the key's address
 * @throws LedgerError KEYSTORE_EXISTS, KEYSTORE_PASSPHRASE (empty)
 */
export async function createKeystore(
  file: string,
  passphrase: string,
  options: KeystoreOptions = {},
): Promise<string> {
  return writeKeystore(file, newSigningKey(), passphrase, options, false);
}

/**
 * Writes `wallet` encrypted to `file`; `replace` swaps an existing file atomically.
 * @returns the key's address
 */
export async function writeKeystore(
  file: string,
  wallet: Wallet | HDNodeWallet,
  passphrase: string,
  options: KeystoreOptions = {},
  replace = false,
): Promise<string> {
  if (passphrase === '') throw new LedgerError('KEYSTORE_PASSPHRASE', 'the passphrase is empty');
  const account = { address: wallet.address, privateKey: wallet.privateKey };
  const json = await encryptKeystoreJson(account, passphrase, {
    scrypt: { N: options.scryptN ?? 131072 },
    ...(options.onProgress === undefined ? {} : { progressCallback: options.onProgress }),
  });
  const target = replace ? `${file}.new` : file;
  let handle;
  try {
    handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    throw new LedgerError('KEYSTORE_EXISTS', `${target} exists: refusing to overwrite a key`, {
      cause: err,
    });
  }
  try {
    await handle.writeFile(json);
  } finally {
    await handle.close();
  }
  if (replace) await rename(target, file);
  return wallet.address.toLowerCase();
}

/**
 * The address a keystore holds, without decrypting it.
 * @throws LedgerError KEYSTORE_NOT_FOUND, KEYSTORE_INVALID
 */
export async function keystoreAddress(file: string): Promise<string> {
  const parsed = JSON.parse(await readKeystore(file)) as { address?: unknown };
  if (typeof parsed.address !== 'string' || !/^(0x)?[0-9a-fA-F]{40}$/.test(parsed.address))
    throw new LedgerError('KEYSTORE_INVALID', `${file} is not an encrypted keystore`);
  return `0x${parsed.address.replace(/^0x/, '').toLowerCase()}`;
}

/**
 * Decrypts a keystore into a wallet that signs in this process only.
 * @throws LedgerError KEYSTORE_NOT_FOUND, KEYSTORE_UNSAFE (readable by others), KEYSTORE_PASSPHRASE (wrong passphrase)
 */
export async function openKeystore(file: string, passphrase: string): Promise<Wallet> {
  const json = await readKeystore(file);
  const mode = (await stat(file)).mode & 0o077;
  if (mode !== 0)
    throw new LedgerError(
      'KEYSTORE_UNSAFE',
      `${file} is readable by others (mode ${(mode | 0o600).toString(8)}): chmod 600 it`,
    );
  try {
    const wallet = await Wallet.fromEncryptedJson(json, passphrase);
    return wallet instanceof Wallet ? wallet : new Wallet(wallet.privateKey);
  } catch (err) {
    throw new LedgerError('KEYSTORE_PASSPHRASE', `cannot decrypt ${file}: wrong passphrase?`, {
      cause: err,
    });
  }
}

/** Makes a file owner-only (after a copy that lost the mode). */
export async function protectKeystore(file: string): Promise<void> {
  await chmod(file, 0o600);
}

async function readKeystore(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new LedgerError('KEYSTORE_NOT_FOUND', `no keystore at ${file}`, { cause: err });
  }
}
