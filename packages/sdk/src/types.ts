/**
 * Shapes the chaincode returns, re-exported for SDK users. The chaincode
 * owns them; the SDK only reads them.
 */
import type { FullView, HistoryEntry, PublicView } from '@swledger/protocol/view';
import type { Change, ChangeEvent } from '@swledger/protocol/events';

export type { FullView, HistoryEntry, PublicView, Change, ChangeEvent };

/** The document families. */
export type DocType =
  'CUSTOMS_DECLARATION' | 'COMMERCIAL_INVOICE' | 'CONTRACT' | 'TARIFF_GUARANTEE';

/** Every document family. */
export const DOC_TYPES: readonly DocType[] = [
  'CUSTOMS_DECLARATION',
  'COMMERCIAL_INVOICE',
  'CONTRACT',
  'TARIFF_GUARANTEE',
];

/** A record as the chaincode shows it to the caller: full for entitled callers, public otherwise. */
export type RecordView = FullView | PublicView;

/** What registering a document needs besides its fingerprint. */
export interface DocumentInput {
  readonly type: DocType;
  readonly docId: string;
  /** USCC of the enterprise the document concerns (the registering enterprise's own). */
  readonly owner: string;
  readonly facts: Readonly<Record<string, string>>;
  readonly links?: readonly string[];
}

/** A registration with its fingerprint. */
export interface DocumentRegistration extends DocumentInput {
  readonly sha256: string;
}

/** One page of an enterprise's records. */
export interface RecordPage {
  readonly records: readonly FullView[];
  /** Pass back to get the next page; empty when there is none. */
  readonly bookmark: string;
}

/** Result of a batch registration. */
export interface BatchResult {
  readonly count: number;
  readonly records: readonly { docId: string; sha256: string; status: string; type: DocType }[];
  readonly txId: string;
}

/** A committed change: the record's new view and the transaction that made it. */
export interface Committed<T> {
  readonly value: T;
  readonly transactionId: string;
}
