import { expect } from 'chai';
import { LedgerEvent } from '@swledger/sdk';
import { clientAs } from './harness';
import { ALPHA, declaration, newFile } from './fixtures';

describe('chaincode on the network: events', function () {
  this.timeout(120_000);

  it('emits one event per transaction listing each change, delivered in order', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const officer = await clientAs('customs:officer1');
    const auditor = await clientAs('customs:auditor1');
    const start = await auditor.connection.ledgerHeight();
    const dec = declaration(ALPHA);
    const file = newFile();

    const registered = await alpha.documents.register(dec, { buffer: file.buffer });
    const accepted = await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept');
    const stream = await auditor.events({ startBlock: start });
    const mine: LedgerEvent[] = [];
    for await (const event of stream) {
      if (event.docId === dec.docId) mine.push(event);
      if (mine.length === 2) break;
    }

    expect(mine.map((e) => [e.transactionId, e.oldStatus, e.newStatus, e.action])).to.deep.equal([
      [registered.transactionId, null, 'SUBMITTED', 'register'],
      [accepted.transactionId, 'SUBMITTED', 'ACCEPTED', 'accept'],
    ]);
    expect(mine[0]!.sha256).to.equal(file.sha256);
    expect(mine[0]!.owner).to.equal(ALPHA);
    expect(BigInt(mine[1]!.blockNumber) > BigInt(mine[0]!.blockNumber)).to.equal(true);
  });
});
