import { ErrorCode, fail } from './errors';
import { DOC_TYPES, type DocType } from './record';
import { SCHEMA_VERSION } from './serialize';
import { amountCents, docId, fields, formatCents, oneOf } from './validate';

/**
 * What the finance services have drawn on one document, across all banks,
 * stored under `totals~type~docId`: the amount remitted against it and,
 * for an `EXPORT` declaration, the financings drawn on the declaration
 * itself (financings drawn through its invoices stay on the invoices).
 * Any bank may draw on it, so its key-level rule is MAJORITY.
 */
export interface Totals {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly type: DocType;
  readonly docId: string;
  /** Total remitted against the document. */
  readonly remitted: string;
  /** Total financed on the document itself (declarations only; invoices keep theirs in their state). */
  readonly financed: string;
  /** Financings on the document itself not yet settled. */
  readonly openFinancings: number;
  readonly updatedAt: string;
  readonly txId: string;
}

/** The totals of a document nothing has been drawn on yet. */
export function emptyTotals(type: DocType, id: string): Totals {
  return {
    schemaVersion: SCHEMA_VERSION,
    type,
    docId: id,
    remitted: formatCents(0n),
    financed: formatCents(0n),
    openFinancings: 0,
    updatedAt: '',
    txId: '',
  };
}

/** Re-validates stored totals. */
export function checkTotals(value: Readonly<Record<string, unknown>>): Totals {
  const given = fields(value, 'totals', [
    'schemaVersion',
    'type',
    'docId',
    'remitted',
    'financed',
    'openFinancings',
    'updatedAt',
    'txId',
  ]);
  const open = given.openFinancings;
  if (typeof open !== 'number' || !Number.isSafeInteger(open) || open < 0) {
    fail(ErrorCode.INVALID_ARGUMENT, 'openFinancings must be a count');
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    type: oneOf(given.type, DOC_TYPES, 'type'),
    docId: docId(given.docId),
    remitted: formatCents(amountCents(given.remitted, 'remitted', true)),
    financed: formatCents(amountCents(given.financed, 'financed', true)),
    openFinancings: open,
    updatedAt: typeof given.updatedAt === 'string' ? given.updatedAt : '',
    txId: typeof given.txId === 'string' ? given.txId : '',
  };
}
