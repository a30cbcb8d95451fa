import type { Leaf } from './leaf';

/**
 * An organisation's own view of the ledger, as the anchoring service reads
 * it: from that organisation's peer only, so each organisation signs a root
 * it rebuilt itself.
 */
export interface LedgerReader {
  /** MSP ID of the organisation whose peer this reads. */
  readonly mspId: string;
  /** Number of blocks on the own peer (the last block is height - 1). */
  height(): Promise<bigint>;
  /** The leaves of every record registered or changed by the valid transactions of blocks from..to (inclusive), in ledger order. */
  leaves(fromBlock: bigint, toBlock: bigint): Promise<Leaf[]>;
}
