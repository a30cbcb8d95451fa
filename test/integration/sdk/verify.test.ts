import { expect } from 'chai';
import { ledgerHeight } from '@swledger/devnet/channel';
import { GatewayConnection } from '@swledger/sdk/gateway';
import { SignedConnection } from '@swledger/sdk/signedconnection';
import { clientAs, testLayout } from '../harness';
import { ALPHA, invoice, newFile } from '../fixtures';

describe('SDK: verification (integrity, status, issuer)', function () {
  this.timeout(120_000);

  it('answers VALID with issuer, transaction and its block; full history for the parties', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const auditor = await clientAs('bankb:auditor1');
    const file = newFile();
    const inv = invoice(ALPHA);
    // The block is checked against the peer CLI's ledger height, outside the SDK.
    const layout = testLayout();
    const bankb = layout.peerOrg('BankBMSP');
    const heightBefore = await ledgerHeight(layout, bankb);
    const registered = await alpha.documents.register(inv, { buffer: file.buffer });
    const heightAfter = await ledgerHeight(layout, bankb);

    const v = await auditor.verifier.verify({ buffer: file.buffer });

    expect(v.verdict).to.equal('VALID');
    expect([v.integrity.result, v.status.result, v.issuer.result]).to.deep.equal([
      'VALID',
      'VALID',
      'VALID',
    ]);
    expect(v.issuer.msp).to.equal('EnterpriseMSP');
    expect(v.issuer.transactionId).to.equal(registered.transactionId);
    const block = Number(v.issuer.blockNumber);
    expect(block).to.be.at.least(heightBefore).and.below(heightAfter);
    expect(v.record?.access).to.equal('full');
    expect(v.history?.map((h) => h.status)).to.deep.equal(['REGISTERED']);
  });

  it("finds the block of another client's transaction from the Gateway's commit status (no whole block read)", async function () {
    const alpha = await clientAs('enterprise:alpha');
    const auditor = await clientAs('bankb:auditor1');
    // The client's connection adds enterprise signatures around the transport's.
    const connection =
      auditor.connection instanceof SignedConnection
        ? auditor.connection.inner
        : auditor.connection;
    if (!(connection instanceof GatewayConnection)) this.skip();
    const layout = testLayout();
    const bankb = layout.peerOrg('BankBMSP');
    const heightBefore = await ledgerHeight(layout, bankb);
    const registered = await alpha.documents.register(invoice(ALPHA), { buffer: newFile().buffer });
    const heightAfter = await ledgerHeight(layout, bankb);

    const block = await connection.committedBlock(registered.transactionId);

    expect(block).to.not.equal(undefined);
    expect(Number(block)).to.be.at.least(heightBefore).and.below(heightAfter);
    expect(await connection.committedBlock('f'.repeat(64))).to.equal(undefined);
  });

  it('finds a copy with one byte changed INVALID on integrity, and skips the other checks', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile();
    await alpha.documents.register(invoice(ALPHA), { buffer: file.buffer });
    const tampered = Buffer.from(file.buffer);
    tampered[3] = tampered[3]! ^ 0x20;

    const v = await (await clientAs('customs:verifier')).verifier.verify({ buffer: tampered });

    expect(v.verdict).to.equal('INVALID');
    expect(v.integrity.result).to.equal('INVALID');
    expect(v.status.result).to.equal('SKIPPED');
    expect(v.issuer.result).to.equal('SKIPPED');
  });

  it('marks a cancelled record INVALID on status and gives a verifier only the public view', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile();
    const inv = invoice(ALPHA);
    await alpha.documents.register(inv, { buffer: file.buffer });
    await alpha.documents.transition('COMMERCIAL_INVOICE', inv.docId, 'cancel');

    const v = await (
      await clientAs('enterprise:verifier')
    ).verifier.verify({ sha256: file.sha256 });

    expect(v.verdict).to.equal('INVALID');
    expect(v.integrity.result).to.equal('VALID');
    expect(v.status.result).to.equal('INVALID');
    expect(v.status.reason).to.include('CANCELLED');
    expect(v.record?.access).to.equal('public');
    expect(v.history).to.equal(undefined);
  });

  it('reports a malformed fingerprint as ERROR without asking the ledger', async () => {
    const v = await (await clientAs('customs:verifier')).verifier.verify({ sha256: 'not-a-hash' });

    expect(v.verdict).to.equal('ERROR');
    expect(v.integrity.result).to.equal('ERROR');
  });
});
