import {
  actorRef,
  checkActorRef,
  isBankClerk,
  isEnterprise,
  type Actor,
  type ActorRef,
} from './actor';
import { ErrorCode, fail } from './errors';
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
import { parseParties } from './parties';
import { SCHEMA_VERSION } from './serialize';
import {
  amount,
  amountCents,
  currency,
  docId,
  fields,
  formatCents,
  isoTime,
  oneOf,
  text,
} from './validate';

/** Statuses of a commercial invoice. */
export const InvoiceStatus = Object.freeze({
  REGISTERED: 'REGISTERED',
  FINANCED: 'FINANCED',
  SETTLED: 'SETTLED',
  CANCELLED: 'CANCELLED',
} as const);

/** Statuses of one bank's financing of an invoice. */
export const FinancingStatus = Object.freeze({ OPEN: 'OPEN', SETTLED: 'SETTLED' } as const);

/** One bank's financing of part or all of an invoice, stored under `financing~invoiceDocId~financingId`. */
export interface Financing {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly invoiceDocId: string;
  readonly financingId: string;
  readonly bankMsp: string;
  readonly amount: string;
  readonly currency: string;
  readonly status: string;
  readonly createdAt: string;
  readonly createdBy: ActorRef;
  readonly updatedAt: string;
  readonly updatedBy: ActorRef;
  readonly txId: string;
}

/** A move the owning enterprise may ask for through `document:transition`. */
export interface InvoiceCommand {
  readonly action: 'cancel';
}

/** What a bank asks to finance. */
export interface FinanceRequest {
  readonly financingId: string;
  readonly amount: string;
}

const STATUSES = Object.values(InvoiceStatus);
const FINANCING_STATUSES = Object.values(FinancingStatus);

/** Validates an invoice's registration facts: seller, buyer, amount, currency. */
export function parseFacts(input: unknown, owner: string): Record<string, string> {
  return parseParties(input, owner);
}

/** State of a newly registered invoice. */
export function initialState(): StateFields {
  return { status: InvoiceStatus.REGISTERED, financed: formatCents(0n), openFinancings: 0 };
}

/** Re-validates the invoice-specific fields of a stored state. */
export function checkState(state: State): void {
  oneOf(state.status, STATUSES, 'status');
  amountCents(state.financed, 'financed', true);
  if (
    typeof state.openFinancings !== 'number' ||
    !Number.isSafeInteger(state.openFinancings) ||
    state.openFinancings < 0
  ) {
    fail(ErrorCode.INVALID_ARGUMENT, 'openFinancings must be a count');
  }
}

/** Parses `document:transition` arguments for an invoice. */
export function parseCommand(action: string, args: unknown): InvoiceCommand {
  const chosen = oneOf(action, ['cancel'] as const, 'action');
  fields(args, 'args', []);
  return { action: chosen };
}

/**
 * Cancels an invoice nobody has financed.
 *
 * @throws SwlError FORBIDDEN for anyone but the owner, INVALID_TRANSITION unless REGISTERED
 */
export function transition(
  record: DocRecord,
  command: InvoiceCommand,
  actor: Actor,
  tx: Tx,
): State {
  requireActor(
    isEnterprise(actor, record.facts.owner),
    record,
    command.action,
    'the owning enterprise',
  );
  requireStatus(record, [InvoiceStatus.REGISTERED], command.action);
  if (amountCents(stateField(record, 'financed'), 'financed', true) !== 0n) {
    fail(ErrorCode.INVALID_TRANSITION, `cannot cancel ${record.facts.docId}: it has been financed`);
  }
  return advance(record, { status: InvoiceStatus.CANCELLED }, actor, tx);
}

/** Validates `invoice:finance` arguments. */
export function parseFinanceRequest(financingId: unknown, requested: unknown): FinanceRequest {
  return { financingId: docId(financingId, 'financingId'), amount: amount(requested, 'amount') };
}

/**
 * Records a bank's financing of part or all of an invoice. The total over
 * all banks can never exceed the invoice amount.
 *
 * @throws SwlError FORBIDDEN for anyone but a bank clerk, INVALID_TRANSITION unless REGISTERED or
 *   FINANCED, ALREADY_FINANCED (naming what is left) when the total would exceed the amount
 */
