import { expect } from 'chai';
import { AlreadyFinancedError, AlreadyRemittedError, FullView, SwlClient } from '@swledger/sdk';
import { clientAs } from './harness';
import { ALPHA, BETA, newFile, rejectsWithCode, uniqueId } from './fixtures';

/** ALPHA exports to BETA: a contract, an invoice of `invoiceAmount` and an EXPORT declaration of `declaredValue` linking both. */
async function exportShipment(
  alpha: SwlClient,
  opts: { declaredValue?: string; invoiceAmount?: string; currency?: string } = {},
): Promise<{ declaration: string; invoice: string; contract: string }> {
  const currency = opts.currency ?? 'USD';
  const contract = uniqueId('CON');
  const invoice = uniqueId('INV');
  const declaration = uniqueId('DEC');
  await alpha.documents.registerBatch([
    {
      type: 'CONTRACT',
      docId: contract,
      owner: ALPHA,
      sha256: newFile().sha256,
      facts: { seller: ALPHA, buyer: BETA, amount: '500000.00', currency },
    },
    {
      type: 'COMMERCIAL_INVOICE',
      docId: invoice,
      owner: ALPHA,
      sha256: newFile().sha256,
      links: [contract],
      facts: { seller: ALPHA, buyer: BETA, amount: opts.invoiceAmount ?? '1000.00', currency },
    },
    {
      type: 'CUSTOMS_DECLARATION',
      docId: declaration,
      owner: ALPHA,
      sha256: newFile().sha256,
      links: [contract, invoice],
      facts: {
        direction: 'EXPORT',
        customsOffice: '2200',
        declaredValue: opts.declaredValue ?? '1000.00',
        currency,
      },
    },
  ]);
  return { declaration, invoice, contract };
}

function inward(
  docs: { declaration: string; invoice: string; contract: string },
  amount: string,
  overrides: Record<string, string> = {},
) {
  return {
    remittanceId: uniqueId('RM'),
    declarationDocId: docs.declaration,
    invoiceDocId: docs.invoice,
    contractDocId: docs.contract,
    direction: 'INWARD' as const,
    payer: BETA,
    amount,
    currency: 'USD',
    ...overrides,
  };
}

async function position(client: SwlClient, declaration: string) {
  const view = (await client.documents.get('CUSTOMS_DECLARATION', declaration)) as FullView;
  return { shipment: view.shipment, remittances: view.remittances?.length ?? 0 };
}

