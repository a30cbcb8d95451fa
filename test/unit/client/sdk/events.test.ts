import { expect } from 'chai';
import { Checkpoint, ResumeFilter } from '../../../../client/src/sdk/events';

const at = (blockNumber: number, transactionId: string, index = 0): Checkpoint => ({
  blockNumber: String(blockNumber),
  transactionId,
  index,
});

/** Changes in ledger order: block 4 (a), block 5 (b with two changes, c, d), block 6 (e). */
const LEDGER = [at(4, 'a'), at(5, 'b', 0), at(5, 'b', 1), at(5, 'c'), at(5, 'd'), at(6, 'e')];

function delivered(after: Checkpoint | undefined): string[] {
  const filter = new ResumeFilter(after);
  return LEDGER.filter((cp) => !filter.handled(cp)).map((cp) => `${cp.transactionId}${cp.index}`);
}

describe('sdk/events: resuming after a checkpoint', () => {
  it('delivers everything without a checkpoint', () => {
    expect(delivered(undefined)).to.deep.equal(['a0', 'b0', 'b1', 'c0', 'd0', 'e0']);
  });

  it('delivers the later transactions of the same block after the last change of a transaction', () => {
    expect(delivered(at(5, 'c'))).to.deep.equal(['d0', 'e0']);
  });

  it('delivers the rest of a transaction after one of its changes', () => {
    expect(delivered(at(5, 'b', 0))).to.deep.equal(['b1', 'c0', 'd0', 'e0']);
  });

  it('delivers the next block after the last change of a block', () => {
    expect(delivered(at(5, 'd'))).to.deep.equal(['e0']);
  });

  it('delivers the next transaction after the last change of a multi-change transaction', () => {
    expect(delivered(at(5, 'b', 1))).to.deep.equal(['c0', 'd0', 'e0']);
  });

  it('delivers nothing twice when the checkpoint is the very last change', () => {
    expect(delivered(at(6, 'e'))).to.deep.equal([]);
  });
});
