import { expect } from 'chai';
import {
  Approver,
  ApproverOutcome,
  FullView,
  LimitDecision,
  PolicyInput,
  SwlClient,
} from '@swledger/sdk';
import { clientAs } from './harness';
import { BETA, newFile, rejectsWithCode, uniqueId } from './fixtures';

/** Bank A's policy: no deductions for exposures other banks' tests leave behind, a 24-month claim-free rule. */
const POLICY: PolicyInput = {
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

/** BETA exports 1000 USD: released, 100.00 duty assessed and paid. */
async function releasedWithDutyPaid(beta: SwlClient, officer: SwlClient): Promise<string> {
  const docId = uniqueId('DEC');
  await beta.documents.register(
    {
      type: 'CUSTOMS_DECLARATION',
      docId,
      owner: BETA,
      facts: {
        direction: 'EXPORT',
        customsOffice: '2200',
        declaredValue: '1000.00',
        currency: 'USD',
      },
    },
    { sha256: newFile().sha256 },
  );
  await officer.documents.transition('CUSTOMS_DECLARATION', docId, 'accept');
  await officer.documents.transition('CUSTOMS_DECLARATION', docId, 'release');
  await officer.documents.transition('CUSTOMS_DECLARATION', docId, 'assessDuty', {
    amount: '100.00',
  });
  await officer.documents.transition('CUSTOMS_DECLARATION', docId, 'payDuty');
  return docId;
}

function application(docId: string, amount: string, days = 90) {
  return {
    docId,
    applicant: BETA,
    bankMsp: 'BankAMSP',
    customsOffice: '2200',
    amount,
    validFrom: new Date(Date.now() - 60_000).toISOString(),
    validTo: new Date(Date.now() + days * 86_400_000).toISOString(),
  };
}

describe('chaincode on the network: loan limits and guarantee auto-approval', function () {
  this.timeout(300_000);

  let beta: SwlClient;
  let officer: SwlClient;
  let clerkA: SwlClient;
  let clerkB: SwlClient;

  before(async () => {
    beta = await clientAs('enterprise:beta');
    officer = await clientAs('customs:officer1');
    clerkA = await clientAs('banka:clerk1');
    clerkB = await clientAs('bankb:clerk1');
    await clerkA.credit.publishPolicy(POLICY);
  });

  it("refuses a policy record written by another bank (FORBIDDEN), the bank's policy unchanged", async () => {
    const before = await clerkB.credit.policy('BankAMSP');

    await rejectsWithCode(
      clerkB.credit.publishPolicy({ ...POLICY, limit: { ...POLICY.limit, cap: '999999999.00' } }),
      'FORBIDDEN',
    );
    await rejectsWithCode(beta.credit.publishPolicy(POLICY), 'FORBIDDEN');
    await rejectsWithCode(
      clerkA.credit.publishPolicy({ ...POLICY, limit: { ...POLICY.limit, lookbackMonths: 99 } }),
      'INVALID_ARGUMENT',
    );

    expect(await clerkB.credit.policy('BankAMSP')).to.deep.equal(before);
  });

  it('computes the limit in chaincode from the month aggregates kept as declarations move, and recompute agrees', async () => {
    const first = (await clerkA.credit.assessLimit(BETA)).value;
    const released = await releasedWithDutyPaid(beta, officer);

    const second = (await clerkA.credit.assessLimit(BETA)).value;
    const check = await clerkB.credit.recompute(second);
    const forged: LimitDecision = { ...second, limit: '4999999.00' };
    const forgedCheck = await clerkB.credit.recompute(forged);
    const padded: LimitDecision = {
      ...second,
      inputs: {
        ...second.inputs,
        months: second.inputs.months.map((m, i) =>
          i === 0 ? { ...m, released: { ...m.released, USD: '9999999.00' } } : m,
        ),
      },
    };
    const paddedCheck = await clerkB.credit.recompute(padded);

    const delta = (a: string, b: string) => (Number(a) - Number(b)).toFixed(2);
    expect(delta(second.totals.released, first.totals.released)).to.equal('1000.00');
    expect(delta(second.totals.dutyPaid, first.totals.dutyPaid)).to.equal('100.00');
    expect(second.inputs.months[0]!.releasedIds).to.include(released);
    expect(second.inputs.months).to.have.length(12);
    expect(second.reasons.map((r) => r.code)).to.include.members(['RELEASED_VALUE', 'DUTY_PAID']);
    expect(Number(second.limit)).to.be.greaterThan(0);
    expect(check).to.deep.equal({ agrees: true, limit: second.limit, problems: [] });
    expect(forgedCheck.agrees).to.equal(false);
    expect(forgedCheck.problems.join('; ')).to.include('differs from the one on the ledger');
    expect(paddedCheck.agrees).to.equal(false);
    expect(paddedCheck.problems.join('; ')).to.include('add up to');
  });

  it('refuses a limit assessment by a bank without a policy (NOT_FOUND) or by an enterprise (FORBIDDEN)', async () => {
    await rejectsWithCode(clerkB.credit.assessLimit(BETA), 'NOT_FOUND');
    await rejectsWithCode(beta.credit.assessLimit(BETA), 'FORBIDDEN');
  });

  it('lets the approver issue a low-risk application within seconds with a decision customs sees when it verifies, and refer a risky one', async () => {
    await releasedWithDutyPaid(beta, officer);
    const approverClient = await clientAs('banka:approver1');
    const decided = new Map<string, ApproverOutcome>();
    const waiters = new Map<string, () => void>();
    const approver = new Approver(approverClient, {
      onDecision: (o) => {
        decided.set(o.guaranteeDocId, o);
        waiters.get(o.guaranteeDocId)?.();
      },
    });
    const running = approver.run();
    const decisionOf = (docId: string) =>
      new Promise<ApproverOutcome>((resolve) => {
        const done = () => resolve(decided.get(docId)!);
        if (decided.has(docId)) done();
        else waiters.set(docId, done);
      });
    await new Promise((r) => setTimeout(r, 2000));

    const low = uniqueId('TG');
    const file = newFile('tg');
    const appliedAt = Date.now();
    await beta.guarantees.apply(application(low, '200.00'), { sha256: file.sha256 });
    const lowOutcome = await decisionOf(low);
    const seconds = (Date.now() - appliedAt) / 1000;
    const risky = uniqueId('TG');
    await beta.guarantees.apply(application(risky, '400000.00', 400), {
      sha256: newFile('tg').sha256,
    });
    const riskyOutcome = await decisionOf(risky);
    approver.stop();
    await running;
    const verified = await officer.verifier.verify({ sha256: file.sha256 });
    const riskyView = (await clerkA.documents.get('TARIFF_GUARANTEE', risky)) as FullView;
    await rejectsWithCode(approverClient.credit.decideGuarantee(risky), 'ALREADY_EXISTS');

    expect(lowOutcome.decision.outcome).to.equal('ISSUED');
    expect(lowOutcome.decision.rules.map((r) => r.rule)).to.deep.equal([
      'NO_DUTY_OVERDUE',
      'NO_RECENT_CLAIM',
      'WITHIN_PEAK_DUTY',
      'WITHIN_LIMIT',
      'VALIDITY',
    ]);
    expect(seconds).to.be.lessThan(60);
    expect(verified.verdict).to.equal('VALID');
    expect(verified.provenance.result).to.equal('VALID');
    expect((verified.record as FullView).status).to.equal('ISSUED');
    expect((verified.record as FullView).approval).to.deep.include({
      outcome: 'ISSUED',
      failing: [],
    });
    expect(riskyOutcome.decision.outcome).to.equal('REFERRED');
    expect(riskyOutcome.decision.failing).to.include.members(['WITHIN_PEAK_DUTY', 'VALIDITY']);
    expect(riskyView.status).to.equal('APPLIED');
    expect(riskyView.approval?.outcome).to.equal('REFERRED');
  });

  it('refuses a decision by a clerk, by another bank’s approver, or twice, with the application unchanged', async () => {
    const docId = uniqueId('TG');
    await beta.guarantees.apply(application(docId, '10.00'), { sha256: newFile('tg').sha256 });
    const approverB = await clientAs('bankb:approver1');

    await rejectsWithCode(clerkA.credit.decideGuarantee(docId), 'FORBIDDEN');
    await rejectsWithCode(approverB.credit.decideGuarantee(docId), 'FORBIDDEN');
    const view = (await clerkA.documents.get('TARIFF_GUARANTEE', docId)) as FullView;

    expect(view.status).to.equal('APPLIED');
    expect(view.approval).to.equal(undefined);
    expect(await clerkA.credit.approval(docId)).to.equal(undefined);
  });
});
