import type { Leaf } from './leaf';

/** Format tag of a portable proof. */
export const BUNDLE_FORMAT = 'swledger-proof/1';

/**
 * A portable proof (SPEC §7): everything an outsider needs, besides the file
 * and an EVM RPC, to check that the file is a swledger record in the status
 * the leaf states, anchored by a majority of the organisations.
 */
export interface ProofBundle {
  readonly format: typeof BUNDLE_FORMAT;
  /** What the anchor committed to for this document's latest anchored change. */
  readonly leaf: Leaf;
  readonly leafHash: string;
  /** Sibling hashes from the leaf up to the root (OpenZeppelin's standard tree). */
  readonly proof: readonly string[];
  readonly root: string;
  readonly anchor: {
    /** EVM chain id, decimal. */
    readonly chainId: string;
    readonly contract: string;
    readonly transactionHash: string;
    /** EVM block that accepted the anchor, decimal. */
    readonly evmBlock: string;
    /** The anchor's position in the contract, from 1. */
    readonly index: number;
    /** Fabric blocks covered, decimal, inclusive. */
    readonly fromBlock: string;
    readonly toBlock: string;
    /** When the EVM block was made (ISO 8601): the proof's freshness. */
    readonly anchoredAt: string;
  };
  readonly fabric: {
    readonly channel: string;
    readonly transactionId: string;
    readonly block: string;
  };
  /** The public verification view at the time the proof was written (informational; the leaf is what is proven). */
  readonly view: Readonly<Record<string, unknown>>;
}
