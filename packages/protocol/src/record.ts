import { actorRef, type Actor, type ActorRef } from './actor';
import { ErrorCode, fail } from './errors';
import { SCHEMA_VERSION } from './serialize';

/** The document families the ledger records. */
export const DocType = Object.freeze({
  DECLARATION: 'CUSTOMS_DECLARATION',
  INVOICE: 'COMMERCIAL_INVOICE',
  CONTRACT: 'CONTRACT',
  GUARANTEE: 'TARIFF_GUARANTEE',
} as const);

/** One of the values in {@link DocType}. */
export type DocType = (typeof DocType)[keyof typeof DocType];

/** Every {@link DocType}, in a fixed order. */
export const DOC_TYPES: readonly DocType[] = Object.freeze(Object.values(DocType));

/** The write-once part of a record, stored under `doc~type~id`. */
export interface Facts {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly type: DocType;
  readonly docId: string;
  readonly sha256: string;
  /** USCC of the enterprise the record concerns. */
  readonly owner: string;
  readonly issuerMsp: string;
  readonly issuerId: string;
  /** docIds of related documents, sorted. */
  readonly links: readonly string[];
  /** Family-specific business facts; every value a string. */
  readonly facts: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly txId: string;
  /** The enterprise key that signed the registration and the bank that confirmed its binding. */
  readonly signer?: SignerRef;
}

/** Who signed an enterprise write: the key's address and the bank that confirmed its binding. */
export interface SignerRef {
  /** The key's address, lowercase. */
  readonly address: string;
  readonly bankMsp: string;
}

/** The mutable part of a record, stored under `state~type~id` with its key-level policy. */
export interface State {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly type: DocType;
  readonly docId: string;
  readonly status: string;
  readonly updatedAt: string;
  readonly updatedBy: ActorRef;
  readonly txId: string;
  /** Declarations: NONE, ASSESSED, PAID or GUARANTEED. */
  readonly taxStatus?: string;
  /** Declarations: the assessed duty, once assessed. */
  readonly dutyAmount?: string;
  /** Invoices: total financed by all banks. */
  readonly financed?: string;
  /** Invoices: financings not yet settled. */
  readonly openFinancings?: number;
  /** Guarantees: amount still available to draw. */
  readonly balance?: string;
  /** Guarantees: draws not yet settled. */
  readonly openDraws?: number;
  /** Guarantees: the total of the open draws customs called when it claimed the guarantee. */
  readonly claimed?: string;
  /** Contracts: the docId of the contract that superseded this one. */
  readonly supersededBy?: string;
  /** Enterprise moves: the address of the key that signed this version. */
  readonly signedBy?: string;
}

/** A record: its facts and its current state. */
export interface DocRecord {
  readonly facts: Facts;
  readonly state: State;
}

/** Reads a family fact that every stored record of the family holds. */
export function factOf(record: DocRecord, name: string): string {
  const value = record.facts.facts[name];
  return (
    value ??
    fail(ErrorCode.SCHEMA_MISMATCH, `${record.facts.type} ${record.facts.docId} lacks fact ${name}`)
  );
}

/** Reads an optional state field that the record's family always sets. */
export function stateField<K extends keyof State>(
  record: DocRecord,
  name: K,
): NonNullable<State[K]> {
  const value = record.state[name];
  return (
    value ??
    fail(ErrorCode.SCHEMA_MISMATCH, `${record.state.type} ${record.state.docId} lacks ${name}`)
  );
}

/** Throws INVALID_TRANSITION unless the record is in one of `allowed`. */
export function requireStatus(record: DocRecord, allowed: readonly string[], action: string): void {
  if (!allowed.includes(record.state.status)) {
    fail(
      ErrorCode.INVALID_TRANSITION,
      `cannot ${action} ${record.facts.type} ${record.facts.docId} in status ${record.state.status}`,
    );
  }
}

/** Throws FORBIDDEN unless `allowed`. */
export function requireActor(
  allowed: boolean,
  record: DocRecord,
  action: string,
  who: string,
): void {
  if (!allowed) {
    fail(
      ErrorCode.FORBIDDEN,
      `only ${who} may ${action} ${record.facts.type} ${record.facts.docId}`,
    );
  }
}

/** The transaction a rule runs in: its id and its timestamp (ISO 8601). */
export interface Tx {
  readonly id: string;
  readonly time: string;
}

/** The fields of a state a family rule decides; the rest is bookkeeping. */
export type StateFields = Omit<
  State,
  'schemaVersion' | 'type' | 'docId' | 'updatedAt' | 'updatedBy' | 'txId'
>;

/** The record's next state: `changes` applied, stamped with the actor and the transaction. */
export function advance(
  record: DocRecord,
  changes: Partial<StateFields>,
  actor: Actor,
  tx: Tx,
): State {
  // A move is signed by whoever makes it: the previous version's signer does not carry over.
  const previous: State = { ...record.state };
  delete (previous as { signedBy?: string }).signedBy;
  return {
    ...previous,
    ...changes,
    updatedAt: tx.time,
    updatedBy: actorRef(actor),
    txId: tx.id,
  };
}
