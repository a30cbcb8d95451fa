import { actorRef, checkActorRef, isBankClerk, type Actor, type ActorRef } from './actor';
import { ContractStatus } from './contract';
import { DeclarationStatus } from './declaration';
import { ErrorCode, fail } from './errors';
import { InvoiceStatus } from './invoice';
import { DocType, factOf, requireActor, type DocRecord, type Tx } from './record';
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
  uscc,
} from './validate';

/**
 * Which way the money goes: an outward payment settles an `IMPORT`
 * declaration (the importer pays), an inward receipt an `EXPORT` one (the
 * exporter is paid).
 */
export const RemittanceDirection = Object.freeze({ OUTWARD: 'OUTWARD', INWARD: 'INWARD' } as const);

/** One of the values in {@link RemittanceDirection}. */
export type RemittanceDirection = (typeof RemittanceDirection)[keyof typeof RemittanceDirection];

const DIRECTIONS = Object.values(RemittanceDirection);

/** The declaration direction each remittance direction settles. */
const DECLARATION_DIRECTION: Readonly<Record<RemittanceDirection, string>> = Object.freeze({
  OUTWARD: 'IMPORT',
  INWARD: 'EXPORT',
});

/** Declaration statuses a remittance may be checked against (SPEC §8). */
export const REMITTABLE_DECLARATION: readonly string[] = Object.freeze([
  DeclarationStatus.ACCEPTED,
  DeclarationStatus.RELEASED,
]);

/** Invoice statuses a remittance may be checked against: any usable one. */
export const REMITTABLE_INVOICE: readonly string[] = Object.freeze([
  InvoiceStatus.REGISTERED,
  InvoiceStatus.FINANCED,
  InvoiceStatus.SETTLED,
]);

/** What a bank clerk asks to record. */
export interface RemittanceRequest {
  readonly remittanceId: string;
  readonly declarationDocId: string;
  readonly invoiceDocId: string;
  readonly contractDocId: string;
  readonly direction: RemittanceDirection;
  /** USCC of the paying enterprise. */
  readonly payer: string;
  readonly amount: string;
  readonly currency: string;
}

/**
 * A remittance checked against a declaration, an invoice and a contract,
 * stored write-once under `remit~declarationDocId~remittanceId`.
 */
export interface Remittance extends RemittanceRequest {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  /** USCC of the enterprise paid. */
  readonly payee: string;
  readonly bankMsp: string;
  readonly createdAt: string;
  readonly createdBy: ActorRef;
  readonly txId: string;
}

/** The three records a remittance is checked against. */
export interface RemittanceDocuments {
  readonly declaration: DocRecord;
  readonly invoice: DocRecord;
  readonly contract: DocRecord;
}

/** The remitted totals of the declaration and the invoice before the remittance. */
export interface RemittanceTotals {
  readonly declaration: Totals;
  readonly invoice: Totals;
}

/** Validates a remittance request (`remit:record`'s JSON argument). */
export function parseRemittanceRequest(input: unknown): RemittanceRequest {
  const given = fields(input, 'remittance', [
    'remittanceId',
    'declarationDocId',
    'invoiceDocId',
    'contractDocId',
    'direction',
    'payer',
    'amount',
    'currency',
  ]);
  return {
    remittanceId: docId(given.remittanceId, 'remittanceId'),
    declarationDocId: docId(given.declarationDocId, 'declarationDocId'),
    invoiceDocId: docId(given.invoiceDocId, 'invoiceDocId'),
    contractDocId: docId(given.contractDocId, 'contractDocId'),
    direction: oneOf(given.direction, DIRECTIONS, 'direction'),
    payer: uscc(given.payer, 'payer'),
    amount: amount(given.amount, 'amount'),
    currency: currency(given.currency, 'currency'),
  };
}

/**
 * Checks a remittance against its declaration, invoice and contract (SPEC
 * §8) and returns the record with both documents' new totals. Pure: the
 * caller loads the records and totals and writes the results.
 *
 * @throws SwlError FORBIDDEN unless a bank clerk; INVALID_ARGUMENT when the
 *   direction, parties, currency or links do not match; INVALID_TRANSITION
 *   when a document is not in a status that may be remitted against;
 *   ALREADY_REMITTED with fields `docId`, `type`, `left`, `currency` when the
 *   declaration's or the invoice's remitted total would exceed its value
 */
export function remit(
  docs: RemittanceDocuments,
  totals: RemittanceTotals,
  request: RemittanceRequest,
  actor: Actor,
  tx: Tx,
): {
  readonly remittance: Remittance;
  readonly declaration: Totals;
  readonly invoice: Totals;
} {
  const { declaration, invoice } = docs;
  requireActor(isBankClerk(actor), declaration, 'remit against', 'a bank clerk');
  requireTypes(docs);
  const payee = checkParties(docs, request);
  checkStatuses(docs);
  checkCurrency(docs, request);
  checkLinks(docs);

  const requested = amountCents(request.amount);
  const declarationTotal = remittedAfter(
    declaration,
    factOf(declaration, 'declaredValue'),
    totals.declaration,
    requested,
  );
  const invoiceTotal = remittedAfter(invoice, factOf(invoice, 'amount'), totals.invoice, requested);
  return {
    remittance: {
      schemaVersion: SCHEMA_VERSION,
      ...request,
      payee,
      bankMsp: actor.msp,
      createdAt: tx.time,
      createdBy: actorRef(actor),
      txId: tx.id,
    },
    declaration: stamp(totals.declaration, declarationTotal, tx),
    invoice: stamp(totals.invoice, invoiceTotal, tx),
  };
}

