import { type Facts, type State } from './record';

/** Name of the one chaincode event every state-changing transaction emits. */
export const EVENT_NAME = 'swl.changes';

/** One record's change within a transaction. */
export interface Change {
  readonly type: string;
  readonly docId: string;
  readonly sha256: string;
  readonly owner: string;
  /** null when the transaction created the record. */
  readonly oldStatus: string | null;
  readonly newStatus: string;
  /** The contract function or transition that made the change (`register`, `accept`, `finance`, …). */
  readonly action: string;
  /** Action-specific values (taxStatus, financingId, drawId, amount, balance, financed, claimed), strings only. */
  readonly detail?: Readonly<Record<string, string>>;
}

/** The payload of {@link EVENT_NAME}: every change the transaction made. */
export interface ChangeEvent {
  readonly changes: readonly Change[];
  readonly txId: string;
}

const DETAIL_FIELDS = [
  'taxStatus',
  'dutyAmount',
  'financed',
  'balance',
  'claimed',
  'supersededBy',
] as const;

/**
 * Describes the move of one record from `before` (absent on creation) to
 * `after`. The detail lists the state fields that changed besides the
 * status, plus `extra` (financingId, drawId, amount…).
 */
export function changeOf(
  facts: Facts,
  before: State | undefined,
  after: State,
  action: string,
  extra: Readonly<Record<string, string>> = {},
): Change {
  const detail: Record<string, string> = {};
  if (before !== undefined) {
    for (const field of DETAIL_FIELDS) {
      const value = after[field];
      if (value !== undefined && value !== before[field]) {
        detail[field] = value;
      }
    }
  }
  Object.assign(detail, extra);
  return {
    type: facts.type,
    docId: facts.docId,
    sha256: facts.sha256,
    owner: facts.owner,
    oldStatus: before === undefined ? null : before.status,
    newStatus: after.status,
    action,
    ...(Object.keys(detail).length === 0 ? {} : { detail }),
  };
}

/** The event payload for `changes`, in the order they were made. */
export function changeEvent(changes: readonly Change[], txId: string): ChangeEvent {
  return { changes, txId };
}
