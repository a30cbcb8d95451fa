import { expect } from 'chai';
import { Checkpoint, DocumentRegistration, LedgerEvent, SwlClient } from '../../../client/src/sdk';
import { clientAs, TEST_NETWORK } from '../harness';
import { ALPHA, declaration, invoice, newFile, uniqueId } from '../fixtures';

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

  it('keeps delivering across a reconnect, without repeating an event', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const auditor = await SwlClient.connect({ as: 'customs:auditor1', network: TEST_NETWORK });
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
