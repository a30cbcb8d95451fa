import { isUsable } from '@swledger/protocol/view';

/**
 * One record's registration or change as the anchor commits to it (SPEC §7):
 * what the document is, the status it moved to, who issued it and the Fabric
 * transaction and block that made the move.
 */
export interface Leaf {
  /** SHA-256 of the file, 64 lower-case hex. */
  readonly sha256: string;
  readonly type: string;
  readonly docId: string;
  /** The status the transaction moved the record to. */
  readonly status: string;
  /** Organisation that registered the record. */
  readonly issuerMsp: string;
  /** USCC of the enterprise the record concerns. */
  readonly owner: string;
  readonly txId: string;
  /** Fabric block of the transaction. */
  readonly block: number;
}

/** Solidity types of a leaf's values, in order: the standard tree's leaf encoding. */
export const LEAF_ENCODING: readonly string[] = [
  'bytes32',
  'string',
  'string',
  'string',
  'string',
  'string',
  'string',
  'uint64',
];

/** A leaf as the standard Merkle tree's values. */
export type LeafValues = [string, string, string, string, string, string, string, bigint];

export function leafValues(leaf: Leaf): LeafValues {
  return [
    `0x${leaf.sha256}`,
    leaf.type,
    leaf.docId,
    leaf.status,
    leaf.issuerMsp,
    leaf.owner,
    leaf.txId,
    BigInt(leaf.block),
  ];
}

/** Orders leaves as the ledger ordered the changes: block, then transaction order given, stable. */
export function sortLeaves(leaves: readonly Leaf[]): Leaf[] {
  return leaves
    .map((leaf, i) => ({ leaf, i }))
    .sort((a, b) => a.leaf.block - b.leaf.block || a.i - b.i)
    .map((x) => x.leaf);
}

/**
 * The documents an anchor records as revoked: those the range moved to a
 * status not usable for their type, as `0x` sha256 values, sorted, once each.
 * A later move back to a usable status (a guarantee `APPLIED` → `ISSUED`)
 * is anchored after it, so the revocation no longer reaches that leaf.
 */
export function revokedOf(leaves: readonly Leaf[]): string[] {
  const last = new Map<string, Leaf>();
  for (const leaf of sortLeaves(leaves)) last.set(leaf.sha256, leaf);
  return [...last.values()]
    .filter((leaf) => !isUsable(leaf.type, leaf.status))
    .map((leaf) => `0x${leaf.sha256}`)
    .sort();
}
