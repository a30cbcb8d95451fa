import { expect } from 'chai';
import { ProvenanceCheck, SwlClient } from '@swledger/sdk';
import { clientAs } from './harness';
import { ALPHA, contract, declaration, invoice, newFile, uniqueId } from './fixtures';

/** The signed functions of a provenance check, oldest first. */
function moves(check: ProvenanceCheck): string[] {
  return check.transactions.map((t) => `${t.fn ?? '?'} ${t.result}`);
}

function window(fromMs: number, toMs: number): { validFrom: string; validTo: string } {
  return {
    validFrom: new Date(Date.now() + fromMs).toISOString(),
    validTo: new Date(Date.now() + toMs).toISOString(),
  };
}

describe('provenance from signatures on the network', function () {
  this.timeout(300_000);
  let alpha: SwlClient;
  let officer: SwlClient;
  let clerkA: SwlClient;
  let clerkB: SwlClient;
  let verifier: SwlClient;

  before(async () => {
    alpha = await clientAs('enterprise:alpha');
    officer = await clientAs('customs:officer1');
    clerkA = await clientAs('banka:clerk1');
    clerkB = await clientAs('bankb:clerk1');
    verifier = await clientAs('banka:verifier');
  });

  it('finds every move of a declaration VALID, a RELEASED one usable, and names the enterprise as issuer', async () => {
    const dec = declaration(ALPHA, uniqueId('DEC-PROV'), 'IMPORT');
    const file = newFile('dec');
    await alpha.documents.register(dec, { buffer: file.buffer });
    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept');
    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'assessDuty', {
      amount: '120.00',
    });
    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'release');
    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'payDuty');

    const v = await verifier.verifier.verify({ buffer: file.buffer });

    expect(v.verdict).to.equal('VALID', JSON.stringify(v.provenance));
    expect(v.status).to.deep.include({ result: 'VALID' });
    expect(v.record?.status).to.equal('RELEASED');
    expect(v.issuer.owner).to.equal(ALPHA);
    expect(v.issuer.reason).to.include(ALPHA);
    expect(v.record?.access).to.equal('public');
    expect(v.provenance.result).to.equal('VALID');
    expect(moves(v.provenance as ProvenanceCheck)).to.deep.equal([
      'document:register VALID',
      'document:transition VALID',
      'document:transition VALID',
      'document:transition VALID',
      'document:transition VALID',
      // The signing key's binding: requested with the key's signature, confirmed by Bank A.
      'binding:request VALID',
      'binding:confirm VALID',
    ]);
    const creators = v.provenance.transactions?.map((t) => t.creator?.split(' ')[0]);
    expect(creators).to.deep.equal([
      'EnterpriseMSP',
      'CustomsMSP',
      'CustomsMSP',
      'CustomsMSP',
      'CustomsMSP',
      'EnterpriseMSP',
      'BankAMSP',
    ]);
    expect(v.issuer.confirmedBy).to.equal('BankAMSP');
  });

  it('finds a rejected declaration not usable yet its provenance VALID', async () => {
    const dec = declaration(ALPHA);
    const file = newFile('rej');
    await alpha.documents.register(dec, { buffer: file.buffer });
    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'reject');

    const v = await verifier.verifier.verify({ sha256: file.sha256 });

    expect(v.verdict).to.equal('INVALID');
    expect(v.status.result).to.equal('INVALID');
    expect(v.status.reason).to.include('REJECTED');
    expect(v.provenance.result).to.equal('VALID');
  });

  it('checks an invoice financed by two banks and settled, and a contract superseded and its successor terminated', async () => {
    const inv = invoice(ALPHA, '1000.00');
    await alpha.documents.register(inv, { sha256: newFile('inv').sha256 });
    await clerkA.invoices.finance(inv.docId, uniqueId('FA'), '400.00');
    const fb = uniqueId('FB');
    await clerkB.invoices.finance(inv.docId, fb, '600.00');
    await clerkB.invoices.settle(inv.docId, fb);
    const first = contract(ALPHA);
    const second = { ...contract(ALPHA), links: [first.docId] };
    await alpha.documents.register(first, { sha256: newFile('c1').sha256 });
    await alpha.documents.register(second, { sha256: newFile('c2').sha256 });
    await alpha.documents.transition('CONTRACT', first.docId, 'supersede', {
      byDocId: second.docId,
    });
    await alpha.documents.transition('CONTRACT', second.docId, 'terminate');

    const invoiceCheck = await verifier.provenance.checkRecord('COMMERCIAL_INVOICE', inv.docId);
    const firstCheck = await verifier.provenance.checkRecord('CONTRACT', first.docId);
    const secondCheck = await verifier.provenance.checkRecord('CONTRACT', second.docId);

    expect(invoiceCheck.result).to.equal('VALID', invoiceCheck.reason);
    expect(moves(invoiceCheck)).to.deep.equal([
      'document:register VALID',
      'invoice:finance VALID',
      'invoice:finance VALID',
      'invoice:settle VALID',
    ]);
    expect(firstCheck.result).to.equal('VALID', firstCheck.reason);
    expect(moves(firstCheck)).to.deep.equal([
      'document:register VALID',
      'document:transition VALID',
    ]);
    expect(secondCheck.result).to.equal('VALID', secondCheck.reason);
  });

  it('checks a guarantee through apply, issue, accept, draw, settle and claim, and the declaration its draws moved', async () => {
    const dec = declaration(ALPHA, uniqueId('DEC-TG'), 'IMPORT');
    await alpha.documents.register(dec, { sha256: newFile().sha256 });
    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept');
    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'assessDuty', {
      amount: '300.00',
    });
    const docId = uniqueId('TG-PROV');
    await alpha.guarantees.apply(
      {
        docId,
        applicant: ALPHA,
        bankMsp: 'BankAMSP',
        customsOffice: '2200',
        amount: '5000.00',
        ...window(-60_000, 86_400_000),
      },
      { sha256: newFile('tg').sha256 },
    );
    await clerkA.guarantees.issue(docId);
    await officer.guarantees.accept(docId);
    await officer.guarantees.draw(docId, 'D1', dec.docId, '300.00');
    await officer.guarantees.settleDraw(docId, 'D1');
    const second = declaration(ALPHA, uniqueId('DEC-TG2'), 'IMPORT');
    await alpha.documents.register(second, { sha256: newFile().sha256 });
    await officer.documents.transition('CUSTOMS_DECLARATION', second.docId, 'assessDuty', {
      amount: '200.00',
    });
    await officer.guarantees.draw(docId, 'D2', second.docId, '200.00');
    await officer.guarantees.claim(docId);

    const guarantee = await verifier.provenance.checkRecord('TARIFF_GUARANTEE', docId);
    const declarationCheck = await verifier.provenance.checkRecord(
      'CUSTOMS_DECLARATION',
      second.docId,
    );

    expect(guarantee.result).to.equal('VALID', guarantee.reason);
    expect(moves(guarantee)).to.deep.equal([
      'document:register VALID',
      'guarantee:issue VALID',
      'guarantee:accept VALID',
      'guarantee:draw VALID',
      'guarantee:settleDraw VALID',
      'guarantee:draw VALID',
      'guarantee:claim VALID',
    ]);
    expect(declarationCheck.result).to.equal('VALID', declarationCheck.reason);
    expect(moves(declarationCheck)).to.deep.equal([
      'document:register VALID',
      'document:transition VALID',
      'guarantee:draw VALID',
      'guarantee:claim VALID',
    ]);
  });

  it('checks a record of a batch registration', async () => {
    const entries = [0, 1, 2].map(() => ({ ...invoice(ALPHA), sha256: newFile('b').sha256 }));
    await alpha.documents.registerBatch(entries);

    const check = await verifier.provenance.checkRecord('COMMERCIAL_INVOICE', entries[1]!.docId);

    expect(check.result).to.equal('VALID', check.reason);
    expect(moves(check)).to.deep.equal(['document:registerBatch VALID']);
  });

  it('finds a transaction the ledger does not have INVALID, not an error to retry', async () => {
    const check = await verifier.provenance.checkTransaction('ab'.repeat(32));

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.equal('the record claims a transaction the ledger does not have');
  });

  it('lets a verify skip provenance on request, with the verdict on three checks', async () => {
    const file = newFile('skip');
    await alpha.documents.register(invoice(ALPHA), { buffer: file.buffer });

    const v = await verifier.verifier.verify({ sha256: file.sha256 }, { provenance: false });

    expect(v.provenance.result).to.equal('SKIPPED');
    expect(v.verdict).to.equal('VALID');
  });
});
