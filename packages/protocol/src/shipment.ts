import { actorRef, checkActorRef, isBankClerk, type Actor, type ActorRef } from './actor';
import { DeclarationStatus } from './declaration';
import { ErrorCode, fail } from './errors';
import { FinancingStatus } from './invoice';
import {
  DocType,
  factOf,
  requireActor,
  requireStatus,
  stateField,
  type DocRecord,
  type Tx,
} from './record';
import { SCHEMA_VERSION } from './serialize';
import { type Totals } from './totals';
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

/*
 * One shipment, financed once (SPEC §8): an `EXPORT` declaration is a
 * shipment, and every financing drawn on the declaration itself or on an
 * invoice it links draws on one cap, the declared value. An invoice counts
 * for a shipment when the declaration links it, the declarant is its seller
 * and both are in the same currency; a `REJECTED` declaration is no
 * shipment. The invoice's own cap (its amount) holds as well.
 */

/** Declaration statuses a bank may finance directly. */
export const FINANCEABLE_DECLARATION: readonly string[] = Object.freeze([
  DeclarationStatus.ACCEPTED,
  DeclarationStatus.RELEASED,
]);

/**
 * One bank's financing drawn directly on an `EXPORT` declaration, stored
 * under `declfin~declarationDocId~financingId` with the bank's key-level rule.
 */
export interface DeclarationFinancing {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly declarationDocId: string;
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

/** A shipment's position, shown in the declaration's full view. */
export interface ShipmentSummary {
  readonly declaredValue: string;
  readonly currency: string;
  /** Financed on the declaration itself. */
  readonly financedDirect: string;
  /** Financed through the invoices that count for the shipment, by invoice docId. */
  readonly financedByInvoice: Readonly<Record<string, string>>;
  /** The shipment's financed total: direct plus through its invoices. */
  readonly financed: string;
  /** What may still be financed on the shipment. */
  readonly financeLeft: string;
  /** Remitted against the declaration, all banks. */
  readonly remitted: string;
  readonly remitLeft: string;
}

/** True when `invoice` draws on the cap of the shipment `declaration`. */
export function countsForShipment(declaration: DocRecord, invoice: DocRecord): boolean {
  return (
    declaration.facts.type === DocType.DECLARATION &&
    invoice.facts.type === DocType.INVOICE &&
    factOf(declaration, 'direction') === 'EXPORT' &&
    declaration.state.status !== DeclarationStatus.REJECTED &&
    declaration.facts.links.includes(invoice.facts.docId) &&
    declaration.facts.owner === factOf(invoice, 'seller') &&
    factOf(declaration, 'currency') === factOf(invoice, 'currency')
  );
}

/**
 * The shipment's financed total: the declaration's direct financings plus
 * the financed totals of the linked invoices that count for it.
 */
export function shipmentFinanced(
  declaration: DocRecord,
  totals: Totals,
  linkedInvoices: readonly DocRecord[],
): bigint {
  let financed = amountCents(totals.financed, 'financed', true);
  for (const invoice of linkedInvoices) {
    if (countsForShipment(declaration, invoice)) {
      financed += amountCents(stateField(invoice, 'financed'), 'financed', true);
    }
  }
  return financed;
}

/**
 * Refuses a financed total above the shipment's declared value.
 *
 * @throws SwlError ALREADY_FINANCED with fields `docId`, `type`, `left`, `currency`
 */
export function requireWithinShipment(
  declaration: DocRecord,
  financedBefore: bigint,
  requested: bigint,
): void {
  const cap = amountCents(factOf(declaration, 'declaredValue'));
  if (financedBefore + requested > cap) {
    const left = formatCents(cap > financedBefore ? cap - financedBefore : 0n);
    const held = factOf(declaration, 'currency');
    fail(
      ErrorCode.ALREADY_FINANCED,
      `shipment ${declaration.facts.docId} has ${left} ${held} left to finance`,
      { currency: held, docId: declaration.facts.docId, left, type: declaration.facts.type },
    );
  }
}

/** Validates `shipment:finance` arguments. */
export function parseFinanceRequest(
  financingId: unknown,
  requested: unknown,
): { readonly financingId: string; readonly amount: string } {
  return { financingId: docId(financingId, 'financingId'), amount: amount(requested, 'amount') };
}

/**
 * A bank's financing drawn directly on an `EXPORT` declaration.
 *
 * @throws SwlError FORBIDDEN unless a bank clerk, INVALID_ARGUMENT unless EXPORT,
 *   INVALID_TRANSITION unless ACCEPTED or RELEASED, ALREADY_FINANCED (fields) past the cap
 */
export function financeShipment(
  declaration: DocRecord,
  totals: Totals,
  linkedInvoices: readonly DocRecord[],
  request: { readonly financingId: string; readonly amount: string },
  actor: Actor,
  tx: Tx,
): { readonly totals: Totals; readonly financing: DeclarationFinancing } {
  requireActor(isBankClerk(actor), declaration, 'finance', 'a bank clerk');
  if (factOf(declaration, 'direction') !== 'EXPORT') {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `only an EXPORT declaration can be financed; ${declaration.facts.docId} is ${factOf(declaration, 'direction')}`,
    );
  }
  requireStatus(declaration, FINANCEABLE_DECLARATION, 'finance');
  const requested = amountCents(request.amount);
  requireWithinShipment(
    declaration,
    shipmentFinanced(declaration, totals, linkedInvoices),
    requested,
  );
  const direct = amountCents(totals.financed, 'financed', true);
  return {
    totals: {
      ...totals,
      financed: formatCents(direct + requested),
      openFinancings: totals.openFinancings + 1,
      updatedAt: tx.time,
      txId: tx.id,
    },
    financing: {
      schemaVersion: SCHEMA_VERSION,
      declarationDocId: declaration.facts.docId,
      financingId: request.financingId,
      bankMsp: actor.msp,
      amount: request.amount,
      currency: factOf(declaration, 'currency'),
      status: FinancingStatus.OPEN,
      createdAt: tx.time,
      createdBy: actorRef(actor),
      updatedAt: tx.time,
      updatedBy: actorRef(actor),
      txId: tx.id,
    },
  };
}

