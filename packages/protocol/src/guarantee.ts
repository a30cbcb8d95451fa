import {
  actorRef,
  checkActorRef,
  isBankClerk,
  isCustomsOfficer,
  type Actor,
  type ActorRef,
} from './actor';
import * as declaration from './declaration';
import { changeOf, type Change } from './events';
import { ErrorCode, fail } from './errors';
import { isBankMsp } from './orgs';
import {
  advance,
  factOf,
  requireActor,
  requireStatus,
  stateField,
  type DocRecord,
  type State,
  type StateFields,
  type Tx,
} from './record';
import { SCHEMA_VERSION } from './serialize';
import {
  amount,
  amountCents,
  customsOffice,
  docId,
  fields,
  formatCents,
  isoTime,
  oneOf,
  text,
} from './validate';

/** Stored statuses of a tariff guarantee. */
export const GuaranteeStatus = Object.freeze({
  APPLIED: 'APPLIED',
  ISSUED: 'ISSUED',
  REJECTED: 'REJECTED',
  ACTIVE: 'ACTIVE',
  RELEASED: 'RELEASED',
  CLAIMED: 'CLAIMED',
} as const);

/** The status reads report for a live guarantee past its validity window; never stored. */
export const EXPIRED = 'EXPIRED';

/** Statuses of a draw against a guarantee. */
export const DrawStatus = Object.freeze({
  OPEN: 'OPEN',
  SETTLED: 'SETTLED',
  /** Paid by the bank when customs claimed the guarantee. */
  CLAIMED: 'CLAIMED',
} as const);

/** A move on a guarantee through the `guarantee` contract, other than draws and the claim. */
export interface GuaranteeCommand {
  readonly action: 'issue' | 'reject' | 'accept' | 'release';
}

/** A draw for a declaration's duty, stored under `draw~guaranteeDocId~drawId`. */
export interface Draw {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly guaranteeDocId: string;
  readonly drawId: string;
  readonly declarationDocId: string;
  readonly amount: string;
  readonly status: string;
  readonly createdAt: string;
  readonly createdBy: ActorRef;
  readonly updatedAt: string;
  readonly updatedBy: ActorRef;
  readonly txId: string;
}

/** What customs asks to draw. */
export interface DrawRequest {
  readonly drawId: string;
  readonly declarationDocId: string;
  readonly amount: string;
}

/** Outcome of a draw or its settlement: every record the transaction changes. */
export interface DrawOutcome {
  readonly state: State;
  readonly draw: Draw;
  readonly declarationState: State;
}

/** An open draw on a guarantee and the declaration whose duty it covers. */
export interface OpenDraw {
  readonly draw: Draw;
  readonly declaration: DocRecord;
}

/** One draw a claim calls: the draw and its declaration, before and after. */
export interface ClaimedDraw {
  readonly before: OpenDraw;
  readonly draw: Draw;
  readonly declarationState: State;
}

/** Outcome of a claim: the guarantee's new state and every draw and declaration it changes. */
export interface ClaimOutcome {
  readonly state: State;
  /** In the order of the open draws given (by drawId, as the store lists them). */
  readonly draws: readonly ClaimedDraw[];
}

const STATUSES = Object.values(GuaranteeStatus);
const DRAW_STATUSES = Object.values(DrawStatus);
const LIVE: readonly string[] = [
  GuaranteeStatus.APPLIED,
  GuaranteeStatus.ISSUED,
  GuaranteeStatus.ACTIVE,
];

/**
 * Validates a guarantee application's facts: the issuing bank, the
 * beneficiary customs office, the amount (CNY) and the validity window.
 */
export function parseFacts(input: unknown): Record<string, string> {
  const given = fields(input, 'facts', [
    'bankMsp',
    'customsOffice',
    'amount',
    'validFrom',
    'validTo',
  ]);
  const bankMsp = text(given.bankMsp, 'facts.bankMsp');
  if (!isBankMsp(bankMsp)) {
    fail(ErrorCode.INVALID_ARGUMENT, `facts.bankMsp ${bankMsp} is not a bank on the channel`);
  }
  const parsed = {
    bankMsp,
    customsOffice: customsOffice(given.customsOffice, 'facts.customsOffice'),
    amount: amount(given.amount, 'facts.amount'),
    validFrom: isoTime(given.validFrom, 'facts.validFrom'),
    validTo: isoTime(given.validTo, 'facts.validTo'),
  };
  if (Date.parse(parsed.validTo) <= Date.parse(parsed.validFrom)) {
    fail(ErrorCode.INVALID_ARGUMENT, 'facts.validTo must be after facts.validFrom');
  }
  return parsed;
}

