import { expect } from 'chai';
import { Checkpoint, DocumentRegistration } from '../../../client/src/sdk';
import { clientAs } from '../harness';
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
});