export function finance(
  record: DocRecord,
  request: FinanceRequest,
  actor: Actor,
  tx: Tx,
): { readonly state: State; readonly financing: Financing } {
  requireActor(isBankClerk(actor), record, 'finance', 'a bank clerk');
  requireStatus(record, [InvoiceStatus.REGISTERED, InvoiceStatus.FINANCED], 'finance');
  const total = amountCents(factOf(record, 'amount'));
  const financed = amountCents(stateField(record, 'financed'), 'financed', true);
  const requested = amountCents(request.amount);
  if (financed + requested > total) {
    fail(
      ErrorCode.ALREADY_FINANCED,
      `${record.facts.docId} has ${formatCents(total - financed)} ${factOf(record, 'currency')} left to finance`,
    );
  }
  const state = advance(
    record,
    {
      status: InvoiceStatus.FINANCED,
      financed: formatCents(financed + requested),
      openFinancings: stateField(record, 'openFinancings') + 1,
    },
    actor,
    tx,
  );
  const financing: Financing = {
    schemaVersion: SCHEMA_VERSION,
    invoiceDocId: record.facts.docId,
    financingId: request.financingId,
    bankMsp: actor.msp,
    amount: request.amount,
    currency: factOf(record, 'currency'),
    status: FinancingStatus.OPEN,
    createdAt: tx.time,
    createdBy: actorRef(actor),
    updatedAt: tx.time,
    updatedBy: actorRef(actor),
    txId: tx.id,
  };
  return { state, financing };
}

/**
 * Settles one financing; the invoice becomes SETTLED when no financing is left open.
 *
 * @throws SwlError FORBIDDEN for anyone but a clerk of the financing bank, INVALID_TRANSITION
 *   when the financing is already settled
 */
export function settle(
  record: DocRecord,
  financing: Financing,
  actor: Actor,
  tx: Tx,
): { readonly state: State; readonly financing: Financing } {
  requireActor(
    isBankClerk(actor, financing.bankMsp),
    record,
    'settle',
    `a clerk of ${financing.bankMsp}`,
  );
  if (financing.status !== FinancingStatus.OPEN) {
    fail(
      ErrorCode.INVALID_TRANSITION,
      `financing ${financing.financingId} is already ${financing.status}`,
    );
  }
  requireStatus(record, [InvoiceStatus.FINANCED], 'settle');
  const open = stateField(record, 'openFinancings') - 1;
  const status = open === 0 ? InvoiceStatus.SETTLED : InvoiceStatus.FINANCED;
  return {
    state: advance(record, { status, openFinancings: open }, actor, tx),
    financing: {
      ...financing,
      status: FinancingStatus.SETTLED,
      updatedAt: tx.time,
      updatedBy: actorRef(actor),
      txId: tx.id,
    },
  };
}

/** Re-validates a stored financing record. */
export function checkFinancing(value: Readonly<Record<string, unknown>>): Financing {
  const given = fields(value, 'financing', [
    'schemaVersion',
    'invoiceDocId',
    'financingId',
    'bankMsp',
    'amount',
    'currency',
    'status',
    'createdAt',
    'createdBy',
    'updatedAt',
    'updatedBy',
    'txId',
  ]);
  return {
    schemaVersion: SCHEMA_VERSION,
    invoiceDocId: docId(given.invoiceDocId, 'invoiceDocId'),
    financingId: docId(given.financingId, 'financingId'),
    bankMsp: text(given.bankMsp, 'bankMsp'),
    amount: amount(given.amount, 'amount'),
    currency: currency(given.currency, 'currency'),
    status: oneOf(given.status, FINANCING_STATUSES, 'status'),
    createdAt: isoTime(given.createdAt, 'createdAt'),
    createdBy: checkActorRef(given.createdBy, 'createdBy'),
    updatedAt: isoTime(given.updatedAt, 'updatedAt'),
    updatedBy: checkActorRef(given.updatedBy, 'updatedBy'),
    txId: text(given.txId, 'txId'),
  };
}
