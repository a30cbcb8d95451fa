import { actorRef, checkActorRef, isBankClerk, type Actor, type ActorRef } from './actor';
import { DeclarationStatus, TaxStatus } from './declaration';
import { ErrorCode, fail } from './errors';
import { GuaranteeStatus } from './guarantee';
import { factOf, type DocRecord, type State, type Tx } from './record';
import { SCHEMA_VERSION } from './serialize';
import {
  amountCents,
  currency,
  docId,
  fields,
  formatCents,
  integer,
  isoTime,
  text,
  uscc,
} from './validate';

/*
 * Cross-border loan limit (SPEC §8). The ledger keeps, per enterprise and
 * calendar month (of the transaction timestamp), what its declarations did:
 * the values released, the duty paid, the guarantees claimed against it and
 * the inward remittances against its EXPORT declarations, with the docIds
 * behind each total. Per enterprise it keeps its exposure: open financings
 * and unpaid assessed duties. A limit reads one aggregate per month of the
 * look-back and the exposure, never the enterprise's history.
 */

/** Most months a bank's policy may look back: bounds every computation. */
export const MAX_LOOKBACK_MONTHS = 36;

/** Amounts by currency (decimal strings). */
export type ByCurrency = Readonly<Record<string, string>>;

/** What an enterprise's declarations did in one month, stored under `creditmonth~owner~YYYY-MM`. */
export interface MonthAggregate {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly owner: string;
  /** `YYYY-MM` of the transactions counted. */
  readonly month: string;
  /** Declared values of declarations RELEASED this month, by currency. */
  readonly released: ByCurrency;
  readonly releasedIds: readonly string[];
  /** The EXPORT part of `released`. */
  readonly exportReleased: ByCurrency;
  /** Inward remittances recorded this month against its EXPORT declarations, by currency. */
  readonly remittedInward: ByCurrency;
  /** Duty whose taxStatus became PAID this month. */
  readonly dutyPaid: string;
  readonly dutyPaidIds: readonly string[];
  /** Guarantees of the enterprise claimed by customs this month (their claimed totals). */
  readonly claimed: string;
  readonly claimedIds: readonly string[];
  readonly updatedAt: string;
  readonly txId: string;
}

/** One open financing of an enterprise. */
export interface OpenFinancing {
  readonly amount: string;
  readonly currency: string;
}

/** One assessed duty not yet paid or guaranteed. */
export interface OpenDuty {
  readonly amount: string;
  readonly assessedAt: string;
}

/**
 * An enterprise's exposure now: its open financings and unpaid duties,
 * read as two ranges over its own keys (one key per open item, so that
 * financings of one enterprise at several banks never contend).
 */
export interface Exposure {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly owner: string;
  /** By `documentDocId/financingId`. */
  readonly openFinancings: Readonly<Record<string, OpenFinancing>>;
  /** By declaration docId. */
  readonly openDuties: Readonly<Record<string, OpenDuty>>;
  readonly updatedAt: string;
  readonly txId: string;
}

/** The `YYYY-MM` of an ISO timestamp. */
export function monthOf(time: string): string {
  return time.slice(0, 7);
}

