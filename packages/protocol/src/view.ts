import { type ActorRef } from './actor';
import { type ApprovalDecision } from './approval';
import * as guarantee from './guarantee';
import { type Draw } from './guarantee';
import { type Financing } from './invoice';
import { DocType, type DocRecord, type SignerRef, type State } from './record';
import { type Remittance } from './remittance';
import { type DeclarationFinancing, type ShipmentSummary } from './shipment';

/** What anyone holding a file may learn about it (SPEC §4). */
export interface PublicView {
  readonly access: 'public';
  readonly type: string;
  readonly docId: string;
  readonly sha256: string;
  /** Stored status, or EXPIRED for a live guarantee past its window. */
  readonly status: string;
  readonly issuerMsp: string;
  /** USCC of the enterprise the record concerns (and, for enterprise documents, registered it). */
  readonly owner: string;
  readonly createdAt: string;
  /** The registering transaction. */
  readonly txId: string;
  /** The enterprise key that signed the registration, and the bank that confirmed its binding. */
  readonly signer?: SignerRef;
}

/** What a record's parties, customs and banks see. */
export interface FullView extends Omit<PublicView, 'access'> {
  readonly access: 'full';
  readonly owner: string;
  readonly issuerId: string;
  readonly links: readonly string[];
  readonly facts: Readonly<Record<string, string>>;
  /** The stored mutable state without its schemaVersion. */
  readonly state: Omit<State, 'schemaVersion'>;
  readonly updatedAt: string;
  /** Invoices: every financing, by financingId. */
  readonly financings?: readonly Omit<Financing, 'schemaVersion'>[];
  /** Guarantees: every draw, by drawId. */
  readonly draws?: readonly Omit<Draw, 'schemaVersion'>[];
  /** Verification reads: every version of the state. */
  readonly history?: readonly HistoryEntry[];
  /** Declarations: the shipment's financed and remitted totals. */
  readonly shipment?: ShipmentSummary;
  /** Declarations: every remittance against it. */
  readonly remittances?: readonly Omit<Remittance, 'schemaVersion'>[];
  /** EXPORT declarations: every financing drawn on the declaration itself. */
  readonly shipmentFinancings?: readonly Omit<DeclarationFinancing, 'schemaVersion'>[];
  /** Invoices: total remitted against it, all banks. */
  readonly remitted?: string;
  /** Guarantees: the bank's automated decision on the application, when it made one. */
  readonly approval?: Omit<ApprovalDecision, 'schemaVersion'>;
}

/** One committed version of a record's state. */
export interface HistoryEntry {
  readonly txId: string;
  readonly timestamp: string;
  readonly status: string;
  readonly by: ActorRef;
  readonly state: Omit<State, 'schemaVersion'>;
}

/** Extras a full view may carry. */
export interface FullViewExtras {
  readonly financings?: readonly Financing[];
  readonly draws?: readonly Draw[];
  readonly history?: readonly HistoryEntry[];
  readonly shipment?: ShipmentSummary;
  readonly remittances?: readonly Remittance[];
  readonly shipmentFinancings?: readonly DeclarationFinancing[];
  readonly remitted?: string;
  readonly approval?: ApprovalDecision;
}

/** The public verification view of a record at `time`. */
export function publicView(record: DocRecord, time: string): PublicView {
  return {
    access: 'public',
    type: record.facts.type,
    docId: record.facts.docId,
    sha256: record.facts.sha256,
    status: statusAt(record, time),
    issuerMsp: record.facts.issuerMsp,
    owner: record.facts.owner,
    createdAt: record.facts.createdAt,
    txId: record.facts.txId,
    ...(record.facts.signer === undefined ? {} : { signer: record.facts.signer }),
  };
}

/** The full view of a record at `time`. */
export function fullView(record: DocRecord, time: string, extras: FullViewExtras = {}): FullView {
  return {
    ...publicView(record, time),
    access: 'full',
    owner: record.facts.owner,
    issuerId: record.facts.issuerId,
    links: record.facts.links,
    facts: record.facts.facts,
    state: withoutVersion(record.state),
    updatedAt: record.state.updatedAt,
    ...(extras.financings === undefined
      ? {}
      : { financings: extras.financings.map(withoutVersion) }),
    ...(extras.draws === undefined ? {} : { draws: extras.draws.map(withoutVersion) }),
    ...(extras.history === undefined ? {} : { history: extras.history }),
    ...(extras.shipment === undefined ? {} : { shipment: extras.shipment }),
    ...(extras.remittances === undefined
      ? {}
      : { remittances: extras.remittances.map(withoutVersion) }),
    ...(extras.shipmentFinancings === undefined
      ? {}
      : { shipmentFinancings: extras.shipmentFinancings.map(withoutVersion) }),
    ...(extras.remitted === undefined ? {} : { remitted: extras.remitted }),
    ...(extras.approval === undefined ? {} : { approval: withoutVersion(extras.approval) }),
  };
}

/** A history entry for a stored state version. */
export function historyEntry(state: State, txId: string, timestamp: string): HistoryEntry {
  return {
    txId,
    timestamp,
    status: state.status,
    by: state.updatedBy,
    state: withoutVersion(state),
  };
}

/** The status reads report at `time`. */
export function statusAt(record: DocRecord, time: string): string {
  return record.facts.type === DocType.GUARANTEE
    ? guarantee.effectiveStatus(record, time)
    : record.state.status;
}

function withoutVersion<T extends { readonly schemaVersion: number }>(
  value: T,
): Omit<T, 'schemaVersion'> {
  const copy: Record<string, unknown> = { ...value };
  delete copy.schemaVersion;
  return copy as Omit<T, 'schemaVersion'>;
}

/**
 * Statuses in which a record is usable, per type (SPEC §4): a cleared
 * (RELEASED) declaration is what a bank wants; a guarantee is usable once
 * issued. EXPIRED is never usable.
 */
export const USABLE_STATUSES: Readonly<Record<DocType, readonly string[]>> = Object.freeze({
  [DocType.DECLARATION]: ['SUBMITTED', 'ACCEPTED', 'RELEASED'],
  [DocType.INVOICE]: ['REGISTERED', 'FINANCED', 'SETTLED'],
  [DocType.CONTRACT]: ['REGISTERED'],
  [DocType.GUARANTEE]: ['ISSUED', 'ACTIVE'],
});

/** True when `status` (expiry applied) is usable for a record of `type`. */
export function isUsable(type: string, status: string): boolean {
  const usable = (USABLE_STATUSES as Readonly<Record<string, readonly string[]>>)[type];
  return usable !== undefined && usable.includes(status);
}
