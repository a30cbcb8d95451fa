import { expect } from 'chai';
import {
  CHANGE_EVENT,
  Checkpoint,
  EventSource,
  EventStream,
  LedgerEvent,
  ResumeFilter,
} from '@swledger/sdk/events';

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

/** A block of the fake ledger: transactions, each with the docIds its event lists. */
type FakeBlock = readonly { readonly txId: string; readonly docIds: readonly string[] }[];

/**
 * An event source that behaves like fabric-network 2.2's contract listener:
 * the transactions of one block are notified together (all at once, then
 * awaited together), blocks one after another.
 */
function concurrentSource(blocks: readonly FakeBlock[], firstBlock = 10): EventSource {
  return {
    listen: (onEvent, startBlock) => {
      let stopped = false;
      void (async () => {
        for (const [i, block] of blocks.entries()) {
          const blockNumber = BigInt(firstBlock + i);
          if (stopped || (startBlock !== undefined && blockNumber < startBlock)) continue;
          await Promise.all(
            block.map((tx, transactionIndex) =>
              onEvent({
                name: CHANGE_EVENT,
                payload: JSON.stringify({
                  txId: tx.txId,
                  changes: tx.docIds.map((docId) => ({
                    type: 'COMMERCIAL_INVOICE',
                    docId,
                    sha256: docId.padEnd(64, '0'),
                    owner: '91310000MA1FL8XQ3B',
                    oldStatus: null,
                    newStatus: 'REGISTERED',
                    action: 'register',
                  })),
                }),
                transactionId: tx.txId,
                blockNumber,
                transactionIndex,
              }),
            ),
          );
        }
      })();
      return Promise.resolve(() => {
        stopped = true;
      });
    },
  };
}

async function take(stream: EventStream, count: number): Promise<LedgerEvent[]> {
  const got: LedgerEvent[] = [];
  for await (const e of stream) {
    // A consumer that takes its time: a later transaction must still wait its turn.
    await new Promise((r) => setImmediate(r));
    got.push(e);
    if (got.length === count) break;
  }
  return got;
}

describe('sdk/events: ledger order within a block', () => {
  // Block 10: a batch of three documents (tx a) and a single one (tx b); block 11: tx c.
  const ledger: FakeBlock[] = [
    [
      { txId: 'a', docIds: ['A-1', 'A-2', 'A-3'] },
      { txId: 'b', docIds: ['B-1'] },
    ],
    [{ txId: 'c', docIds: ['C-1', 'C-2'] }],
  ];
  const where = (e: LedgerEvent) =>
    `${e.blockNumber}/${e.transactionIndex}/${e.transactionId}${e.index}:${e.docId}`;

  it('delivers every change of a transaction before the next transaction of the same block', async () => {
    const stream = await EventStream.open(concurrentSource(ledger), { startBlock: 10n });

    const got = await take(stream, 6);

    expect(got.map(where)).to.deep.equal([
      '10/0/a0:A-1',
      '10/0/a1:A-2',
      '10/0/a2:A-3',
      '10/1/b0:B-1',
      '11/0/c0:C-1',
      '11/0/c1:C-2',
    ]);
  });

  it('resumes after a checkpoint in the middle of a multi-change transaction without skipping or repeating', async () => {
    const first = await EventStream.open(concurrentSource(ledger), { startBlock: 10n });
    const seen = await take(first, 2);
    const checkpoint = seen.at(-1)!.checkpoint;

    const resumed = await take(await EventStream.open(concurrentSource(ledger), { checkpoint }), 4);

    expect(checkpoint).to.deep.equal({ blockNumber: '10', transactionId: 'a', index: 1 });
    expect([...seen, ...resumed].map(where)).to.deep.equal([
      '10/0/a0:A-1',
      '10/0/a1:A-2',
      '10/0/a2:A-3',
      '10/1/b0:B-1',
      '11/0/c0:C-1',
      '11/0/c1:C-2',
    ]);
  });

  it('resumes after the last change of a transaction with the next one of the same block', async () => {
    const checkpoint: Checkpoint = { blockNumber: '10', transactionId: 'a', index: 2 };

    const resumed = await take(await EventStream.open(concurrentSource(ledger), { checkpoint }), 3);

    expect(resumed.map(where)).to.deep.equal(['10/1/b0:B-1', '11/0/c0:C-1', '11/0/c1:C-2']);
  });
});