/**
 * Refuses an application whose validity window has already ended.
 *
 * @throws SwlError INVALID_ARGUMENT when validTo is not after the transaction time
 */
export function checkApplication(
  facts: Readonly<Record<string, string>>,
  tx: Tx,
): Record<string, string> {
  if (Date.parse(facts.validTo ?? '') <= Date.parse(tx.time)) {
    fail(ErrorCode.INVALID_ARGUMENT, 'facts.validTo must be after the transaction time');
  }
  return { ...facts };
}

/** State of a new application: the full amount available, no draws. */
export function initialState(facts: Readonly<Record<string, string>>): StateFields {
  return {
    status: GuaranteeStatus.APPLIED,
    balance: amount(facts.amount, 'facts.amount'),
    openDraws: 0,
  };
}

/** Re-validates the guarantee-specific fields of a stored state. */
export function checkState(state: State): void {
  oneOf(state.status, STATUSES, 'status');
  amountCents(state.balance, 'balance', true);
  if (state.claimed !== undefined) {
    amount(state.claimed, 'claimed');
  }
  if (
    typeof state.openDraws !== 'number' ||
    !Number.isSafeInteger(state.openDraws) ||
    state.openDraws < 0
  ) {
    fail(ErrorCode.INVALID_ARGUMENT, 'openDraws must be a count');
  }
}

/** True when the validity window ended before `time`. */
export function isExpired(record: DocRecord, time: string): boolean {
  return Date.parse(time) > Date.parse(factOf(record, 'validTo'));
}

/** The status reads report: EXPIRED for a live guarantee past its window, else the stored one. */
export function effectiveStatus(record: DocRecord, time: string): string {
  return LIVE.includes(record.state.status) && isExpired(record, time)
    ? EXPIRED
    : record.state.status;
}

/** Parses a guarantee move name. */
export function parseCommand(action: string): GuaranteeCommand {
  return {
    action: oneOf(action, ['issue', 'reject', 'accept', 'release'] as const, 'action'),
  };
}

/**
 * Applies a bank's or customs' move: the named bank issues or rejects an
 * application; customs accepts an issued guarantee or releases it (no draw
 * open). Claiming is {@link claim}.
 *
 * @throws SwlError FORBIDDEN for the wrong organisation or role, INVALID_TRANSITION from the
 *   wrong status, EXPIRED when issuing or accepting after the validity window
 */
export function transition(
  record: DocRecord,
  command: GuaranteeCommand,
  actor: Actor,
  tx: Tx,
): State {
  const bankMsp = factOf(record, 'bankMsp');
  switch (command.action) {
    case 'issue':
    case 'reject':
      requireActor(isBankClerk(actor, bankMsp), record, command.action, `a clerk of ${bankMsp}`);
      requireStatus(record, [GuaranteeStatus.APPLIED], command.action);
      if (command.action === 'reject') {
        return advance(record, { status: GuaranteeStatus.REJECTED }, actor, tx);
      }
      requireUnexpired(record, tx, command.action);
      return advance(record, { status: GuaranteeStatus.ISSUED }, actor, tx);
    case 'accept':
      requireActor(isCustomsOfficer(actor), record, command.action, 'a customs officer');
      requireStatus(record, [GuaranteeStatus.ISSUED], command.action);
      requireUnexpired(record, tx, command.action);
      return advance(record, { status: GuaranteeStatus.ACTIVE }, actor, tx);
    case 'release':
      requireActor(isCustomsOfficer(actor), record, command.action, 'a customs officer');
      requireStatus(record, [GuaranteeStatus.ACTIVE], command.action);
      if (stateField(record, 'openDraws') > 0) {
        fail(
          ErrorCode.INVALID_TRANSITION,
          `cannot release ${record.facts.docId} while a draw is open`,
        );
      }
      return advance(record, { status: GuaranteeStatus.RELEASED }, actor, tx);
  }
}

/**
 * Customs calls the guarantee for the duty still owed (SPEC §3): every open
 * draw becomes CLAIMED, the duty of its declaration is PAID (by the bank),
 * and the guarantee becomes CLAIMED with the claimed total and no open draw.
 * `open` must be exactly the guarantee's open draws, each with its
 * declaration. A claim is allowed after the validity window: the draws were
 * made within it.
 *
 * @throws SwlError FORBIDDEN unless a customs officer, INVALID_TRANSITION unless ACTIVE with at
 *   least one open draw (or when a declaration's duty is not GUARANTEED), SCHEMA_MISMATCH when
 *   `open` disagrees with the guarantee's stored count of open draws
 */
