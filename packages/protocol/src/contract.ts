import { isEnterprise, type Actor } from './actor';
import { ErrorCode, fail } from './errors';
import {
  advance,
  DocType,
  requireActor,
  requireStatus,
  type DocRecord,
  type State,
  type StateFields,
  type Tx,
} from './record';
import { parseParties } from './parties';
import { docId, fields, oneOf } from './validate';

/** Statuses of a commercial contract. */
export const ContractStatus = Object.freeze({
  REGISTERED: 'REGISTERED',
  TERMINATED: 'TERMINATED',
  SUPERSEDED: 'SUPERSEDED',
} as const);

/** A move the owning enterprise may ask for through `document:transition`. */
export type ContractCommand =
  { readonly action: 'terminate' } | { readonly action: 'supersede'; readonly byDocId: string };

const ACTIONS = ['terminate', 'supersede'] as const;
const STATUSES = Object.values(ContractStatus);

/** Validates a contract's registration facts: buyer, seller, amount, currency. */
export function parseFacts(input: unknown, owner: string): Record<string, string> {
  return parseParties(input, owner);
}

/** State of a newly registered contract. */
export function initialState(): StateFields {
  return { status: ContractStatus.REGISTERED };
}

/** Re-validates the contract-specific fields of a stored state. */
export function checkState(state: State): void {
  oneOf(state.status, STATUSES, 'status');
  if (state.supersededBy !== undefined) {
    docId(state.supersededBy, 'supersededBy');
  }
}

/** Parses `document:transition` arguments for a contract. */
export function parseCommand(action: string, args: unknown): ContractCommand {
  const chosen = oneOf(action, ACTIONS, 'action');
  if (chosen === 'supersede') {
    const given = fields(args, 'args', ['byDocId']);
    return { action: chosen, byDocId: docId(given.byDocId, 'args.byDocId') };
  }
  fields(args, 'args', []);
  return { action: chosen };
}

/**
 * Applies the owning enterprise's move to a contract. Superseding needs the
 * successor contract, which must belong to the same owner and link to this one.
 *
 * @throws SwlError FORBIDDEN for anyone but the owner, INVALID_TRANSITION from the wrong status,
 *   INVALID_ARGUMENT for an unfit successor
 */
export function transition(
  record: DocRecord,
  command: ContractCommand,
  actor: Actor,
  tx: Tx,
  successor?: DocRecord,
): State {
  requireActor(
    isEnterprise(actor, record.facts.owner),
    record,
    command.action,
    'the owning enterprise',
  );
  requireStatus(record, [ContractStatus.REGISTERED], command.action);
  if (command.action === 'terminate') {
    return advance(record, { status: ContractStatus.TERMINATED }, actor, tx);
  }
  checkSuccessor(record, command.byDocId, successor);
  return advance(
    record,
    { status: ContractStatus.SUPERSEDED, supersededBy: command.byDocId },
    actor,
    tx,
  );
}

function checkSuccessor(
  record: DocRecord,
  byDocId: string,
  successor: DocRecord | undefined,
): void {
  const name = `successor ${byDocId}`;
  if (
    successor === undefined ||
    successor.facts.type !== DocType.CONTRACT ||
    successor.facts.docId !== byDocId
  ) {
    return fail(ErrorCode.NOT_FOUND, `${name} is not a registered contract`);
  }
  if (byDocId === record.facts.docId) {
    fail(ErrorCode.INVALID_ARGUMENT, 'a contract cannot supersede itself');
  }
  if (successor.facts.owner !== record.facts.owner) {
    fail(ErrorCode.INVALID_ARGUMENT, `${name} belongs to another owner`);
  }
  if (!successor.facts.links.includes(record.facts.docId)) {
    fail(ErrorCode.INVALID_ARGUMENT, `${name} does not link to ${record.facts.docId}`);
  }
  if (successor.state.status !== ContractStatus.REGISTERED) {
    fail(ErrorCode.INVALID_ARGUMENT, `${name} is ${successor.state.status}`);
  }
}
