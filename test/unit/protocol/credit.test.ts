import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeLimit,
  emptyExposure,
  emptyMonth,
  dutyMove,
  exposureOf,
  monthAfterDeclarationMove,
  monthAfterGuaranteeMove,
  monthsBack,
  parseLimitParameters,
  publishPolicy,
  assessLimit,
  checkDecision,
  type LimitInputs,
  type LimitParameters,
  type MonthAggregate,
} from '@swledger/protocol/credit';
import { ErrorCode } from '@swledger/protocol/errors';
import { actors, expectCode, OWNER, recordOf, TX } from '../chaincode/fixtures';

const FIXTURES = join(__dirname, 'fixtures', 'limits');

interface Golden {
  readonly description: string;
  readonly parameters: LimitParameters;
  readonly months: readonly Partial<MonthAggregate>[];
  readonly openFinancings?: Readonly<Record<string, { amount: string; currency: string }>>;
  readonly expected: ReturnType<typeof computeLimit>;
}

function inputsOf(golden: Golden): LimitInputs {
  const months = monthsBack('2026-03-15T00:00:00.000Z', golden.parameters.lookbackMonths);
  return {
    months: months.map((month, i) => ({ ...emptyMonth(OWNER, month), ...golden.months[i] })),
    exposure: { ...emptyExposure(OWNER), openFinancings: golden.openFinancings ?? {} },
  };
}

const POLICY_INPUT = {
  bankMsp: 'BankAMSP',
  limit: {
    currency: 'USD',
    lookbackMonths: 12,
    minHistoryMonths: 1,
    releasedRateBp: 2000,
    dutyPaidRateBp: 30000,
    openFinancingRateBp: 10000,
    remittanceGapRateBp: 5000,
    claimedRateBp: 20000,
    cap: '1000000.00',
  },
  approval: {
    dutyGraceDays: 30,
    claimFreeMonths: 24,
    peakDutyMultipleBp: 30000,
    maxValidityDays: 366,
  },
};

