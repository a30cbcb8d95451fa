/**
 * Enterprise signatures (SPEC §6) on the client side: a {@link WriteSigner}
 * the caller supplies (an ethers wallet from an encrypted keystore, a
 * hardware key, a KMS) signs every enterprise write as EIP-712 typed data;
 * the key never leaves the signer.
 */
import { hexlify, keccak256, randomBytes, toUtf8Bytes, type SigningKey } from 'ethers';
import { writeDigest } from '@swledger/chaincode/contract/eip712';
import {
  argsPreimage,
  parseSigningConfig,
  signingDomain,
  WRITE_TYPES,
  type SigningConfig,
  type SigningDomain,
  type WriteAuth,
  type WriteMessage,
} from '@swledger/protocol/signing';

/** One field of an EIP-712 struct. */
export interface TypedField {
  readonly name: string;
  readonly type: string;
}

/**
 * What signs for an enterprise: its key's address and EIP-712 signatures.
 * An ethers `Wallet` (or any ethers `Signer`) is one; so can be a hardware
 * wallet or a KMS adapter.
 */
export interface WriteSigner {
  /** The key's address (0x, 40 hex). */
  getAddress(): Promise<string>;
  /** An EIP-712 signature (65 bytes, 0x hex) of `value` under `domain`. */
  signTypedData(
    domain: SigningDomain,
    types: Record<string, TypedField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** How a client signs the enterprise writes it submits. */
export interface EnterpriseSigning {
  readonly signer: WriteSigner;
  /** USCC of the enterprise the key is bound to. */
  readonly entity: string;
  /** Seconds a signature stays usable. Default 300. */
  readonly ttlSeconds?: number;
}

/** The network's signing domain: chain id and chaincode from the ledger, the channel of the connection. */
export interface DomainSource {
  /** The ledger's signing settings (`system:signing`), or undefined when never configured. */
  settings(): Promise<SigningConfig | undefined>;
  readonly channel: string;
}

/** Parses `system:signing`'s answer ('' when never configured). */
export function parseSigningSettings(answer: string): SigningConfig | undefined {
  return answer === '' ? undefined : parseSigningConfig(JSON.parse(answer));
}

/**
 * Signs one write: the message names `fn`, `owner`, the keccak-256 of
 * `args`, a fresh random nonce and a deadline `ttlSeconds` from now.
 * @returns the authorisation argument the chaincode takes (JSON)
 * @example
 * const auth = await signWrite(wallet, domain, 'document:register', [json], 'ALPHA-USCC');
 */
export async function signWrite(
  signer: WriteSigner,
  domain: SigningDomain,
  fn: string,
  args: readonly string[],
  owner: string,
  ttlSeconds = 300,
  now: number = Date.now(),
): Promise<string> {
  const message: WriteMessage = {
    fn,
    owner,
    args: keccak256(toUtf8Bytes(argsPreimage(args))),
    nonce: hexlify(randomBytes(32)),
    deadline: Math.floor(now / 1000) + ttlSeconds,
  };
  const key = localKeyOf(signer);
  // A key held in this process signs the digest the chaincode checks (the same
  // bytes ethers' signTypedData would sign, without re-encoding the types each
  // time); any other signer gets the typed data.
  const signature =
    key !== undefined
      ? key.sign(writeDigest(domain, message)).serialized
      : await signer.signTypedData(
          domain,
          { EnterpriseWrite: WRITE_TYPES.EnterpriseWrite.map((f) => ({ ...f })) },
          { ...message },
        );
  const auth: WriteAuth = {
    signer: (await signer.getAddress()).toLowerCase(),
    nonce: message.nonce,
    deadline: message.deadline,
    signature,
  };
  return JSON.stringify(auth);
}

/** The signing key of an ethers wallet (a key in this process's memory), or undefined for any other signer. */
function localKeyOf(signer: WriteSigner): SigningKey | undefined {
  const key = (signer as { signingKey?: unknown }).signingKey;
  return typeof key === 'object' &&
    key !== null &&
    typeof (key as { sign?: unknown }).sign === 'function'
    ? (key as SigningKey)
    : undefined;
}

/** The EIP-712 domain of a network. */
export function domainOf(settings: SigningConfig, channel: string): SigningDomain {
  return signingDomain(settings.chainId, channel, settings.chaincode);
}
