import { TypedDataDomain, TypedDataEncoder, TypedDataField, verifyTypedData } from 'ethers';
import {
  ANCHOR_DOMAIN_NAME,
  ANCHOR_DOMAIN_VERSION,
  ANCHOR_FIELDS,
} from '@swledger/protocol/anchorsig';

/** EIP-712 name and version of the anchor contract's domain (defined in the protocol, which the chaincode shares). */
export const DOMAIN_NAME = ANCHOR_DOMAIN_NAME;
export const DOMAIN_VERSION = ANCHOR_DOMAIN_VERSION;

/** What the organisations sign for one anchor. */
export interface AnchorMessage {
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  /** Merkle root, 0x + 64 hex. */
  readonly root: string;
  readonly leaves: number;
  /** sha256 values (0x-prefixed, sorted) the range moved to an unusable status. */
  readonly revoked: readonly string[];
}

/** What the organisations sign to replace the anchor keys. */
export interface KeySetMessage {
  readonly keys: readonly string[];
  readonly nonce: bigint;
}

export const ANCHOR_TYPES: Record<string, TypedDataField[]> = {
  Anchor: ANCHOR_FIELDS.map((f) => ({ ...f })),
};

export const KEYSET_TYPES: Record<string, TypedDataField[]> = {
  KeySet: [
    { name: 'keys', type: 'address[]' },
    { name: 'nonce', type: 'uint64' },
  ],
};

/** The domain of one deployed anchor contract. */
export function anchorDomain(chainId: bigint, contract: string): TypedDataDomain {
  return { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId, verifyingContract: contract };
}

/** The EIP-712 digest the contract recovers signers from. */
export function anchorDigest(domain: TypedDataDomain, message: AnchorMessage): string {
  return TypedDataEncoder.hash(domain, ANCHOR_TYPES, { ...message, revoked: [...message.revoked] });
}

/** The address that signed an anchor message. */
export function anchorSigner(
  domain: TypedDataDomain,
  message: AnchorMessage,
  signature: string,
): string {
  return verifyTypedData(
    domain,
    ANCHOR_TYPES,
    { ...message, revoked: [...message.revoked] },
    signature,
  );
}

/** The signer of each signature with the signature, sorted by address as the contract requires. */
export function sortBySigner<T extends { readonly address: string }>(signed: readonly T[]): T[] {
  return [...signed].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}