/** The `count` months ending with the month of `time`, newest first. */
export function monthsBack(time: string, count: number): string[] {
  const year = Number(time.slice(0, 4));
  const month = Number(time.slice(5, 7));
  const months: string[] = [];
  for (let i = 0; i < count; i++) {
    const index = year * 12 + (month - 1) - i;
    const y = Math.floor(index / 12);
    const m = (index % 12) + 1;
    months.push(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`);
  }
  return months;
}

/** The aggregate of a month nothing happened in. */
export function emptyMonth(owner: string, month: string): MonthAggregate {
  return {
    schemaVersion: SCHEMA_VERSION,
    owner,
    month,
    released: {},
    releasedIds: [],
    exportReleased: {},
    remittedInward: {},
    dutyPaid: '0.00',
    dutyPaidIds: [],
    claimed: '0.00',
    claimedIds: [],
    updatedAt: '',
    txId: '',
  };
}

/** The exposure of an enterprise with nothing open. */
export function emptyExposure(owner: string): Exposure {
  return {
    schemaVersion: SCHEMA_VERSION,
    owner,
    openFinancings: {},
    openDuties: {},
    updatedAt: '',
    txId: '',
  };
}

function add(a: string, b: string): string {
  return formatCents(amountCents(a, 'amount', true) + amountCents(b, 'amount', true));
}

function addTo(map: ByCurrency, cur: string, value: string): ByCurrency {
  return { ...map, [cur]: add(map[cur] ?? '0.00', value) };
}

function withId(ids: readonly string[], id: string): readonly string[] {
  return ids.includes(id) ? ids : [...ids, id].sort();
}

/** What a declaration's move changes in the owner's month aggregate, or undefined when nothing. */
export function monthAfterDeclarationMove(
  month: MonthAggregate,
  record: DocRecord,
  after: State,
  tx: Tx,
): MonthAggregate | undefined {
  const id = record.facts.docId;
  let next = month;
  if (after.status === DeclarationStatus.RELEASED && record.state.status !== after.status) {
    const cur = factOf(record, 'currency');
    const value = factOf(record, 'declaredValue');
    next = {
      ...next,
      released: addTo(next.released, cur, value),
      releasedIds: withId(next.releasedIds, id),
      exportReleased:
        factOf(record, 'direction') === 'EXPORT'
          ? addTo(next.exportReleased, cur, value)
          : next.exportReleased,
    };
  }
  if (after.taxStatus === TaxStatus.PAID && record.state.taxStatus !== TaxStatus.PAID) {
    next = {
      ...next,
      dutyPaid: add(next.dutyPaid, after.dutyAmount ?? '0.00'),
      dutyPaidIds: withId(next.dutyPaidIds, id),
    };
  }
  return next === month ? undefined : { ...next, updatedAt: tx.time, txId: tx.id };
}

/** What a guarantee's move changes in the applicant's month aggregate (a claim), or undefined. */
export function monthAfterGuaranteeMove(
  month: MonthAggregate,
  record: DocRecord,
  after: State,
  tx: Tx,
): MonthAggregate | undefined {
  if (after.status !== GuaranteeStatus.CLAIMED || record.state.status === after.status) {
    return undefined;
  }
  return {
    ...month,
    claimed: add(month.claimed, after.claimed ?? '0.00'),
    claimedIds: withId(month.claimedIds, record.facts.docId),
    updatedAt: tx.time,
    txId: tx.id,
  };
}

/** An inward remittance against an EXPORT declaration, added to the declarant's month. */
export function monthAfterRemittance(
  month: MonthAggregate,
  cur: string,
  value: string,
  tx: Tx,
): MonthAggregate {
  return {
    ...month,
    remittedInward: addTo(month.remittedInward, cur, value),
    updatedAt: tx.time,
    txId: tx.id,
  };
}

/**
 * What a declaration's move does to its open duty: `open` when a duty is
 * assessed, `close` when an assessed duty is paid or guaranteed, else undefined.
 */
export function dutyMove(record: DocRecord, after: State): 'open' | 'close' | undefined {
  const was = record.state.taxStatus;
  const now = after.taxStatus;
  if (was === now) {
    return undefined;
  }
  if (now === TaxStatus.ASSESSED) {
    return 'open';
  }
  return was === TaxStatus.ASSESSED ? 'close' : undefined;
}

/** An open financing of an enterprise, stored under `creditfin~owner~docId~financingId` until settled. */
export interface OpenFinancingEntry extends OpenFinancing {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly owner: string;
  /** `documentDocId/financingId`. */
  readonly key: string;
  readonly bankMsp: string;
}

/** An unpaid assessed duty, stored under `creditduty~owner~declarationDocId` until paid or guaranteed. */
export interface OpenDutyEntry extends OpenDuty {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly owner: string;
  readonly declarationDocId: string;
}

/** Re-validates a stored open financing. */
export function checkOpenFinancing(value: Readonly<Record<string, unknown>>): OpenFinancingEntry {
  const g = fields(value, 'openFinancing', [
    'schemaVersion',
    'owner',
    'key',
    'bankMsp',
    'amount',
    'currency',
  ]);
  return {
    schemaVersion: SCHEMA_VERSION,
    owner: uscc(g.owner, 'owner'),
    key: text(g.key, 'key', 130),
    bankMsp: text(g.bankMsp, 'bankMsp', 64),
    amount: cents(g.amount, 'amount'),
    currency: currency(g.currency),
  };
}

/** Re-validates a stored open duty. */
export function checkOpenDuty(value: Readonly<Record<string, unknown>>): OpenDutyEntry {
  const g = fields(value, 'openDuty', [
    'schemaVersion',
    'owner',
    'declarationDocId',
    'amount',
    'assessedAt',
  ]);
  return {
    schemaVersion: SCHEMA_VERSION,
    owner: uscc(g.owner, 'owner'),
    declarationDocId: docId(g.declarationDocId, 'declarationDocId'),
    amount: cents(g.amount, 'amount'),
    assessedAt: isoTime(g.assessedAt, 'assessedAt'),
  };
}

/** The exposure an enterprise's open financings and duties make up, as a decision lists it. */
export function exposureOf(
  owner: string,
  financings: readonly OpenFinancingEntry[],
  duties: readonly OpenDutyEntry[],
): Exposure {
  const openFinancings: Record<string, OpenFinancing> = {};
  for (const f of financings) {
    openFinancings[f.key] = { amount: f.amount, currency: f.currency };
  }
  const openDuties: Record<string, OpenDuty> = {};
  for (const d of duties) {
    openDuties[d.declarationDocId] = { amount: d.amount, assessedAt: d.assessedAt };
  }
  return { ...emptyExposure(owner), openFinancings, openDuties };
}

/** Re-validates a stored month aggregate. */
export function checkMonth(value: Readonly<Record<string, unknown>>): MonthAggregate {
  const given = fields(value, 'month', [
    'schemaVersion',
    'owner',
    'month',
    'released',
    'releasedIds',
    'exportReleased',
    'remittedInward',
    'dutyPaid',
    'dutyPaidIds',
    'claimed',
    'claimedIds',
    'updatedAt',
    'txId',
  ]);
  return {
    schemaVersion: SCHEMA_VERSION,
    owner: uscc(given.owner, 'owner'),
    month: monthText(given.month),
    released: byCurrency(given.released, 'released'),
    releasedIds: ids(given.releasedIds, 'releasedIds'),
    exportReleased: byCurrency(given.exportReleased, 'exportReleased'),
    remittedInward: byCurrency(given.remittedInward, 'remittedInward'),
    dutyPaid: cents(given.dutyPaid, 'dutyPaid'),
    dutyPaidIds: ids(given.dutyPaidIds, 'dutyPaidIds'),
    claimed: cents(given.claimed, 'claimed'),
    claimedIds: ids(given.claimedIds, 'claimedIds'),
    updatedAt: text(given.updatedAt, 'updatedAt', 30),
    txId: text(given.txId, 'txId'),
  };
}

/** Re-validates a stored exposure. */
export function checkExposure(value: Readonly<Record<string, unknown>>): Exposure {
  const given = fields(value, 'exposure', [
    'schemaVersion',
    'owner',
    'openFinancings',
    'openDuties',
    'updatedAt',
    'txId',
  ]);
  const financings: Record<string, OpenFinancing> = {};
  for (const [key, item] of Object.entries(record(given.openFinancings, 'openFinancings'))) {
    const f = fields(item, `openFinancings.${key}`, ['amount', 'currency']);
    financings[key] = { amount: cents(f.amount, 'amount'), currency: currency(f.currency) };
  }
  const duties: Record<string, OpenDuty> = {};
  for (const [key, item] of Object.entries(record(given.openDuties, 'openDuties'))) {
    const d = fields(item, `openDuties.${key}`, ['amount', 'assessedAt']);
    duties[docId(key, 'openDuties')] = {
      amount: cents(d.amount, 'amount'),
      assessedAt: isoTime(d.assessedAt, 'assessedAt'),
    };
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    owner: uscc(given.owner, 'owner'),
    openFinancings: financings,
    openDuties: duties,
    updatedAt: text(given.updatedAt, 'updatedAt', 30),
    txId: text(given.txId, 'txId'),
  };
}

function monthText(value: unknown): string {
  const m = text(value, 'month', 7);
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(m)
    ? m
    : fail(ErrorCode.INVALID_ARGUMENT, 'month must be YYYY-MM');
}

function cents(value: unknown, field: string): string {
  return formatCents(amountCents(value, field, true));
}

function record(value: unknown, field: string): Readonly<Record<string, unknown>> {
  return fields(value, field, [], Object.keys((value ?? {}) as object));
}

function byCurrency(value: unknown, field: string): ByCurrency {
  const out: Record<string, string> = {};
  for (const [cur, amt] of Object.entries(record(value, field))) {
    out[currency(cur, field)] = cents(amt, `${field}.${cur}`);
  }
  return out;
}

function ids(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value)) {
    return fail(ErrorCode.INVALID_ARGUMENT, `${field} must be a JSON array`);
  }
  return value.map((item, index) => docId(item, `${field}[${index}]`));
}

/* ---------- the bank's published parameters ---------- */

/** Parameters of a bank's loan limit; rates in basis points (10000 = 100 %). */
export interface LimitParameters {
  /** Currency of the limit: declarations and financings in others are not counted. */
  readonly currency: string;
  readonly lookbackMonths: number;
  /** Months of the look-back with a released declaration needed for any limit. */
  readonly minHistoryMonths: number;
  /** Share of released declared value granted. */
  readonly releasedRateBp: number;
  /** Multiple of duty paid granted. */
  readonly dutyPaidRateBp: number;
  /** Share of open financings deducted. */
  readonly openFinancingRateBp: number;
  /** Share of the remittance gap (EXPORT value released, not yet received) deducted. */
  readonly remittanceGapRateBp: number;
  /** Share of claimed guarantee totals deducted. */
  readonly claimedRateBp: number;
  /** Most the limit can be. */
  readonly cap: string;
}

/** A bank's automated tariff-guarantee rules (SPEC §8). */
export interface ApprovalParameters {
  /** Days after assessment an unpaid duty counts as overdue. */
  readonly dutyGraceDays: number;
  /** Months with no claimed guarantee required. */
  readonly claimFreeMonths: number;
  /** The amount may be at most this multiple (bp) of the peak monthly duty paid in the look-back. */
  readonly peakDutyMultipleBp: number;
  /** Longest validity window accepted. */
  readonly maxValidityDays: number;
}

/** A bank's policy record, stored under `bankpolicy~bankMsp` with that bank's rule. */
export interface BankPolicy {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly bankMsp: string;
  /** 1 on first publication, then +1 per change. */
  readonly version: number;
  readonly limit: LimitParameters;
  readonly approval: ApprovalParameters;
  readonly updatedAt: string;
  readonly updatedBy: ActorRef;
  readonly txId: string;
}

const BP_MAX = 1_000_000;

/** Validates limit parameters. */
export function parseLimitParameters(input: unknown, field = 'limit'): LimitParameters {
  const g = fields(input, field, [
    'currency',
    'lookbackMonths',
    'minHistoryMonths',
    'releasedRateBp',
    'dutyPaidRateBp',
    'openFinancingRateBp',
    'remittanceGapRateBp',
    'claimedRateBp',
    'cap',
  ]);
  const lookbackMonths = integer(
    g.lookbackMonths,
    `${field}.lookbackMonths`,
    1,
    MAX_LOOKBACK_MONTHS,
  );
  return {
    currency: currency(g.currency, `${field}.currency`),
    lookbackMonths,
    minHistoryMonths: integer(g.minHistoryMonths, `${field}.minHistoryMonths`, 0, lookbackMonths),
    releasedRateBp: integer(g.releasedRateBp, `${field}.releasedRateBp`, 0, BP_MAX),
    dutyPaidRateBp: integer(g.dutyPaidRateBp, `${field}.dutyPaidRateBp`, 0, BP_MAX),
    openFinancingRateBp: integer(g.openFinancingRateBp, `${field}.openFinancingRateBp`, 0, BP_MAX),
    remittanceGapRateBp: integer(g.remittanceGapRateBp, `${field}.remittanceGapRateBp`, 0, BP_MAX),
    claimedRateBp: integer(g.claimedRateBp, `${field}.claimedRateBp`, 0, BP_MAX),
    cap: formatCents(amountCents(g.cap, `${field}.cap`)),
  };
}

/** Validates approval parameters. */
export function parseApprovalParameters(input: unknown, field = 'approval'): ApprovalParameters {
  const g = fields(input, field, [
    'dutyGraceDays',
    'claimFreeMonths',
    'peakDutyMultipleBp',
    'maxValidityDays',
  ]);
  return {
    dutyGraceDays: integer(g.dutyGraceDays, `${field}.dutyGraceDays`, 0, 3650),
    claimFreeMonths: integer(g.claimFreeMonths, `${field}.claimFreeMonths`, 0, MAX_LOOKBACK_MONTHS),
    peakDutyMultipleBp: integer(g.peakDutyMultipleBp, `${field}.peakDutyMultipleBp`, 0, BP_MAX),
    maxValidityDays: integer(g.maxValidityDays, `${field}.maxValidityDays`, 1, 3650),
  };
}

/**
 * A bank clerk publishes its own bank's policy (`{bankMsp, limit, approval}`).
 *
 * @throws SwlError FORBIDDEN unless a clerk of `bankMsp`; INVALID_ARGUMENT for bad parameters
 */
export function publishPolicy(
  input: unknown,
  current: BankPolicy | undefined,
  actor: Actor,
  tx: Tx,
): BankPolicy {
  const g = fields(input, 'policy', ['bankMsp', 'limit', 'approval']);
  const bankMsp = text(g.bankMsp, 'policy.bankMsp', 64);
  if (!isBankClerk(actor, bankMsp)) {
    fail(ErrorCode.FORBIDDEN, `only a clerk of ${bankMsp} may publish its policy`);
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    bankMsp,
    version: (current?.version ?? 0) + 1,
    limit: parseLimitParameters(g.limit, 'policy.limit'),
    approval: parseApprovalParameters(g.approval, 'policy.approval'),
    updatedAt: tx.time,
    updatedBy: actorRef(actor),
    txId: tx.id,
  };
}

/** Re-validates a stored policy. */
export function checkPolicy(value: Readonly<Record<string, unknown>>): BankPolicy {
  const g = fields(value, 'policy', [
    'schemaVersion',
    'bankMsp',
    'version',
    'limit',
    'approval',
    'updatedAt',
    'updatedBy',
    'txId',
  ]);
  return {
    schemaVersion: SCHEMA_VERSION,
    bankMsp: text(g.bankMsp, 'bankMsp', 64),
    version: integer(g.version, 'version', 1, Number.MAX_SAFE_INTEGER),
    limit: parseLimitParameters(g.limit),
    approval: parseApprovalParameters(g.approval),
    updatedAt: isoTime(g.updatedAt, 'updatedAt'),
    updatedBy: checkActorRef(g.updatedBy, 'updatedBy'),
    txId: text(g.txId, 'txId'),
  };
}

/* ---------- the limit ---------- */

/** The ledger data a limit is computed from: the look-back's month aggregates and the exposure. */
export interface LimitInputs {
  /** One per month of the look-back, newest first (empty months included). */
  readonly months: readonly MonthAggregate[];
  readonly exposure: Exposure;
}

/** The totals a limit was computed from, in the limit currency. */
export interface LimitTotals {
  readonly released: string;
  readonly dutyPaid: string;
  readonly peakMonthlyDuty: string;
  readonly openFinanced: string;
  readonly remittanceGap: string;
  readonly claimed: string;
  /** Months of the look-back with a released declaration in the limit currency. */
  readonly historyMonths: number;
}

/** One line of a limit's explanation: a stable code, the amount it adds (+) or deducts (-), and words. */
export interface Reason {
  readonly code: string;
  readonly amount: string;
  readonly text: string;
}

/** What {@link computeLimit} returns. */
export interface LimitResult {
  readonly totals: LimitTotals;
  readonly limit: string;
  readonly reasons: readonly Reason[];
}

function bp(value: bigint, rate: number): bigint {
  return (value * BigInt(rate)) / 10_000n;
}

function pct(rate: number): string {
  return `${(rate / 100).toFixed(2)}%`;
}

/**
 * The limit: `min(cap, released × releasedRate + dutyPaid × dutyPaidRate)`
 * less `openFinanced × openFinancingRate`, `remittanceGap × gapRate` and
 * `claimed × claimedRate`, never below zero; zero when the enterprise has
 * fewer months of history than the policy asks. Pure and deterministic
 * (integer cents, basis points, rounding down), so anyone holding the
 * inputs gets the same limit and reasons.
 */
export function computeLimit(params: LimitParameters, inputs: LimitInputs): LimitResult {
  const cur = params.currency;
  const sum = (pick: (m: MonthAggregate) => string): bigint =>
    inputs.months.reduce((total, m) => total + amountCents(pick(m), 'amount', true), 0n);
  const released = sum((m) => m.released[cur] ?? '0.00');
  const dutyPaid = sum((m) => m.dutyPaid);
  const exportReleased = sum((m) => m.exportReleased[cur] ?? '0.00');
  const remittedInward = sum((m) => m.remittedInward[cur] ?? '0.00');
  const claimed = sum((m) => m.claimed);
  const peak = inputs.months.reduce((top, m) => {
    const duty = amountCents(m.dutyPaid, 'dutyPaid', true);
    return duty > top ? duty : top;
  }, 0n);
  const historyMonths = inputs.months.filter((m) => (m.released[cur] ?? '0.00') !== '0.00').length;
  let openFinanced = 0n;
  for (const key of Object.keys(inputs.exposure.openFinancings).sort()) {
    const f = inputs.exposure.openFinancings[key];
    if (f !== undefined && f.currency === cur) {
      openFinanced += amountCents(f.amount);
    }
  }
  const gap = exportReleased > remittedInward ? exportReleased - remittedInward : 0n;
  const totals: LimitTotals = {
    released: formatCents(released),
    dutyPaid: formatCents(dutyPaid),
    peakMonthlyDuty: formatCents(peak),
    openFinanced: formatCents(openFinanced),
    remittanceGap: formatCents(gap),
    claimed: formatCents(claimed),
    historyMonths,
  };
  const reasons: Reason[] = [];
  if (historyMonths < params.minHistoryMonths) {
    reasons.push({
      code: 'INSUFFICIENT_HISTORY',
      amount: '0.00',
      text: `${historyMonths} of the last ${params.lookbackMonths} months have a released declaration in ${cur}; the policy asks for ${params.minHistoryMonths}`,
    });
    return { totals, limit: '0.00', reasons };
  }
  const fromReleased = bp(released, params.releasedRateBp);
  const fromDuty = bp(dutyPaid, params.dutyPaidRateBp);
  reasons.push({
    code: 'RELEASED_VALUE',
    amount: formatCents(fromReleased),
    text: `${pct(params.releasedRateBp)} of ${formatCents(released)} ${cur} released in ${params.lookbackMonths} months`,
  });
  reasons.push({
    code: 'DUTY_PAID',
    amount: formatCents(fromDuty),
    text: `${pct(params.dutyPaidRateBp)} of ${formatCents(dutyPaid)} duty paid in ${params.lookbackMonths} months`,
  });
  let limit = fromReleased + fromDuty;
  const cap = amountCents(params.cap);
  if (limit > cap) {
    reasons.push({
      code: 'CAPPED',
      amount: formatCents(cap - limit),
      text: `capped at ${params.cap} ${cur}`,
    });
    limit = cap;
  }
  const deductions: readonly (readonly [string, bigint, number, string])[] = [
    ['OPEN_FINANCINGS', openFinanced, params.openFinancingRateBp, 'of open financings'],
    [
      'REMITTANCE_GAP',
      gap,
      params.remittanceGapRateBp,
      'of EXPORT value released but not yet remitted',
    ],
    ['CLAIMED_GUARANTEES', claimed, params.claimedRateBp, 'of guarantees claimed'],
  ];
  for (const [code, base, rate, words] of deductions) {
    const cut = bp(base, rate);
    if (cut > 0n) {
      reasons.push({
        code,
        amount: formatCents(-cut),
        text: `${pct(rate)} ${words} (${formatCents(base)})`,
      });
      limit -= cut;
    }
  }
  if (limit < 0n) {
    reasons.push({
      code: 'FLOOR',
      amount: formatCents(-limit),
      text: 'a limit is never below zero',
    });
    limit = 0n;
  }
  return { totals, limit: formatCents(limit), reasons };
}

/** A limit decision, stored write-once under `creditdecision~owner~decisionId`. */
export interface LimitDecision {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  /** The deciding transaction's id. */
  readonly decisionId: string;
  readonly owner: string;
  readonly bankMsp: string;
  readonly policyVersion: number;
  readonly parameters: LimitParameters;
  /** The transaction time the look-back ends at. */
  readonly asOf: string;
  readonly inputs: LimitInputs;
  readonly totals: LimitTotals;
  readonly limit: string;
  readonly reasons: readonly Reason[];
  readonly createdBy: ActorRef;
  readonly txId: string;
}

/**
 * A bank clerk assesses an enterprise's limit under its bank's policy.
 *
 * @throws SwlError FORBIDDEN unless a clerk of the policy's bank; INVALID_ARGUMENT when the
 *   inputs are not the policy's look-back for `owner`
 */
export function assessLimit(
  owner: string,
  policy: BankPolicy,
  inputs: LimitInputs,
  actor: Actor,
  tx: Tx,
): LimitDecision {
  if (!isBankClerk(actor, policy.bankMsp)) {
    fail(
      ErrorCode.FORBIDDEN,
      `only a clerk of ${policy.bankMsp} may assess a limit under its policy`,
    );
  }
  requireLookback(owner, policy.limit.lookbackMonths, inputs, tx.time);
  const result = computeLimit(policy.limit, inputs);
  return {
    schemaVersion: SCHEMA_VERSION,
    decisionId: tx.id,
    owner,
    bankMsp: policy.bankMsp,
    policyVersion: policy.version,
    parameters: policy.limit,
    asOf: tx.time,
    inputs,
    totals: result.totals,
    limit: result.limit,
    reasons: result.reasons,
    createdBy: actorRef(actor),
    txId: tx.id,
  };
}

/** The inputs are the owner's aggregates of exactly the look-back ending at `time`. */
export function requireLookback(
  owner: string,
  count: number,
  inputs: LimitInputs,
  time: string,
): void {
  const wanted = monthsBack(time, count);
  const got = inputs.months.map((m) => m.month);
  if (
    JSON.stringify(wanted) !== JSON.stringify(got) ||
    inputs.months.some((m) => m.owner !== owner) ||
    inputs.exposure.owner !== owner
  ) {
    fail(ErrorCode.INVALID_ARGUMENT, `the inputs are not the ${count}-month look-back of ${owner}`);
  }
}

/** Re-validates a stored limit decision. */
export function checkDecision(value: Readonly<Record<string, unknown>>): LimitDecision {
  const g = fields(value, 'decision', [
    'schemaVersion',
    'decisionId',
    'owner',
    'bankMsp',
    'policyVersion',
    'parameters',
    'asOf',
    'inputs',
    'totals',
    'limit',
    'reasons',
    'createdBy',
    'txId',
  ]);
  const inputs = fields(g.inputs, 'inputs', ['months', 'exposure']);
  if (!Array.isArray(inputs.months)) {
    fail(ErrorCode.INVALID_ARGUMENT, 'inputs.months must be a JSON array');
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    decisionId: text(g.decisionId, 'decisionId'),
    owner: uscc(g.owner, 'owner'),
    bankMsp: text(g.bankMsp, 'bankMsp', 64),
    policyVersion: integer(g.policyVersion, 'policyVersion', 1, Number.MAX_SAFE_INTEGER),
    parameters: parseLimitParameters(g.parameters, 'parameters'),
    asOf: isoTime(g.asOf, 'asOf'),
    inputs: {
      months: (inputs.months as unknown[]).map((m) =>
        checkMonth({ schemaVersion: SCHEMA_VERSION, ...(m as Record<string, unknown>) }),
      ),
      exposure: checkExposure({
        schemaVersion: SCHEMA_VERSION,
        ...(inputs.exposure as Record<string, unknown>),
      }),
    },
    totals: checkLimitTotals(g.totals),
    limit: cents(g.limit, 'limit'),
    reasons: checkReasons(g.reasons),
    createdBy: checkActorRef(g.createdBy, 'createdBy'),
    txId: text(g.txId, 'txId'),
  };
}

/** The type name decision changes carry in events. */
export const DECISION_TYPE = 'CREDIT_DECISION';

function checkLimitTotals(value: unknown): LimitTotals {
  const g = fields(value, 'totals', [
    'released',
    'dutyPaid',
    'peakMonthlyDuty',
    'openFinanced',
    'remittanceGap',
    'claimed',
    'historyMonths',
  ]);
  return {
    released: cents(g.released, 'totals.released'),
    dutyPaid: cents(g.dutyPaid, 'totals.dutyPaid'),
    peakMonthlyDuty: cents(g.peakMonthlyDuty, 'totals.peakMonthlyDuty'),
    openFinanced: cents(g.openFinanced, 'totals.openFinanced'),
    remittanceGap: cents(g.remittanceGap, 'totals.remittanceGap'),
    claimed: cents(g.claimed, 'totals.claimed'),
    historyMonths: integer(g.historyMonths, 'totals.historyMonths', 0, MAX_LOOKBACK_MONTHS),
  };
}

function checkReasons(value: unknown): readonly Reason[] {
  if (!Array.isArray(value)) {
    return fail(ErrorCode.INVALID_ARGUMENT, 'reasons must be a JSON array');
  }
  return value.map((item: unknown, index) => {
    const r = fields(item, `reasons[${index}]`, ['code', 'amount', 'text']);
    const signed = text(r.amount, `reasons[${index}].amount`, 24);
    if (!/^-?\d+\.\d{2}$/.test(signed)) {
      fail(ErrorCode.INVALID_ARGUMENT, `reasons[${index}].amount must be a signed decimal`);
    }
    return {
      code: text(r.code, `reasons[${index}].code`, 32),
      amount: signed,
      text: text(r.text, `reasons[${index}].text`, 512),
    };
  });
}
