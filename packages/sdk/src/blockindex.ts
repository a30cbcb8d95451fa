/**
 * Block numbers of committed transactions, as the client saw them go by:
 * a committed transaction's block never changes, so an entry never goes
 * stale and needs no invalidation. Bounded: past `capacity` entries the
 * oldest leave first (a miss only costs one lookup on the ledger).
 */
export class BlockIndex {
  private readonly blocks = new Map<string, bigint>();

  constructor(private readonly capacity = 100_000) {}

  /** The block of a transaction seen valid, or undefined. */
  get(transactionId: string): bigint | undefined {
    return this.blocks.get(transactionId);
  }

  /**
   * Records the block a transaction is in. From commit events, note only
   * VALID transactions: an invalid duplicate of an id sits in a later block
   * than the first, which is the one the ledger's index answers.
   */
  note(transactionId: string, blockNumber: bigint): void {
    if (this.blocks.has(transactionId)) return;
    if (this.blocks.size >= this.capacity) {
      const oldest = this.blocks.keys().next();
      if (!oldest.done) this.blocks.delete(oldest.value);
    }
    this.blocks.set(transactionId, blockNumber);
  }

  get size(): number {
    return this.blocks.size;
  }
}