describe('protocol/credit', () => {
  describe('golden fixtures: inputs → limit → reasons', () => {
    for (const file of readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const golden = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Golden;
      it(`${file}: ${golden.description}`, () => {
        const result = computeLimit(parseLimitParameters(golden.parameters), inputsOf(golden));

        expect(result).to.deep.equal(golden.expected);
      });
    }
  });

  it('counts back calendar months across a year end', () => {
    expect(monthsBack('2026-02-10T00:00:00.000Z', 4)).to.deep.equal([
      '2026-02',
      '2026-01',
      '2025-12',
      '2025-11',
    ]);
  });

  it('adds a release to the month, EXPORT value apart, and a paid duty once', () => {
    const decl = recordOf('CUSTOMS_DECLARATION', { status: 'ACCEPTED' });
    const released = monthAfterDeclarationMove(
      emptyMonth(OWNER, '2026-03'),
      decl,
      { ...decl.state, status: 'RELEASED' },
      TX,
    );
    const assessed = {
      ...decl,
      state: { ...decl.state, status: 'RELEASED', taxStatus: 'ASSESSED', dutyAmount: '12.50' },
    };
    const paid = monthAfterDeclarationMove(
      released!,
      assessed,
      { ...assessed.state, taxStatus: 'PAID' },
      TX,
    );
    const again = monthAfterDeclarationMove(
      paid!,
      { ...decl, state: { ...assessed.state, taxStatus: 'PAID' } },
      { ...assessed.state, taxStatus: 'PAID' },
      TX,
    );

    expect(released).to.deep.include({
      released: { USD: '125000.50' },
      exportReleased: {},
      releasedIds: ['CUS-001'],
    });
    expect(paid).to.deep.include({ dutyPaid: '12.50', dutyPaidIds: ['CUS-001'] });
    expect(again).to.equal(undefined);
  });

  it('adds a claim to the applicant month and ignores other guarantee moves', () => {
    const g = recordOf('TARIFF_GUARANTEE', { status: 'ACTIVE' });

    const claimed = monthAfterGuaranteeMove(
      emptyMonth(OWNER, '2026-03'),
      g,
      { ...g.state, status: 'CLAIMED', claimed: '300.00' },
      TX,
    );
    const released = monthAfterGuaranteeMove(
      emptyMonth(OWNER, '2026-03'),
      g,
      { ...g.state, status: 'RELEASED' },
      TX,
    );

    expect(claimed).to.deep.include({ claimed: '300.00', claimedIds: ['TAR-001'] });
    expect(released).to.equal(undefined);
  });

  it('opens a duty when assessed and closes it when paid or guaranteed', () => {
    const decl = recordOf('CUSTOMS_DECLARATION', { status: 'RELEASED' });
    const assessed = {
      ...decl,
      state: { ...decl.state, taxStatus: 'ASSESSED', dutyAmount: '5.00' },
    };

    expect(dutyMove(decl, assessed.state)).to.equal('open');
    expect(dutyMove(assessed, { ...assessed.state, taxStatus: 'GUARANTEED' })).to.equal('close');
    expect(dutyMove(assessed, { ...assessed.state, taxStatus: 'PAID' })).to.equal('close');
    expect(dutyMove(assessed, assessed.state)).to.equal(undefined);
  });

  it('lists the exposure by open financing and open duty', () => {
    const exposure = exposureOf(
      OWNER,
      [
        {
          schemaVersion: 1,
          owner: OWNER,
          key: 'INV-1/F-1',
          bankMsp: 'BankAMSP',
          amount: '10.00',
          currency: 'USD',
        },
      ],
      [
        {
          schemaVersion: 1,
          owner: OWNER,
          declarationDocId: 'D-1',
          amount: '5.00',
          assessedAt: TX.time,
        },
      ],
    );

    expect(exposure.openFinancings).to.deep.equal({
      'INV-1/F-1': { amount: '10.00', currency: 'USD' },
    });
    expect(exposure.openDuties).to.deep.equal({ 'D-1': { amount: '5.00', assessedAt: TX.time } });
  });

  it('lets only a clerk of the named bank publish its policy (FORBIDDEN), and versions it', () => {
    const first = publishPolicy(POLICY_INPUT, undefined, actors.clerkA, TX);

    expectCode(() => publishPolicy(POLICY_INPUT, first, actors.clerkB, TX), ErrorCode.FORBIDDEN);
    expectCode(
      () => publishPolicy(POLICY_INPUT, first, actors.bankAuditor, TX),
      ErrorCode.FORBIDDEN,
    );
    expect(publishPolicy(POLICY_INPUT, first, actors.clerkA, TX).version).to.equal(2);
  });

  for (const [what, change] of [
    ['a look-back over 36 months', { lookbackMonths: 37 }],
    ['a negative rate', { releasedRateBp: -1 }],
    ['a fractional rate', { releasedRateBp: 1.5 }],
    ['more history than the look-back', { minHistoryMonths: 13 }],
    ['a zero cap', { cap: '0' }],
    ['an unknown parameter', { extra: 1 }],
  ] as const) {
    it(`refuses a policy with ${what} (INVALID_ARGUMENT)`, () => {
      expectCode(
        () =>
          publishPolicy(
            { ...POLICY_INPUT, limit: { ...POLICY_INPUT.limit, ...change } },
            undefined,
            actors.clerkA,
            TX,
          ),
        ErrorCode.INVALID_ARGUMENT,
      );
    });
  }

  it('assesses only under the clerk’s own bank’s policy and only on the exact look-back', () => {
    const policy = publishPolicy(POLICY_INPUT, undefined, actors.clerkA, TX);
    const months = monthsBack(TX.time, 12).map((m) => emptyMonth(OWNER, m));
    const inputs = { months, exposure: emptyExposure(OWNER) };

    const decision = assessLimit(OWNER, policy, inputs, actors.clerkA, TX);

    expect(decision).to.deep.include({ limit: '0.00', decisionId: TX.id, policyVersion: 1 });
    expect(decision.reasons[0]!.code).to.equal('INSUFFICIENT_HISTORY');
    expect(checkDecision(JSON.parse(JSON.stringify(decision)))).to.deep.equal(decision);
    expectCode(() => assessLimit(OWNER, policy, inputs, actors.clerkB, TX), ErrorCode.FORBIDDEN);
    expectCode(
      () => assessLimit(OWNER, policy, { ...inputs, months: months.slice(1) }, actors.clerkA, TX),
      ErrorCode.INVALID_ARGUMENT,
    );
  });
});
