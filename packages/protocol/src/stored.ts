import { checkActorRef } from './actor';
import { address } from './binding';
import * as contract from './contract';
import * as declaration from './declaration';
import { ErrorCode, SwlError } from './errors';
import * as guarantee from './guarantee';
import * as invoice from './invoice';
import { DOC_TYPES, DocType, type Facts, type SignerRef, type State } from './record';
import { SCHEMA_VERSION } from './serialize';
import { docId, docIdList, fields, isoTime, oneOf, sha256, text, uscc } from './validate';
import { MAX_LINKS } from './register';

/** Value of the `hash~sha256` and `owner~entity~type~docId` index keys: where the record lives. */
export interface IndexEntry {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly type: DocType;
  readonly docId: string;
}

/**
 * Runs a re-validation of stored data, reporting any failure as
 * SCHEMA_MISMATCH: bad stored data is never the caller's fault.
 *
 * @throws SwlError SCHEMA_MISMATCH
 */
export function asStored<T>(what: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof SwlError) {
      throw new SwlError(ErrorCode.SCHEMA_MISMATCH, `${what}: ${err.detail}`);
    }
    throw err;
  }
}

/** Re-validates a stored facts value, family facts included. */
export function checkFacts(value: Readonly<Record<string, unknown>>): Facts {
  return asStored('stored facts', () => {
    const given = fields(
      value,
      'facts',
      [
        'schemaVersion',
        'type',
        'docId',
        'sha256',
        'owner',
        'issuerMsp',
        'issuerId',
        'links',
        'facts',
        'createdAt',
        'txId',
      ],
      ['signer'],
    );
    const type = oneOf(given.type, DOC_TYPES, 'type');
    const owner = uscc(given.owner, 'owner');
    return {
      schemaVersion: SCHEMA_VERSION,
      type,
      docId: docId(given.docId),
      sha256: sha256(given.sha256),
      owner,
      issuerMsp: text(given.issuerMsp, 'issuerMsp'),
      issuerId: text(given.issuerId, 'issuerId', 4096),
      links: docIdList(given.links, 'links', MAX_LINKS),
      facts: familyFacts(type, given.facts, owner),
      createdAt: isoTime(given.createdAt, 'createdAt'),
      txId: text(given.txId, 'txId'),
      ...(given.signer === undefined ? {} : { signer: checkSignerRef(given.signer) }),
    };
  });
}

function checkSignerRef(value: unknown): SignerRef {
  const given = fields(value, 'signer', ['address', 'bankMsp']);
  return {
    address: address(given.address, 'signer.address'),
    bankMsp: text(given.bankMsp, 'signer.bankMsp'),
  };
}

/** Re-validates a stored state value, family fields included. */
export function checkState(value: Readonly<Record<string, unknown>>): State {
  return asStored('stored state', () => {
    const given = fields(
      value,
      'state',
      ['schemaVersion', 'type', 'docId', 'status', 'updatedAt', 'updatedBy', 'txId'],
      [
        'taxStatus',
        'dutyAmount',
        'financed',
        'openFinancings',
        'balance',
        'openDraws',
        'claimed',
        'supersededBy',
        'signedBy',
      ],
    );
    const state: State = {
      ...(given as unknown as State),
      schemaVersion: SCHEMA_VERSION,
      type: oneOf(given.type, DOC_TYPES, 'type'),
      docId: docId(given.docId),
      status: text(given.status, 'status'),
      updatedAt: isoTime(given.updatedAt, 'updatedAt'),
      updatedBy: checkActorRef(given.updatedBy, 'updatedBy'),
      txId: text(given.txId, 'txId'),
      ...(given.signedBy === undefined ? {} : { signedBy: address(given.signedBy, 'signedBy') }),
    };
    familyState(state);
    return state;
  });
}

/** Re-validates a stored index entry. */
export function checkIndexEntry(value: Readonly<Record<string, unknown>>): IndexEntry {
  return asStored('stored index entry', () => {
    const given = fields(value, 'index', ['schemaVersion', 'type', 'docId']);
    return {
      schemaVersion: SCHEMA_VERSION,
      type: oneOf(given.type, DOC_TYPES, 'type'),
      docId: docId(given.docId),
    };
  });
}

/** Re-validates a stored financing record. */
export function checkFinancing(value: Readonly<Record<string, unknown>>): invoice.Financing {
  return asStored('stored financing', () => invoice.checkFinancing(value));
}

/** Re-validates a stored draw record. */
export function checkDraw(value: Readonly<Record<string, unknown>>): guarantee.Draw {
  return asStored('stored draw', () => guarantee.checkDraw(value));
}

function familyFacts(type: DocType, input: unknown, owner: string): Record<string, string> {
  switch (type) {
    case DocType.DECLARATION:
      return declaration.parseFacts(input);
    case DocType.INVOICE:
      return invoice.parseFacts(input, owner);
    case DocType.CONTRACT:
      return contract.parseFacts(input, owner);
    case DocType.GUARANTEE:
      return guarantee.parseFacts(input);
  }
}

function familyState(state: State): void {
  switch (state.type) {
    case DocType.DECLARATION:
      return declaration.checkState(state);
    case DocType.INVOICE:
      return invoice.checkState(state);
    case DocType.CONTRACT:
      return contract.checkState(state);
    case DocType.GUARANTEE:
      return guarantee.checkState(state);
  }
}
