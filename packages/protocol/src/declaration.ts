import { isCustomsOfficer, type Actor } from './actor';
import { ErrorCode, fail } from './errors';
import {
  advance,
  requireActor,
  requireStatus,
  stateField,
  type DocRecord,
  type State,
  type StateFields,
  type Tx,
} from './record';
import { amount, currency, customsOffice, fields, oneOf } from './validate';

/** Statuses of a customs declaration. */
export const DeclarationStatus = Object.freeze({
  SUBMITTED: 'SUBMITTED',
  ACCEPTED: 'ACCEPTED',
  REJECTED: 'REJECTED',
  RELEASED: 'RELEASED',
} as const);

/** Where a declaration's duty stands. */
export const TaxStatus = Object.freeze({
  NONE: 'NONE',
  ASSESSED: 'ASSESSED',
  PAID: 'PAID',
  GUARANTEED: 'GUARANTEED',
} as const);

/** A status change customs may ask for through `document:transition`. */
export type DeclarationCommand =
  | { readonly action: 'accept' | 'reject' | 'release' | 'payDuty' }
  | { readonly action: 'assessDuty'; readonly amount: string };

const ACTIONS = ['accept', 'reject', 'release', 'assessDuty', 'payDuty'] as const;
const STATUSES = Object.values(DeclarationStatus);
const TAX_STATUSES = Object.values(TaxStatus);

/** Validates a declaration's registration facts. */
export function parseFacts(input: unknown): Record<string, string> {
  const given = fields(input, 'facts', ['direction', 'customsOffice', 'declaredValue', 'currency']);
  return {
    direction: oneOf(given.direction, ['IMPORT', 'EXPORT'], 'facts.direction'),
    customsOffice: customsOffice(given.customsOffice, 'facts.customsOffice'),
    declaredValue: amount(given.declaredValue, 'facts.declaredValue'),
    currency: currency(given.currency, 'facts.currency'),
  };
}

/** State of a newly submitted declaration. */
export function initialState(): StateFields {
  return { status: DeclarationStatus.SUBMITTED, taxStatus: TaxStatus.NONE };
}

/** Re-validates the declaration-specific fields of a stored state. */
export function checkState(state: State): void {
  oneOf(state.status, STATUSES, 'status');
  oneOf(state.taxStatus, TAX_STATUSES, 'taxStatus');
  if (state.dutyAmount !== undefined) {
    amount(state.dutyAmount, 'dutyAmount');
  }
}

/** Parses `document:transition` arguments for a declaration. */
export function parseCommand(action: string, args: unknown): DeclarationCommand {
  const chosen = oneOf(action, ACTIONS, 'action');
  if (chosen === 'assessDuty') {
    const given = fields(args, 'args', ['amount']);
    return { action: chosen, amount: amount(given.amount, 'args.amount') };
  }
  fields(args, 'args', []);
  return { action: chosen };
}

/**
 * Applies a customs officer's move to a declaration.
 *
 * @throws SwlError FORBIDDEN for anyone but a customs officer, INVALID_TRANSITION from the wrong status
 */
export function transition(
  record: DocRecord,
  command: DeclarationCommand,
  actor: Actor,
  tx: Tx,
): State {
  requireActor(isCustomsOfficer(actor), record, command.action, 'a customs officer');
  switch (command.action) {
    case 'accept':
      requireStatus(record, [DeclarationStatus.SUBMITTED], command.action);
      return advance(record, { status: DeclarationStatus.ACCEPTED }, actor, tx);
    case 'reject':
      requireStatus(record, [DeclarationStatus.SUBMITTED], command.action);
      return advance(record, { status: DeclarationStatus.REJECTED }, actor, tx);
    case 'release':
      requireStatus(record, [DeclarationStatus.ACCEPTED], command.action);
      return advance(record, { status: DeclarationStatus.RELEASED }, actor, tx);
    case 'assessDuty':
      requireStatus(
        record,
        [DeclarationStatus.SUBMITTED, DeclarationStatus.ACCEPTED, DeclarationStatus.RELEASED],
        command.action,
      );
      requireTaxStatus(record, TaxStatus.NONE, command.action);
      return advance(
        record,
        { taxStatus: TaxStatus.ASSESSED, dutyAmount: command.amount },
        actor,
        tx,
      );
    case 'payDuty':
      requireTaxStatus(record, TaxStatus.ASSESSED, command.action);
      return advance(record, { taxStatus: TaxStatus.PAID }, actor, tx);
  }
}

/**
 * Marks an assessed duty as covered by a guarantee draw of exactly that amount.
 *
 * @throws SwlError INVALID_TRANSITION unless the duty is ASSESSED; INVALID_ARGUMENT when the amount differs
 */
export function guaranteeDuty(record: DocRecord, drawAmount: string, actor: Actor, tx: Tx): State {
  requireActor(isCustomsOfficer(actor), record, 'guarantee the duty of', 'a customs officer');
  requireTaxStatus(record, TaxStatus.ASSESSED, 'guarantee the duty of');
  const duty = stateField(record, 'dutyAmount');
  if (duty !== drawAmount) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `draw amount ${drawAmount} differs from the assessed duty ${duty}`,
    );
  }
  return advance(record, { taxStatus: TaxStatus.GUARANTEED }, actor, tx);
}

/**
 * Marks a guaranteed duty as paid, when customs settles the draw that covered it.
 *
 * @throws SwlError INVALID_TRANSITION unless the duty is GUARANTEED
 */
export function payGuaranteedDuty(record: DocRecord, actor: Actor, tx: Tx): State {
  requireActor(isCustomsOfficer(actor), record, 'settle the duty of', 'a customs officer');
  requireTaxStatus(record, TaxStatus.GUARANTEED, 'settle the duty of');
  return advance(record, { taxStatus: TaxStatus.PAID }, actor, tx);
}

/**
 * Marks a guaranteed duty as paid by the guarantee's bank, when customs
 * claims the guarantee whose draw covered it.
 *
 * @throws SwlError FORBIDDEN unless a customs officer, INVALID_TRANSITION unless the duty is
 *   GUARANTEED
 */
export function payClaimedDuty(record: DocRecord, bankMsp: string, actor: Actor, tx: Tx): State {
  requireActor(isCustomsOfficer(actor), record, 'claim the duty of', 'a customs officer');
  requireTaxStatus(record, TaxStatus.GUARANTEED, `claim from ${bankMsp} the duty of`);
  return advance(record, { taxStatus: TaxStatus.PAID }, actor, tx);
}

function requireTaxStatus(record: DocRecord, expected: string, action: string): void {
  const current = stateField(record, 'taxStatus');
  if (current !== expected) {
    fail(
      ErrorCode.INVALID_TRANSITION,
      `cannot ${action} ${record.facts.type} ${record.facts.docId} with taxStatus ${current}`,
    );
  }
}
