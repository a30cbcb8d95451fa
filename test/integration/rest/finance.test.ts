import { expect } from 'chai';
import { ALPHA, BETA, newFile, uniqueId } from '../fixtures';
import { clientAs } from '../harness';
import { call, startService, TestService } from './harness';

const POLICY = {
  bankMsp: 'BankAMSP',
  limit: {
    currency: 'USD',
    lookbackMonths: 12,
    minHistoryMonths: 1,
    releasedRateBp: 2000,
    dutyPaidRateBp: 30000,
    openFinancingRateBp: 0,
    remittanceGapRateBp: 0,
    claimedRateBp: 10000,
    cap: '5000000.00',
  },
  approval: {
    dutyGraceDays: 30,
    claimFreeMonths: 24,
    peakDutyMultipleBp: 30000,
    maxValidityDays: 366,
  },
};

describe('REST service on the network: finance services', function () {
  this.timeout(120_000);
  let banka: TestService;
  let bankb: TestService;
  let clerkA: string;
  let clerkB: string;
  const docs = {
    contract: uniqueId('CON'),
    invoice: uniqueId('INV'),
    declaration: uniqueId('DEC'),
  };

  before(async () => {
    banka = await startService('banka');
    bankb = await startService('bankb');
    clerkA = banka.token('banka:clerk1');
    clerkB = bankb.token('bankb:clerk1');
    const alpha = await clientAs('enterprise:alpha');
    const officer = await clientAs('customs:officer1');
    const base = { owner: ALPHA };
    await alpha.documents.registerBatch([
      {
        ...base,
        type: 'CONTRACT',
        docId: docs.contract,
        sha256: newFile().sha256,
        facts: { seller: ALPHA, buyer: BETA, amount: '9000.00', currency: 'USD' },
      },
      {
        ...base,
        type: 'COMMERCIAL_INVOICE',
        docId: docs.invoice,
        sha256: newFile().sha256,
        links: [docs.contract],
        facts: { seller: ALPHA, buyer: BETA, amount: '500.00', currency: 'USD' },
      },
      {
        ...base,
        type: 'CUSTOMS_DECLARATION',
        docId: docs.declaration,
        sha256: newFile().sha256,
        links: [docs.contract, docs.invoice],
        facts: {
          direction: 'EXPORT',
          customsOffice: '2200',
          declaredValue: '800.00',
          currency: 'USD',
        },
      },
    ]);
    await officer.documents.transition('CUSTOMS_DECLARATION', docs.declaration, 'accept');
    await officer.documents.transition('CUSTOMS_DECLARATION', docs.declaration, 'release');
  });

  after(async () => {
    await Promise.all([banka, bankb].map((s) => s?.close()));
  });

  const remittance = (amount: string) => ({
    remittanceId: uniqueId('RM'),
    declarationDocId: docs.declaration,
    invoiceDocId: docs.invoice,
    contractDocId: docs.contract,
    direction: 'INWARD',
    payer: BETA,
    amount,
    currency: 'USD',
  });

  it('records a remittance, refuses the excess with 409 ALREADY_REMITTED and the amount left as a field, and shows the shipment', async () => {
    const first = await call(`${banka.url}/api/v1/remittances`, {
      token: clerkA,
      body: remittance('450.00'),
    });
    const excess = await call(`${bankb.url}/api/v1/remittances`, {
      token: clerkB,
      body: remittance('50.01'),
    });
    const bad = await call(`${bankb.url}/api/v1/remittances`, {
      token: clerkB,
      body: { ...remittance('1'), amount: '-1' },
    });
    const shipment = await call(`${bankb.url}/api/v1/shipments/${docs.declaration}`, {
      token: clerkB,
    });

    expect(first.status).to.equal(201);
    expect(first.body.result.declaration.remitted).to.equal('450.00');
    expect(excess.status).to.equal(409);
    expect(excess.body.error).to.deep.include({ code: 'ALREADY_REMITTED' });
    expect(excess.body.error.fields).to.deep.equal({
      currency: 'USD',
      docId: docs.invoice,
      left: '50.00',
      type: 'COMMERCIAL_INVOICE',
    });
    expect(bad.status).to.equal(400);
    expect(shipment.status).to.equal(200);
    expect(shipment.body.shipment).to.deep.include({ remitted: '450.00', remitLeft: '350.00' });
  });

  it('finances the shipment and refuses past its declared value with 409 ALREADY_FINANCED', async () => {
    const financed = await call(`${banka.url}/api/v1/shipments/${docs.declaration}/financings`, {
      token: clerkA,
      body: { financingId: 'SF-1', amount: '700.00' },
    });
    const excess = await call(`${bankb.url}/api/v1/invoices/${docs.invoice}/financings`, {
      token: clerkB,
      body: { financingId: 'F-1', amount: '100.01' },
    });

    expect(financed.status).to.equal(201);
    expect(financed.body.result.shipment.financeLeft).to.equal('100.00');
    expect(excess.status).to.equal(409);
    expect(excess.body.error.fields).to.include({ docId: docs.declaration, left: '100.00' });
  });

  it('publishes a policy, refuses another bank writing it (403), assesses a limit and recomputes it', async () => {
    const published = await call(`${banka.url}/api/v1/credit/policies`, {
      token: clerkA,
      body: POLICY,
    });
    const foreign = await call(`${bankb.url}/api/v1/credit/policies`, {
      token: clerkB,
      body: POLICY,
    });
    const assessed = await call(`${banka.url}/api/v1/credit/limits`, {
      token: clerkA,
      body: { owner: ALPHA },
    });
    const decisionId = assessed.body.result.decisionId as string;
    const recomputed = await call(
      `${bankb.url}/api/v1/credit/limits/${ALPHA}/${decisionId}/recomputation`,
      { token: clerkB },
    );
    const none = await call(`${bankb.url}/api/v1/credit/approvals/${uniqueId('TG')}`, {
      token: clerkB,
    });

    expect(published.status).to.equal(201);
    expect(foreign.status).to.equal(403);
    expect(foreign.body.error.code).to.equal('FORBIDDEN');
    expect(assessed.status).to.equal(201);
    expect(assessed.body.result.reasons.map((r: { code: string }) => r.code)).to.include(
      'RELEASED_VALUE',
    );
    expect(recomputed.body).to.deep.include({ agrees: true, limit: assessed.body.result.limit });
    expect(none.status).to.equal(404);
  });

  it("runs the bank's approver inside its REST service (SWL_REST_APPROVER): a new application is decided within seconds", async () => {
    const withApprover = await startService('banka', { approver: 'banka:approver1' });
    try {
      await new Promise((r) => setTimeout(r, 3000));
      const beta = await clientAs('enterprise:beta');
      const docId = uniqueId('TG');
      await beta.guarantees.apply(
        {
          docId,
          applicant: BETA,
          bankMsp: 'BankAMSP',
          customsOffice: '2200',
          amount: '1.00',
          validFrom: new Date(Date.now() - 60_000).toISOString(),
          validTo: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        },
        { sha256: newFile('tg').sha256 },
      );
      let decision: { status: number; body: { outcome?: string; rules?: unknown[] } } = {
        status: 0,
        body: {},
      };
      for (let i = 0; i < 60 && decision.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 500));
        decision = await call(`${withApprover.url}/api/v1/credit/approvals/${docId}`, {
          token: withApprover.token('banka:clerk1'),
        });
      }

      expect(decision.status).to.equal(200);
      expect(decision.body.outcome).to.be.oneOf(['ISSUED', 'REFERRED']);
      expect(decision.body.rules).to.have.length(5);
    } finally {
      await withApprover.close();
    }
  });
});
