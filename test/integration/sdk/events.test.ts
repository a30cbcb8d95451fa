import { expect } from 'chai';
import { Checkpoint, DocumentRegistration, LedgerEvent } from '@swledger/sdk';
import { clientAs, TEST_NETWORK } from '../harness';
import { ALPHA, declaration, invoice, newFile, uniqueId } from '../fixtures';
import { batchBesideOthers, CHANGES_PER_ROUND } from '../sameblock';
import { connectLocal } from '@swledger/devnet/client';

describe('SDK: event stream resumes from a checkpoint, each event exactly once', function () {
  this.timeout(120_000);

  it('stops mid-transaction and resumes after the checkpoint without missing or repeating a change', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const officer = await clientAs('customs:officer1');
    const auditor = await clientAs('customs:auditor1');
    const start = await auditor.connection.ledgerHeight();
    const tag = uniqueId('EV');
    const batch: DocumentRegistration[] = [0, 1, 2].map((i) => ({
      ...invoice(ALPHA, '10.00', `${tag}-B${i}`),
      sha256: newFile().sha256,
    }));
    const dec = declaration(ALPHA, `${tag}-D`);
    await alpha.documents.registerBatch(batch);
    await alpha.documents.register(dec, { sha256: newFile().sha256 });
    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept');
    const expected = [
      `${tag}-B0:register`,
      `${tag}-B1:register`,
      `${tag}-B2:register`,
      `${tag}-D:register`,
      `${tag}-D:accept`,
    ];

    const seen: string[] = [];
    let checkpoint: Checkpoint | undefined;
    const first = await auditor.events({ startBlock: start });
    for await (const e of first) {
      if (!e.docId.startsWith(tag)) continue;
      seen.push(`${e.docId}:${e.action}`);
      checkpoint = e.checkpoint;
      if (seen.length === 2) break;
    }
    const resumed = await auditor.events({ checkpoint });
    for await (const e of resumed) {
      if (!e.docId.startsWith(tag)) continue;
      seen.push(`${e.docId}:${e.action}`);
      if (seen.length === expected.length) break;
    }

    expect(checkpoint?.index).to.equal(1);
    expect(seen).to.deep.equal(expected);
  });

  it('resumes after the last change of a transaction with the later transactions of the same block', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const auditor = await clientAs('customs:auditor1');
    const start = await auditor.connection.ledgerHeight();
    const tag = uniqueId('EVB');
    const collect = async (stream: AsyncIterable<LedgerEvent>, count: number) => {
      const out: LedgerEvent[] = [];
      if (count === 0) return out;
      for await (const e of stream) {
        if (!e.docId.startsWith(tag)) continue;
        out.push(e);
        if (out.length === count) break;
      }
      return out;
    };
    // Concurrent registrations usually share a block (BatchTimeout 250 ms); retry until two do.
    let all: LedgerEvent[] = [];
    let k = -1;
    for (let round = 0; round < 4 && k < 0; round++) {
      await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) =>
          alpha.documents.register(invoice(ALPHA, '1.00', `${tag}-${round}-${i}`), {
            sha256: newFile().sha256,
          }),
        ),
      );
      all = await collect(await auditor.events({ startBlock: start }), 6 * (round + 1));
      k = all.findIndex(
        (e, i) =>
          i + 1 < all.length &&
          all[i + 1]!.blockNumber === e.blockNumber &&
          all[i + 1]!.transactionId !== e.transactionId,
      );
    }
    expect(k, 'two registrations committed in one block').to.be.at.least(0);

    const resumed = await collect(
      await auditor.events({ checkpoint: all[k]!.checkpoint }),
      all.length - k - 1,
    );

    expect(resumed.map((e) => e.transactionId)).to.deep.equal(
      all.slice(k + 1).map((e) => e.transactionId),
    );
  });

  it('delivers a batch and another transaction of the same block in ledger order, and resumes mid-block exactly', async () => {
    const auditor = await clientAs('customs:auditor1');
    const start = await auditor.connection.ledgerHeight();
    const tag = uniqueId('EVO');
    const collect = async (stream: AsyncIterable<LedgerEvent>, count: number) => {
      const out: LedgerEvent[] = [];
      for await (const e of stream) {
        if (!e.docId.startsWith(tag)) continue;
        out.push(e);
        if (out.length === count) break;
      }
      return out;
    };
    // A batch of three (one transaction, three changes) beside single registrations, sent
    // together so the orderer (BatchTimeout 250 ms) usually cuts them into one block.
    let all: LedgerEvent[] = [];
    let batchTx = '';
    let sharing = false;
    for (let round = 0; round < 8 && !sharing; round++) {
      batchTx = await batchBesideOthers(tag, round);
      all = await collect(
        await auditor.events({ startBlock: start }),
        CHANGES_PER_ROUND * (round + 1),
      );
      const batchBlock = all.find((e) => e.transactionId === batchTx)?.blockNumber;
      sharing = all.some((e) => e.blockNumber === batchBlock && e.transactionId !== batchTx);
    }
    expect(sharing, 'the batch and another registration committed in one block').to.equal(true);
    const position = (e: LedgerEvent) => [BigInt(e.blockNumber), e.transactionIndex, e.index];

    // Ledger order: (block, transaction index, change index) strictly increasing, each
    // transaction's changes together and in the order it made them.
    for (let i = 1; i < all.length; i++) {
      const [b0, t0, c0] = position(all[i - 1]!);
      const [b1, t1, c1] = position(all[i]!);
      expect(
        b1! > b0! || (b1 === b0 && (t1! > t0! || (t1 === t0 && c1! > c0!))),
        `event ${i} (${all[i]!.docId}) comes after event ${i - 1} (${all[i - 1]!.docId})`,
      ).to.equal(true);
    }
    const batchEvents = all.filter((e) => e.transactionId === batchTx);
    const firstOfBatch = all.indexOf(batchEvents[0]!);
    expect(all.slice(firstOfBatch, firstOfBatch + 3).map((e) => e.docId)).to.deep.equal(
      batchEvents.map((e) => e.docId),
    );
    expect(batchEvents.map((e) => [e.index, e.docId.slice(-2)])).to.deep.equal([
      [0, 'B0'],
      [1, 'B1'],
      [2, 'B2'],
    ]);
    expect(batchEvents[0]!.blockNumber).to.equal(
      (await auditor.connection.blockNumberOf(batchTx)).toString(),
    );

    // Resume from the middle of the batch: the rest of it, then the rest of the block, then later blocks.
    const resumedMid = await collect(
      await auditor.events({ checkpoint: all[firstOfBatch]!.checkpoint }),
      all.length - firstOfBatch - 1,
    );
    expect(resumedMid.map((e) => e.checkpoint)).to.deep.equal(
      all.slice(firstOfBatch + 1).map((e) => e.checkpoint),
    );
    // Resume after the first event of the shared block (whichever transaction it is).
    const blockStart = all.findIndex((e) => e.blockNumber === batchEvents[0]!.blockNumber);
    const resumedBlock = await collect(
      await auditor.events({ checkpoint: all[blockStart]!.checkpoint }),
      all.length - blockStart - 1,
    );
    expect(resumedBlock.map((e) => e.checkpoint)).to.deep.equal(
      all.slice(blockStart + 1).map((e) => e.checkpoint),
    );
  });

  it('keeps delivering across a reconnect, without repeating an event', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const auditor = await connectLocal({ as: 'customs:auditor1', network: TEST_NETWORK });
    const tag = uniqueId('EVR');
    try {
      const stream = await auditor.events();
      const seen: string[] = [];
      const reading = (async () => {
        for await (const e of stream) {
          if (!e.docId.startsWith(tag)) continue;
          seen.push(e.docId);
          if (seen.length === 2) break;
        }
      })();
      await alpha.documents.register(invoice(ALPHA, '1.00', `${tag}-before`), {
        sha256: newFile().sha256,
      });

      await auditor.connection.reconnect();
      await alpha.documents.register(invoice(ALPHA, '1.00', `${tag}-after`), {
        sha256: newFile().sha256,
      });
      await Promise.race([
        reading,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('no event after reconnect')), 30_000),
        ),
      ]);

      expect(seen).to.deep.equal([`${tag}-before`, `${tag}-after`]);
    } finally {
      auditor.close();
    }
  });
});