/**
 * Settles one direct financing of a declaration; the financed total stays
 * (a shipment is financed once, ever).
 *
 * @throws SwlError FORBIDDEN unless a clerk of the financing bank, INVALID_TRANSITION when settled
 */
export function settleShipment(
  declaration: DocRecord,
  totals: Totals,
  financing: DeclarationFinancing,
  actor: Actor,
  tx: Tx,
): { readonly totals: Totals; readonly financing: DeclarationFinancing } {
  requireActor(
    isBankClerk(actor, financing.bankMsp),
    declaration,
    'settle',
    `a clerk of ${financing.bankMsp}`,
  );
  if (financing.status !== FinancingStatus.OPEN) {
    fail(
      ErrorCode.INVALID_TRANSITION,
      `financing ${financing.financingId} is already ${financing.status}`,
    );
  }
  return {
    totals: {
      ...totals,
      openFinancings: Math.max(0, totals.openFinancings - 1),
      updatedAt: tx.time,
      txId: tx.id,
    },
    financing: {
      ...financing,
      status: FinancingStatus.SETTLED,
      updatedAt: tx.time,
      updatedBy: actorRef(actor),
      txId: tx.id,
    },
  };
}

/** The shipment position of an `EXPORT` declaration (remitted only, for an `IMPORT` one). */
export function shipmentSummary(
  declaration: DocRecord,
  totals: Totals,
  linkedInvoices: readonly DocRecord[],
): ShipmentSummary {
  const value = amountCents(factOf(declaration, 'declaredValue'));
  const byInvoice: Record<string, string> = {};
  for (const invoice of linkedInvoices) {
    if (countsForShipment(declaration, invoice)) {
      byInvoice[invoice.facts.docId] = formatCents(
        amountCents(stateField(invoice, 'financed'), 'financed', true),
      );
    }
  }
  const financed = shipmentFinanced(declaration, totals, linkedInvoices);
  const remitted = amountCents(totals.remitted, 'remitted', true);
  const floor = (cents: bigint): string => formatCents(cents > 0n ? cents : 0n);
  return {
    declaredValue: formatCents(value),
    currency: factOf(declaration, 'currency'),
    financedDirect: totals.financed,
    financedByInvoice: byInvoice,
    financed: formatCents(financed),
    financeLeft: factOf(declaration, 'direction') === 'EXPORT' ? floor(value - financed) : '0.00',
    remitted: formatCents(remitted),
    remitLeft: floor(value - remitted),
  };
}

/** Re-validates a stored declaration financing. */
export function checkDeclarationFinancing(
  value: Readonly<Record<string, unknown>>,
): DeclarationFinancing {
  const given = fields(value, 'financing', [
    'schemaVersion',
    'declarationDocId',
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
    declarationDocId: docId(given.declarationDocId, 'declarationDocId'),
    financingId: docId(given.financingId, 'financingId'),
    bankMsp: text(given.bankMsp, 'bankMsp'),
    amount: amount(given.amount, 'amount'),
    currency: currency(given.currency, 'currency'),
    status: oneOf(given.status, Object.values(FinancingStatus), 'status'),
    createdAt: isoTime(given.createdAt, 'createdAt'),
    createdBy: checkActorRef(given.createdBy, 'createdBy'),
    updatedAt: isoTime(given.updatedAt, 'updatedAt'),
    updatedBy: checkActorRef(given.updatedBy, 'updatedBy'),
    txId: text(given.txId, 'txId'),
  };
}
