import { actorRef, checkActorRef, isBankApprover, type Actor, type ActorRef } from './actor';
import {
  computeLimit,
  requireLookback,
  type BankPolicy,
  type LimitInputs,
  type MonthAggregate,
} from './credit';
import { ErrorCode, fail } from './errors';
import { GuaranteeStatus, isExpired } from './guarantee';
import {
  advance,
  factOf,
  requireActor,
  requireStatus,
  type DocRecord,
  type State,
  type Tx,
} from './record';
import { SCHEMA_VERSION } from './serialize';
import {
  amount,
  amountCents,
  docId,
  fields,
  formatCents,
  integer,
  isoTime,
  oneOf,
  text,
  uscc,
} from './validate';

/*
 * Tariff-guarantee auto-approval (SPEC §8): a bank's automated approver
 * decides each application to its bank by the bank's published rules. All
 * rules pass: the guarantee is ISSUED. Any fails: it stays APPLIED, referred
 * to a clerk with the failing rules. Either way a decision record lists each
 * rule with the value it saw.
 */

/** Outcomes of an automated decision. */
export const ApprovalOutcome = Object.freeze({ ISSUED: 'ISSUED', REFERRED: 'REFERRED' } as const);

/** Stable names of the rules. */
export const ApprovalRule = Object.freeze({
  NO_DUTY_OVERDUE: 'NO_DUTY_OVERDUE',
  NO_RECENT_CLAIM: 'NO_RECENT_CLAIM',
  WITHIN_PEAK_DUTY: 'WITHIN_PEAK_DUTY',
  WITHIN_LIMIT: 'WITHIN_LIMIT',
  VALIDITY: 'VALIDITY',
} as const);

/** One rule as the approver saw it. */
export interface RuleResult {
  readonly rule: string;
  readonly passed: boolean;
  /** The value the rule looked at. */
  readonly saw: string;
  /** The bound it compared it with. */
  readonly bound: string;
}

/** A decision on one application, stored write-once under `approval~guaranteeDocId`. */
export interface ApprovalDecision {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly guaranteeDocId: string;
  readonly owner: string;
  readonly bankMsp: string;
  readonly outcome: string;
  readonly rules: readonly RuleResult[];
  /** The rules that failed (empty when ISSUED). */
  readonly failing: readonly string[];
  readonly policyVersion: number;
  /** The limit computed under the bank's policy at decision time. */
  readonly limit: string;
  readonly amount: string;
  readonly decidedAt: string;
  readonly decidedBy: ActorRef;
  readonly txId: string;
}

/** What the approver needs beyond the guarantee: the applicant's months and exposure. */
export interface ApprovalInputs extends LimitInputs {
  /** Months of the claim-free window, newest first (may overlap the look-back). */
  readonly claimMonths: readonly MonthAggregate[];
}

const DAY_MS = 86_400_000;

/** How many months of aggregates a decision under `policy` reads: the longer of both windows. */
export function approvalMonths(policy: BankPolicy): number {
  return Math.max(policy.limit.lookbackMonths, policy.approval.claimFreeMonths);
}

/** Evaluates every rule of `policy` on an application; pure. */
export function evaluateRules(
  guarantee: DocRecord,
  policy: BankPolicy,
  inputs: ApprovalInputs,
  time: string,
): { readonly rules: RuleResult[]; readonly limit: string } {
  const rules: RuleResult[] = [];
  const amount = amountCents(factOf(guarantee, 'amount'));
  const grace = policy.approval.dutyGraceDays * DAY_MS;
  const overdue = Object.keys(inputs.exposure.openDuties)
    .sort()
    .filter((id) => {
      const duty = inputs.exposure.openDuties[id];
      return duty !== undefined && Date.parse(time) - Date.parse(duty.assessedAt) > grace;
    });
  rules.push({
    rule: ApprovalRule.NO_DUTY_OVERDUE,
    passed: overdue.length === 0,
    saw: overdue.length === 0 ? 'none' : overdue.join(','),
    bound: `unpaid at most ${policy.approval.dutyGraceDays} days`,
  });
  const claimed = inputs.claimMonths.reduce(
    (t, m) => t + amountCents(m.claimed, 'claimed', true),
    0n,
  );
  rules.push({
    rule: ApprovalRule.NO_RECENT_CLAIM,
    passed: claimed === 0n,
    saw: formatCents(claimed),
    bound: `0.00 claimed in ${policy.approval.claimFreeMonths} months`,
  });
  const result = computeLimit(policy.limit, inputs);
  const peak = amountCents(result.totals.peakMonthlyDuty, 'peak', true);
  const peakBound = (peak * BigInt(policy.approval.peakDutyMultipleBp)) / 10_000n;
  rules.push({
    rule: ApprovalRule.WITHIN_PEAK_DUTY,
    passed: amount <= peakBound,
    saw: formatCents(amount),
    bound: `${(policy.approval.peakDutyMultipleBp / 10_000).toFixed(2)} × peak monthly duty ${result.totals.peakMonthlyDuty} = ${formatCents(peakBound)}`,
  });
  rules.push({
    rule: ApprovalRule.WITHIN_LIMIT,
    passed: amount <= amountCents(result.limit, 'limit', true),
    saw: formatCents(amount),
    bound: `limit ${result.limit}`,
  });
  const days =
    (Date.parse(factOf(guarantee, 'validTo')) - Date.parse(factOf(guarantee, 'validFrom'))) /
    DAY_MS;
  rules.push({
    rule: ApprovalRule.VALIDITY,
    passed: days <= policy.approval.maxValidityDays,
    saw: `${days.toFixed(2)} days`,
    bound: `at most ${policy.approval.maxValidityDays} days`,
  });
  return { rules, limit: result.limit };
}