export function claim(
  record: DocRecord,
  open: readonly OpenDraw[],
  actor: Actor,
  tx: Tx,
): ClaimOutcome {
  requireActor(isCustomsOfficer(actor), record, 'claim', 'a customs officer');
  requireStatus(record, [GuaranteeStatus.ACTIVE], 'claim');
  checkOpenDraws(record, open);
  if (open.length === 0) {
    fail(
      ErrorCode.INVALID_TRANSITION,
      `cannot claim ${record.facts.docId}: no draw is open (release it instead)`,
    );
  }
  const bankMsp = factOf(record, 'bankMsp');
  let total = 0n;
  const draws = open.map((before): ClaimedDraw => {
    total += amountCents(before.draw.amount);
    return {
      before,
      draw: {
        ...before.draw,
        status: DrawStatus.CLAIMED,
        updatedAt: tx.time,
        updatedBy: actorRef(actor),
        txId: tx.id,
      },
      declarationState: declaration.payClaimedDuty(before.declaration, bankMsp, actor, tx),
    };
  });
  const state = advance(
    record,
    { status: GuaranteeStatus.CLAIMED, claimed: formatCents(total), openDraws: 0 },
    actor,
    tx,
  );
  return { state, draws };
}

/**
 * The changes of a claim, for its one event: the guarantee (with the drawIds
 * claimed), then per claimed draw its declaration (the draw's id, amount and
 * new status, and the bank that pays).
 */
export function claimChanges(record: DocRecord, outcome: ClaimOutcome): Change[] {
  const paidBy = factOf(record, 'bankMsp');
  return [
    changeOf(record.facts, record.state, outcome.state, 'claim', {
      drawIds: outcome.draws.map((c) => c.draw.drawId).join(','),
    }),
    ...outcome.draws.map(({ before, draw: claimed, declarationState }) =>
      changeOf(before.declaration.facts, before.declaration.state, declarationState, 'claim', {
        amount: claimed.amount,
        drawId: claimed.drawId,
        drawStatus: claimed.status,
        guaranteeDocId: record.facts.docId,
        paidBy,
      }),
    ),
  ];
}

/** The given draws are the guarantee's open ones, each with its own declaration, none twice. */
function checkOpenDraws(record: DocRecord, open: readonly OpenDraw[]): void {
  const docId = record.facts.docId;
  if (open.length !== stateField(record, 'openDraws')) {
    fail(
      ErrorCode.SCHEMA_MISMATCH,
      `${docId} counts ${stateField(record, 'openDraws')} open draws, ${open.length} found`,
    );
  }
  const declarations = new Set<string>();
  for (const { draw: d, declaration: decl } of open) {
    if (d.guaranteeDocId !== docId || d.status !== DrawStatus.OPEN) {
      fail(ErrorCode.INVALID_TRANSITION, `draw ${d.drawId} is not an open draw on ${docId}`);
    }
    if (decl.facts.docId !== d.declarationDocId || declarations.has(decl.facts.docId)) {
      fail(
        ErrorCode.SCHEMA_MISMATCH,
        `draw ${d.drawId} names declaration ${d.declarationDocId}, not ${decl.facts.docId}`,
      );
    }
    declarations.add(decl.facts.docId);
  }
}

/** Validates `guarantee:draw` arguments. */
export function parseDrawRequest(
  drawId: unknown,
  declarationDocId: unknown,
  requested: unknown,
): DrawRequest {
  return {
    drawId: docId(drawId, 'drawId'),
    declarationDocId: docId(declarationDocId, 'declarationDocId'),
    amount: amount(requested, 'amount'),
  };
}

/**
 * Draws on an active guarantee for a declaration's assessed duty: the
 * balance falls by the duty and the declaration's duty becomes GUARANTEED.
 * The declaration must belong to the applicant and be lodged at the
 * guarantee's customs office.
 *
 * @throws SwlError FORBIDDEN unless a customs officer, INVALID_TRANSITION unless ACTIVE and within
 *   the window's start, EXPIRED after the window, INVALID_ARGUMENT for an unfit declaration,
 *   INSUFFICIENT_BALANCE when the draw exceeds the balance
 */
