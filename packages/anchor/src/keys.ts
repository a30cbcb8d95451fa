import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Wallet } from 'ethers';

/** An organisation's anchor key file: its secp256k1 private key, as Fabric keeps its keystore (mode 0600). */
export interface AnchorKeyFile {
  readonly mspId: string;
  readonly address: string;
  readonly privateKey: string;
}

/**
 * Makes an organisation's anchor key unless the file exists; returns its address.
 * The file and its directory are readable by the owner only.
 */
export function ensureAnchorKey(file: string, mspId: string): string {
  if (existsSync(file)) return loadAnchorKey(file).address;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const wallet = Wallet.createRandom();
  const record: AnchorKeyFile = { mspId, address: wallet.address, privateKey: wallet.privateKey };
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return wallet.address;
}

/**
 * Reads an anchor key file.
 * @throws Error when the file is missing, readable by others, or malformed
 */
export function loadAnchorKey(file: string): Wallet & { readonly mspId: string } {
  if (!existsSync(file)) throw new Error(`no anchor key at ${file}`);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<AnchorKeyFile>;
  if (typeof raw.privateKey !== 'string' || typeof raw.mspId !== 'string')
    throw new Error(`${file} is not an anchor key file`);
  const wallet = new Wallet(raw.privateKey);
  if (raw.address !== undefined && raw.address !== wallet.address)
    throw new Error(`${file}: the address does not match the key`);
  return Object.assign(wallet, { mspId: raw.mspId });
}
