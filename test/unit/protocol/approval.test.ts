import { expect } from 'chai';
import { checkApproval, decide, evaluateRules } from '@swledger/protocol/approval';
import {
  emptyExposure,
  emptyMonth,
  monthsBack,
  publishPolicy,
  type MonthAggregate,
} from '@swledger/protocol/credit';
import { ErrorCode } from '@swledger/protocol/errors';
import { type Tx } from '@swledger/protocol/record';
import { actors, expectCode, OWNER, recordOf, inputFor } from '../chaincode/fixtures';

const NOW: Tx = { id: 'tx-approve', time: '2026-03-15T10:00:00.000Z' };
const approver = { msp: 'BankAMSP', role: 'approver', id: 'x509::/CN=approver1::/CN=ca.banka' };
const otherApprover = {
  msp: 'BankBMSP',
  role: 'approver',
  id: 'x509::/CN=approver1::/CN=ca.bankb',
};

const policy = publishPolicy(
  {
    bankMsp: 'BankAMSP',
    limit: {
      currency: 'USD',
      lookbackMonths: 12,
      minHistoryMonths: 1,
      releasedRateBp: 2000,
      dutyPaidRateBp: 30000,
      openFinancingRateBp: 10000,
      remittanceGapRateBp: 0,
      claimedRateBp: 10000,
      cap: '1000000.00',
    },
    approval: {
      dutyGraceDays: 30,
      claimFreeMonths: 24,
      peakDutyMultipleBp: 30000,
      maxValidityDays: 366,
    },
  },
  undefined,
  actors.clerkA,
  NOW,
);

function application(amount = '1000', validTo = '2026-12-31T00:00:00Z') {
  const input = inputFor('TARIFF_GUARANTEE');
  return recordOf(
    'TARIFF_GUARANTEE',
    {},
    {
      ...input,
      facts: {
        ...(input.facts as Record<string, string>),
        amount,
        validFrom: '2026-03-01T00:00:00Z',
        validTo,
      },
    },
  );
}

function inputs(change: (months: MonthAggregate[]) => void = () => undefined, openDuties = {}) {
  const months = monthsBack(NOW.time, 24).map((m) => emptyMonth(OWNER, m));
  months[1] = {
    ...months[1]!,
    released: { USD: '100000.00' },
    releasedIds: ['D1'],
    dutyPaid: '500.00',
    dutyPaidIds: ['D1'],
  };
  change(months);
  return {
    months: months.slice(0, 12),
    claimMonths: months,
    exposure: { ...emptyExposure(OWNER), openDuties },
  };
}

describe('protocol/approval', () => {
  it('issues when every rule passes, listing each rule with the value it saw', () => {
    const { decision, state } = decide(application(), policy, inputs(), approver, NOW);

    expect(decision.outcome).to.equal('ISSUED');
    expect(decision.failing).to.deep.equal([]);
    expect(decision.rules.map((r) => [r.rule, r.passed, r.saw])).to.deep.equal([
      ['NO_DUTY_OVERDUE', true, 'none'],
      ['NO_RECENT_CLAIM', true, '0.00'],
      ['WITHIN_PEAK_DUTY', true, '1000.00'],
      ['WITHIN_LIMIT', true, '1000.00'],
      ['VALIDITY', true, '305.00 days'],
    ]);
    expect(decision.limit).to.equal('21500.00');
    expect(state?.status).to.equal('ISSUED');
    expect(checkApproval(JSON.parse(JSON.stringify(decision)))).to.deep.equal(decision);
    expectCode(() => checkApproval({ ...decision, outcome: 'MAYBE' }), ErrorCode.INVALID_ARGUMENT);
  });

  const referrals: readonly [
    string,
    ReturnType<typeof application>,
    ReturnType<typeof inputs>,
    string,
  ][] = [
    [
      'an overdue duty',
      application(),
      inputs(undefined, { D9: { amount: '10.00', assessedAt: '2026-01-01T00:00:00.000Z' } }),
      'NO_DUTY_OVERDUE',
    ],
    [
      'a claim 20 months ago',
      application(),
      inputs((m) => {
        m[20] = { ...m[20]!, claimed: '1.00', claimedIds: ['G0'] };
      }),
      'NO_RECENT_CLAIM',
    ],
    ['more than 3× the peak monthly duty', application('1500.01'), inputs(), 'WITHIN_PEAK_DUTY'],
    ['a validity over 366 days', application('100', '2027-03-03T00:00:00Z'), inputs(), 'VALIDITY'],
  ];
  for (const [what, app, given, rule] of referrals) {
    it(`refers ${what} to a clerk (${rule}), leaving the state alone`, () => {
      const { decision, state } = decide(app, policy, given, approver, NOW);

      expect(decision.outcome).to.equal('REFERRED');
      expect(decision.failing).to.deep.equal([rule]);
      expect(state).to.equal(undefined);
    });
  }

  it('refers an amount above the remaining limit (WITHIN_LIMIT)', () => {
    const big = inputs((m) => {
      m[1] = { ...m[1]!, dutyPaid: '100000.00' };
      m[2] = { ...m[2]!, released: { USD: '1.00' } };
    });
    const thin = { ...big, months: big.months.map((m) => ({ ...m, released: {} })) };
    thin.months[0] = { ...thin.months[0]!, released: { USD: '5.00' } };

    const { rules } = evaluateRules(
      application('400000'),
      { ...policy, limit: { ...policy.limit, dutyPaidRateBp: 0 } },
      thin,
      NOW.time,
    );

    expect(rules.find((r) => r.rule === 'WITHIN_LIMIT')).to.deep.include({
      passed: false,
      bound: 'limit 1.00',
    });
  });

  it('lets only the approver of the guarantee’s bank decide (FORBIDDEN)', () => {
    expectCode(
      () => decide(application(), policy, inputs(), otherApprover, NOW),
      ErrorCode.FORBIDDEN,
    );
    expectCode(
      () => decide(application(), policy, inputs(), actors.clerkA, NOW),
      ErrorCode.FORBIDDEN,
    );
  });

  it('decides only an APPLIED guarantee (INVALID_TRANSITION) within its window (EXPIRED)', () => {
    const issued = { ...application(), state: { ...application().state, status: 'ISSUED' } };

    expectCode(() => decide(issued, policy, inputs(), approver, NOW), ErrorCode.INVALID_TRANSITION);
    expectCode(
      () => decide(application('1', '2026-03-10T00:00:00Z'), policy, inputs(), approver, NOW),
      ErrorCode.EXPIRED,
    );
  });

  it('refuses inputs that are not the applicant’s look-back (INVALID_ARGUMENT)', () => {
    const given = inputs();

    expectCode(
      () =>
        decide(application(), policy, { ...given, months: given.months.slice(1) }, approver, NOW),
      ErrorCode.INVALID_ARGUMENT,
    );
  });
});