/**
 * The approver of the guarantee's bank decides an application: ISSUED when
 * every rule passes (the guarantee's new state is returned), else REFERRED
 * (no state change).
 *
 * @throws SwlError FORBIDDEN unless an approver of the guarantee's bank, INVALID_TRANSITION
 *   unless APPLIED, EXPIRED past the window, INVALID_ARGUMENT when the inputs are not the
 *   applicant's, NOT_FOUND-free: the caller loads the policy of the guarantee's bank
 */
export function decide(
  guarantee: DocRecord,
  policy: BankPolicy,
  inputs: ApprovalInputs,
  actor: Actor,
  tx: Tx,
): { readonly decision: ApprovalDecision; readonly state: State | undefined } {
  const bankMsp = factOf(guarantee, 'bankMsp');
  requireActor(isBankApprover(actor, bankMsp), guarantee, 'decide', `the approver of ${bankMsp}`);
  requireStatus(guarantee, [GuaranteeStatus.APPLIED], 'decide');
  if (isExpired(guarantee, tx.time)) {
    fail(ErrorCode.EXPIRED, `guarantee ${guarantee.facts.docId} is past its validity window`);
  }
  if (policy.bankMsp !== bankMsp) {
    fail(ErrorCode.INVALID_ARGUMENT, `the policy is ${policy.bankMsp}'s, not ${bankMsp}'s`);
  }
  const owner = guarantee.facts.owner;
  requireLookback(owner, policy.limit.lookbackMonths, inputs, tx.time);
  requireLookback(
    owner,
    policy.approval.claimFreeMonths,
    { months: inputs.claimMonths, exposure: inputs.exposure },
    tx.time,
  );
  const { rules, limit } = evaluateRules(guarantee, policy, inputs, tx.time);
  const failing = rules.filter((r) => !r.passed).map((r) => r.rule);
  const outcome = failing.length === 0 ? ApprovalOutcome.ISSUED : ApprovalOutcome.REFERRED;
  return {
    decision: {
      schemaVersion: SCHEMA_VERSION,
      guaranteeDocId: guarantee.facts.docId,
      owner,
      bankMsp,
      outcome,
      rules,
      failing,
      policyVersion: policy.version,
      limit,
      amount: factOf(guarantee, 'amount'),
      decidedAt: tx.time,
      decidedBy: actorRef(actor),
      txId: tx.id,
    },
    state:
      outcome === ApprovalOutcome.ISSUED
        ? advance(guarantee, { status: GuaranteeStatus.ISSUED }, actor, tx)
        : undefined,
  };
}

/** Re-validates a stored automated decision. */
export function checkApproval(value: Readonly<Record<string, unknown>>): ApprovalDecision {
  const g = fields(value, 'approval', [
    'schemaVersion',
    'guaranteeDocId',
    'owner',
    'bankMsp',
    'outcome',
    'rules',
    'failing',
    'policyVersion',
    'limit',
    'amount',
    'decidedAt',
    'decidedBy',
    'txId',
  ]);
  if (!Array.isArray(g.rules) || !Array.isArray(g.failing)) {
    fail(ErrorCode.INVALID_ARGUMENT, 'approval.rules and approval.failing must be JSON arrays');
  }
  const rules = (g.rules as unknown[]).map((rule, index): RuleResult => {
    const r = fields(rule, `rules[${index}]`, ['rule', 'passed', 'saw', 'bound']);
    if (typeof r.passed !== 'boolean') {
      fail(ErrorCode.INVALID_ARGUMENT, `rules[${index}].passed must be a boolean`);
    }
    return {
      rule: oneOf(r.rule, Object.values(ApprovalRule), `rules[${index}].rule`),
      passed: r.passed,
      saw: text(r.saw, `rules[${index}].saw`, 2048),
      bound: text(r.bound, `rules[${index}].bound`, 256),
    };
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    guaranteeDocId: docId(g.guaranteeDocId, 'guaranteeDocId'),
    owner: uscc(g.owner, 'owner'),
    bankMsp: text(g.bankMsp, 'bankMsp', 64),
    outcome: oneOf(g.outcome, Object.values(ApprovalOutcome), 'outcome'),
    rules,
    failing: (g.failing as unknown[]).map((rule, index) =>
      oneOf(rule, Object.values(ApprovalRule), `failing[${index}]`),
    ),
    policyVersion: integer(g.policyVersion, 'policyVersion', 1, Number.MAX_SAFE_INTEGER),
    limit: formatCents(amountCents(g.limit, 'limit', true)),
    amount: amount(g.amount, 'amount'),
    decidedAt: isoTime(g.decidedAt, 'decidedAt'),
    decidedBy: checkActorRef(g.decidedBy, 'decidedBy'),
    txId: text(g.txId, 'txId'),
  };
}
