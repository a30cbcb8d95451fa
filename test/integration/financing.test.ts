import { expect } from 'chai';
import { AlreadyFinancedError, FullView } from '@swledger/sdk';
import { clientAs } from './harness';
import { ALPHA, invoice, newFile, rejectsWithCode } from './fixtures';

describe('chaincode on the network: invoice financing across banks', function () {
  this.timeout(300_000);

  it('finances in parts up to the amount, refuses the excess with what is left, settles to SETTLED', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const bankA = await clientAs('banka:clerk1');
    const bankB = await clientAs('bankb:clerk1');
    const inv = invoice(ALPHA, '1000.00');
    await alpha.documents.register(inv, { sha256: newFile().sha256 });

    await bankA.invoices.finance(inv.docId, 'FA-1', '600.00');
    const excess = await rejectsWithCode(
      bankB.invoices.finance(inv.docId, 'FB-1', '500.00'),
      'ALREADY_FINANCED',
    );
    await bankB.invoices.finance(inv.docId, 'FB-1', '400.00');
    await rejectsWithCode(bankA.invoices.settle(inv.docId, 'FB-1'), 'FORBIDDEN');
    await rejectsWithCode(
      alpha.documents.transition('COMMERCIAL_INVOICE', inv.docId, 'cancel'),
      'INVALID_TRANSITION',
    );
    await bankA.invoices.settle(inv.docId, 'FA-1');
    const half = (await bankA.documents.get('COMMERCIAL_INVOICE', inv.docId)) as FullView;
    await bankB.invoices.settle(inv.docId, 'FB-1');
    const done = (await bankA.documents.get('COMMERCIAL_INVOICE', inv.docId)) as FullView;

    expect(excess).to.be.instanceOf(AlreadyFinancedError);
    expect(excess.message).to.include('400.00');
    expect(half.status).to.equal('FINANCED');
    expect(done.status).to.equal('SETTLED');
    expect(done.state.financed).to.equal('1000.00');
  });

  it('never finances more than the amount when two banks try at the same moment, many times over', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const bankA = await clientAs('banka:clerk1');
    const bankB = await clientAs('bankb:clerk1');
    const rounds = 8;
    const invoices = [];
    for (let i = 0; i < rounds; i++) {
      const inv = invoice(ALPHA, '1000.00');
      await alpha.documents.register(inv, { sha256: newFile().sha256 });
      invoices.push(inv.docId);
    }

    const outcomes = await Promise.all(
      invoices.map(async (docId) => {
        const results = await Promise.allSettled([
          bankA.invoices.finance(docId, 'A', '700.00'),
          bankB.invoices.finance(docId, 'B', '700.00'),
        ]);
        const view = (await bankA.documents.get('COMMERCIAL_INVOICE', docId)) as FullView;
        return { results, view };
      }),
    );

    for (const { results, view } of outcomes) {
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect((lost[0]!.reason as { code: string }).code).to.equal('ALREADY_FINANCED');
      expect(view.state.financed).to.equal('700.00');
      expect(view.financings).to.have.length(1);
    }
  });
});