export function draw(
  record: DocRecord,
  decl: DocRecord,
  request: DrawRequest,
  actor: Actor,
  tx: Tx,
): DrawOutcome {
  requireActor(isCustomsOfficer(actor), record, 'draw on', 'a customs officer');
  requireStatus(record, [GuaranteeStatus.ACTIVE], 'draw on');
  requireUnexpired(record, tx, 'draw on');
  if (Date.parse(tx.time) < Date.parse(factOf(record, 'validFrom'))) {
    fail(
      ErrorCode.INVALID_TRANSITION,
      `${record.facts.docId} is not valid before ${factOf(record, 'validFrom')}`,
    );
  }
  if (decl.facts.owner !== record.facts.owner) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `declaration ${decl.facts.docId} belongs to another enterprise`,
    );
  }
  if (factOf(decl, 'customsOffice') !== factOf(record, 'customsOffice')) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `declaration ${decl.facts.docId} is lodged at another customs office`,
    );
  }
  const balance = amountCents(stateField(record, 'balance'), 'balance', true);
  const requested = amountCents(request.amount);
  if (requested > balance) {
    fail(
      ErrorCode.INSUFFICIENT_BALANCE,
      `${record.facts.docId} has ${formatCents(balance)} CNY left`,
    );
  }
  const declarationState = declaration.guaranteeDuty(decl, request.amount, actor, tx);
  const state = advance(
    record,
    { balance: formatCents(balance - requested), openDraws: stateField(record, 'openDraws') + 1 },
    actor,
    tx,
  );
  const drawn: Draw = {
    schemaVersion: SCHEMA_VERSION,
    guaranteeDocId: record.facts.docId,
    drawId: request.drawId,
    declarationDocId: decl.facts.docId,
    amount: request.amount,
    status: DrawStatus.OPEN,
    createdAt: tx.time,
    createdBy: actorRef(actor),
    updatedAt: tx.time,
    updatedBy: actorRef(actor),
    txId: tx.id,
  };
  return { state, draw: drawn, declarationState };
}

/**
 * Settles a draw once the duty is paid: the balance is restored and the
 * declaration's duty becomes PAID.
 *
 * @throws SwlError FORBIDDEN unless a customs officer, INVALID_TRANSITION unless the guarantee is
 *   ACTIVE and the draw OPEN
 */
export function settleDraw(
  record: DocRecord,
  open: Draw,
  decl: DocRecord,
  actor: Actor,
  tx: Tx,
): DrawOutcome {
  requireActor(isCustomsOfficer(actor), record, 'settle a draw on', 'a customs officer');
  requireStatus(record, [GuaranteeStatus.ACTIVE], 'settle a draw on');
  if (open.status !== DrawStatus.OPEN) {
    fail(ErrorCode.INVALID_TRANSITION, `draw ${open.drawId} is already ${open.status}`);
  }
  const balance =
    amountCents(stateField(record, 'balance'), 'balance', true) + amountCents(open.amount);
  return {
    state: advance(
      record,
      { balance: formatCents(balance), openDraws: stateField(record, 'openDraws') - 1 },
      actor,
      tx,
    ),
    draw: {
      ...open,
      status: DrawStatus.SETTLED,
      updatedAt: tx.time,
      updatedBy: actorRef(actor),
      txId: tx.id,
    },
    declarationState: declaration.payGuaranteedDuty(decl, actor, tx),
  };
}

/** Re-validates a stored draw record. */
export function checkDraw(value: Readonly<Record<string, unknown>>): Draw {
  const given = fields(value, 'draw', [
    'schemaVersion',
    'guaranteeDocId',
    'drawId',
    'declarationDocId',
    'amount',
    'status',
    'createdAt',
    'createdBy',
    'updatedAt',
    'updatedBy',
    'txId',
  ]);
  return {
    schemaVersion: SCHEMA_VERSION,
    guaranteeDocId: docId(given.guaranteeDocId, 'guaranteeDocId'),
    drawId: docId(given.drawId, 'drawId'),
    declarationDocId: docId(given.declarationDocId, 'declarationDocId'),
    amount: amount(given.amount, 'amount'),
    status: oneOf(given.status, DRAW_STATUSES, 'status'),
    createdAt: isoTime(given.createdAt, 'createdAt'),
    createdBy: checkActorRef(given.createdBy, 'createdBy'),
    updatedAt: isoTime(given.updatedAt, 'updatedAt'),
    updatedBy: checkActorRef(given.updatedBy, 'updatedBy'),
    txId: text(given.txId, 'txId'),
  };
}

function requireUnexpired(record: DocRecord, tx: Tx, action: string): void {
  if (isExpired(record, tx.time)) {
    fail(
      ErrorCode.EXPIRED,
      `cannot ${action} ${record.facts.docId}: valid until ${factOf(record, 'validTo')}`,
    );
  }
}