function requireTypes({ declaration, invoice, contract }: RemittanceDocuments): void {
  if (
    declaration.facts.type !== DocType.DECLARATION ||
    invoice.facts.type !== DocType.INVOICE ||
    contract.facts.type !== DocType.CONTRACT
  ) {
    fail(ErrorCode.INVALID_ARGUMENT, 'a remittance needs a declaration, an invoice and a contract');
  }
}

/** The payee, once the parties of the three documents agree with the request. */
function checkParties(
  { declaration, invoice, contract }: RemittanceDocuments,
  request: RemittanceRequest,
): string {
  const wanted = DECLARATION_DIRECTION[request.direction];
  const direction = factOf(declaration, 'direction');
  if (direction !== wanted) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `an ${request.direction} remittance settles an ${wanted} declaration; ${declaration.facts.docId} is ${direction}`,
    );
  }
  const buyer = factOf(invoice, 'buyer');
  const seller = factOf(invoice, 'seller');
  if (buyer !== request.payer) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `the payer ${request.payer} is not the buyer of invoice ${invoice.facts.docId}`,
    );
  }
  const declarant = request.direction === RemittanceDirection.OUTWARD ? buyer : seller;
  if (declaration.facts.owner !== declarant) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `declaration ${declaration.facts.docId} belongs to another enterprise than the ${request.direction === RemittanceDirection.OUTWARD ? 'payer' : 'payee'}`,
    );
  }
  if (factOf(contract, 'buyer') !== buyer || factOf(contract, 'seller') !== seller) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `contract ${contract.facts.docId} is not between the parties of invoice ${invoice.facts.docId}`,
    );
  }
  return seller;
}

function checkStatuses({ declaration, invoice, contract }: RemittanceDocuments): void {
  const checks: readonly (readonly [DocRecord, readonly string[]])[] = [
    [declaration, REMITTABLE_DECLARATION],
    [invoice, REMITTABLE_INVOICE],
    [contract, [ContractStatus.REGISTERED]],
  ];
  for (const [record, allowed] of checks) {
    if (!allowed.includes(record.state.status)) {
      fail(
        ErrorCode.INVALID_TRANSITION,
        `cannot remit against ${record.facts.type} ${record.facts.docId} in status ${record.state.status}`,
      );
    }
  }
}

function checkCurrency(
  { declaration, invoice, contract }: RemittanceDocuments,
  request: RemittanceRequest,
): void {
  for (const record of [declaration, invoice, contract]) {
    const held = factOf(record, 'currency');
    if (held !== request.currency) {
      fail(
        ErrorCode.INVALID_ARGUMENT,
        `${record.facts.type} ${record.facts.docId} is in ${held}, not ${request.currency}`,
      );
    }
  }
}

/** The declaration links the invoice, and the contract is linked from the declaration or the invoice. */
function checkLinks({ declaration, invoice, contract }: RemittanceDocuments): void {
  if (!declaration.facts.links.includes(invoice.facts.docId)) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `declaration ${declaration.facts.docId} does not link invoice ${invoice.facts.docId}`,
    );
  }
  const contractId = contract.facts.docId;
  if (!declaration.facts.links.includes(contractId) && !invoice.facts.links.includes(contractId)) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `neither declaration ${declaration.facts.docId} nor invoice ${invoice.facts.docId} links contract ${contractId}`,
    );
  }
}

/** The remitted total after `requested`, refused when it would pass `value`. */
function remittedAfter(
  record: DocRecord,
  value: string,
  totals: Totals,
  requested: bigint,
): bigint {
  const cap = amountCents(value);
  const remitted = amountCents(totals.remitted, 'remitted', true);
  if (remitted + requested > cap) {
    const left = formatCents(cap > remitted ? cap - remitted : 0n);
    const currencyHeld = factOf(record, 'currency');
    fail(
      ErrorCode.ALREADY_REMITTED,
      `${record.facts.type} ${record.facts.docId} has ${left} ${currencyHeld} left to remit`,
      { currency: currencyHeld, docId: record.facts.docId, left, type: record.facts.type },
    );
  }
  return remitted + requested;
}

function stamp(totals: Totals, remitted: bigint, tx: Tx): Totals {
  return { ...totals, remitted: formatCents(remitted), updatedAt: tx.time, txId: tx.id };
}

/** Re-validates a stored remittance. */
export function checkRemittance(value: Readonly<Record<string, unknown>>): Remittance {
  const given = fields(value, 'remittance', [
    'schemaVersion',
    'remittanceId',
    'declarationDocId',
    'invoiceDocId',
    'contractDocId',
    'direction',
    'payer',
    'payee',
    'amount',
    'currency',
    'bankMsp',
    'createdAt',
    'createdBy',
    'txId',
  ]);
  return {
    schemaVersion: SCHEMA_VERSION,
    remittanceId: docId(given.remittanceId, 'remittanceId'),
    declarationDocId: docId(given.declarationDocId, 'declarationDocId'),
    invoiceDocId: docId(given.invoiceDocId, 'invoiceDocId'),
    contractDocId: docId(given.contractDocId, 'contractDocId'),
    direction: oneOf(given.direction, DIRECTIONS, 'direction'),
    payer: uscc(given.payer, 'payer'),
    payee: uscc(given.payee, 'payee'),
    amount: amount(given.amount, 'amount'),
    currency: currency(given.currency, 'currency'),
    bankMsp: text(given.bankMsp, 'bankMsp'),
    createdAt: isoTime(given.createdAt, 'createdAt'),
    createdBy: checkActorRef(given.createdBy, 'createdBy'),
    txId: text(given.txId, 'txId'),
  };
}