describe('chaincode on the network: remittance checks and one shipment financed once', function () {
  this.timeout(300_000);

  let alpha: SwlClient;
  let officer: SwlClient;
  let bankA: SwlClient;
  let bankB: SwlClient;

  before(async () => {
    alpha = await clientAs('enterprise:alpha');
    officer = await clientAs('customs:officer1');
    bankA = await clientAs('banka:clerk1');
    bankB = await clientAs('bankb:clerk1');
  });

  it('checks a remittance against the released declaration and refuses the excess with what is left', async () => {
    const docs = await exportShipment(alpha, { declaredValue: '1000.00', invoiceAmount: '900.00' });
    await officer.documents.transition('CUSTOMS_DECLARATION', docs.declaration, 'accept');
    await officer.documents.transition('CUSTOMS_DECLARATION', docs.declaration, 'release');

    const first = await bankA.remittances.record(inward(docs, '600.00'));
    const before = await position(bankB, docs.declaration);
    const excess = await rejectsWithCode(
      bankB.remittances.record(inward(docs, '300.01')),
      'ALREADY_REMITTED',
    );
    const after = await position(bankB, docs.declaration);
    await bankB.remittances.record(inward(docs, '300.00'));
    const done = await position(bankB, docs.declaration);
    const invoice = (await bankA.documents.get('COMMERCIAL_INVOICE', docs.invoice)) as FullView;

    expect(first.value.declaration.remitted).to.equal('600.00');
    expect(excess).to.be.instanceOf(AlreadyRemittedError);
    expect((excess as AlreadyRemittedError).fields).to.deep.equal({
      currency: 'USD',
      docId: docs.invoice,
      left: '300.00',
      type: 'COMMERCIAL_INVOICE',
    });
    expect(after).to.deep.equal(before);
    expect(done.shipment).to.deep.include({ remitted: '900.00', remitLeft: '100.00' });
    expect(done.remittances).to.equal(2);
    expect(invoice.remitted).to.equal('900.00');
  });

  it('lets one of two banks racing on the last amount win; the loser is invalidated at commit, retried, then refused', async () => {
    const rounds = 3;
    const outcomes = [];
    for (let i = 0; i < rounds; i++) {
      const docs = await exportShipment(alpha, {
        declaredValue: '1000.00',
        invoiceAmount: '1000.00',
      });
      await officer.documents.transition('CUSTOMS_DECLARATION', docs.declaration, 'accept');
      const attempts: Record<string, string[]> = { A: [], B: [] };
      const results = await Promise.allSettled([
        bankA.remittances.record(inward(docs, '700.00'), {
          onPrepared: (id) => void attempts.A!.push(id),
        }),
        bankB.remittances.record(inward(docs, '700.00'), {
          onPrepared: (id) => void attempts.B!.push(id),
        }),
      ]);
      outcomes.push({ docs, results, attempts, view: await position(bankA, docs.declaration) });
    }

    let invalidatedAtCommit = 0;
    for (const { results, attempts, view } of outcomes) {
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect((lost[0]!.reason as { code: string }).code).to.equal('ALREADY_REMITTED');
      expect(view.shipment).to.deep.include({ remitted: '700.00' });
      expect(view.remittances).to.equal(1);
      const loser = results[0]!.status === 'rejected' ? attempts.A! : attempts.B!;
      if (loser.length > 1) {
        // A lost race: a read conflict, or the winner set the new totals key's policy in the same block.
        expect(await bankA.connection.validationCode(loser[0]!)).to.be.oneOf([
          'MVCC_READ_CONFLICT',
          'ENDORSEMENT_POLICY_FAILURE',
        ]);
        invalidatedAtCommit++;
      }
    }
    expect(invalidatedAtCommit).to.be.greaterThan(0);
  });

  it('finances a shipment once: a declaration financing and an invoice financing share the declared value, also racing', async () => {
    const docs = await exportShipment(alpha, {
      declaredValue: '1000.00',
      invoiceAmount: '1000.00',
    });
    await officer.documents.transition('CUSTOMS_DECLARATION', docs.declaration, 'accept');
    await officer.documents.transition('CUSTOMS_DECLARATION', docs.declaration, 'release');

    const results = await Promise.allSettled([
      bankA.shipments.finance(docs.declaration, 'SF-A', '600.00'),
      bankB.invoices.finance(docs.invoice, 'F-B', '600.00'),
    ]);
    const view = (await bankA.documents.get('CUSTOMS_DECLARATION', docs.declaration)) as FullView;
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    const top = await bankA.shipments.finance(docs.declaration, 'SF-A2', '400.00');
    const excess = await rejectsWithCode(
      bankB.invoices.finance(docs.invoice, 'F-B2', '0.01'),
      'ALREADY_FINANCED',
    );
    const final = await bankB.shipments.get(docs.declaration);

    expect(lost).to.have.length(1);
    expect((lost[0]!.reason as { code: string }).code).to.equal('ALREADY_FINANCED');
    expect((lost[0]!.reason as AlreadyFinancedError).fields).to.include({
      docId: docs.declaration,
      left: '400.00',
    });
    expect(view.shipment).to.deep.include({ financed: '600.00', financeLeft: '400.00' });
    expect(top.value.shipment.financed).to.equal('1000.00');
    expect(excess.message).to.include('0.00');
    expect(final.shipment.financeLeft).to.equal('0.00');
  });

  describe('bad input: coded, ledger unchanged', () => {
    let docs: { declaration: string; invoice: string; contract: string };

    before(async () => {
      docs = await exportShipment(alpha, { declaredValue: '1000.00', invoiceAmount: '1000.00' });
    });

    async function refusedUnchanged(call: () => Promise<unknown>, code: string): Promise<void> {
      const before = await position(bankA, docs.declaration);
      await rejectsWithCode(call(), code);
      expect(await position(bankA, docs.declaration)).to.deep.equal(before);
    }

    it('refuses a remittance against a SUBMITTED declaration (INVALID_TRANSITION)', async () => {
      await refusedUnchanged(
        () => bankA.remittances.record(inward(docs, '10.00')),
        'INVALID_TRANSITION',
      );
    });

    it('refuses a remittance against a REJECTED declaration (INVALID_TRANSITION)', async () => {
      const rejected = await exportShipment(alpha);
      await officer.documents.transition('CUSTOMS_DECLARATION', rejected.declaration, 'reject');

      await rejectsWithCode(
        bankA.remittances.record(inward(rejected, '10.00')),
        'INVALID_TRANSITION',
      );
      expect((await position(bankA, rejected.declaration)).remittances).to.equal(0);
    });

    describe('once accepted', () => {
      before(async () => {
        await officer.documents.transition('CUSTOMS_DECLARATION', docs.declaration, 'accept');
      });

      it('refuses a payer other than the invoice buyer (INVALID_ARGUMENT)', async () => {
        await refusedUnchanged(
          () => bankA.remittances.record(inward(docs, '10.00', { payer: ALPHA })),
          'INVALID_ARGUMENT',
        );
      });

      it("refuses a remittance against another enterprise's declaration (INVALID_ARGUMENT)", async () => {
        const betaDecl = uniqueId('DEC');
        const beta = await clientAs('enterprise:beta');
        await beta.documents.register(
          {
            type: 'CUSTOMS_DECLARATION',
            docId: betaDecl,
            owner: BETA,
            links: [docs.contract, docs.invoice],
            facts: {
              direction: 'EXPORT',
              customsOffice: '2200',
              declaredValue: '1000.00',
              currency: 'USD',
            },
          },
          { sha256: newFile().sha256 },
        );
        await officer.documents.transition('CUSTOMS_DECLARATION', betaDecl, 'accept');

        await rejectsWithCode(
          bankA.remittances.record(inward({ ...docs, declaration: betaDecl }, '10.00')),
          'INVALID_ARGUMENT',
        );
        expect((await position(bankA, betaDecl)).remittances).to.equal(0);
      });

      it('refuses a mismatched currency (INVALID_ARGUMENT)', async () => {
        await refusedUnchanged(
          () => bankA.remittances.record(inward(docs, '10.00', { currency: 'EUR' })),
          'INVALID_ARGUMENT',
        );
      });

      it('refuses an OUTWARD payment against an EXPORT declaration (INVALID_ARGUMENT)', async () => {
        await refusedUnchanged(
          () => bankA.remittances.record(inward(docs, '10.00', { direction: 'OUTWARD' })),
          'INVALID_ARGUMENT',
        );
      });

      for (const amount of ['-10.00', '0', '1'.repeat(25), '10.001', 'ten']) {
        it(`refuses the amount ${JSON.stringify(amount)} (INVALID_ARGUMENT)`, async () => {
          await refusedUnchanged(
            () => bankA.remittances.record(inward(docs, amount)),
            'INVALID_ARGUMENT',
          );
        });
      }

      it('refuses a remittance by an enterprise or a customs officer (FORBIDDEN)', async () => {
        await refusedUnchanged(() => alpha.remittances.record(inward(docs, '10.00')), 'FORBIDDEN');
        await refusedUnchanged(
          () => officer.remittances.record(inward(docs, '10.00')),
          'FORBIDDEN',
        );
      });

      it('refuses a remittance past the declared value in one go (ALREADY_REMITTED)', async () => {
        await refusedUnchanged(
          () => bankA.remittances.record(inward(docs, '1000.01')),
          'ALREADY_REMITTED',
        );
      });
    });
  });
});
