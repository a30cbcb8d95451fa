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

/** An anchor as the ledger records it (the protocol's AnchorInput, in the chain's terms). */
export interface LedgerAnchor {
  readonly chainId: string;
  readonly contract: string;
  readonly index: number;
  readonly root: string;
  readonly fromBlock: string;
  readonly toBlock: string;
  readonly leaves: number;
  readonly revoked: readonly string[];
  readonly evmTransaction: string;
  readonly evmBlock: string;
  readonly signers: readonly string[];
}

/** Records accepted anchors on the ledger (a writing identity of an organisation). */
export interface AnchorRecorder {
  /** Whether the ledger holds anchor `index` of the contract. */
  isRecorded(chainId: string, contract: string, index: number): Promise<boolean>;
  /** Records an anchor; an anchor already recorded is not an error. */
  record(anchor: LedgerAnchor): Promise<void>;
}
