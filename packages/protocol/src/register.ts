import { actorRef, isEnterprise, type Actor } from './actor';
import * as contract from './contract';
import * as declaration from './declaration';
import { ErrorCode, fail, SwlError } from './errors';
import * as guarantee from './guarantee';
import * as invoice from './invoice';
import {
  DOC_TYPES,
  DocType,
  type DocRecord,
  type SignerRef,
  type StateFields,
  type Tx,
} from './record';
import { SCHEMA_VERSION } from './serialize';
import { docId, docIdList, fields, oneOf, sha256, uscc } from './validate';

/** Most links a record may carry. */
export const MAX_LINKS = 20;

/** Most entries one `registerBatch` may hold. */
export const MAX_BATCH = 500;

/**
 * Builds a new record from a registration request: `{type, docId, sha256,
 * owner, links?, facts}`. Only an enterprise user registers, and only for its
 * own entity; the caller becomes the issuer.
 *
 * @throws SwlError INVALID_ARGUMENT for a malformed request, FORBIDDEN for anyone else
 */
export function newRecord(input: unknown, actor: Actor, tx: Tx, signer?: SignerRef): DocRecord {
  const given = fields(input, 'document', ['type', 'docId', 'sha256', 'owner', 'facts'], ['links']);
  const type = oneOf(given.type, DOC_TYPES, 'type');
  const id = docId(given.docId);
  const owner = uscc(given.owner, 'owner');
  if (!isEnterprise(actor)) {
    fail(ErrorCode.FORBIDDEN, 'only an enterprise user may register documents');
  }
  if (actor.entity !== owner) {
    fail(
      ErrorCode.FORBIDDEN,
      `an enterprise user may register only for its own entity, not ${owner}`,
    );
  }
  const facts = familyFacts(type, given.facts, owner, tx);
  const record: DocRecord = {
    facts: {
      schemaVersion: SCHEMA_VERSION,
      type,
      docId: id,
      sha256: sha256(given.sha256),
      owner,
      issuerMsp: actor.msp,
      issuerId: actor.id,
      links: given.links === undefined ? [] : docIdList(given.links, 'links', MAX_LINKS),
      facts,
      createdAt: tx.time,
      txId: tx.id,
      ...(signer === undefined ? {} : { signer }),
    },
    state: {
      schemaVersion: SCHEMA_VERSION,
      type,
      docId: id,
      ...initialFields(type, facts),
      updatedAt: tx.time,
      updatedBy: actorRef(actor),
      txId: tx.id,
      ...(signer === undefined ? {} : { signedBy: signer.address }),
    },
  };
  return record;
}

/**
 * Builds every record of a batch, each validated as if alone, and rejects a
 * hash or a type+docId used twice within the batch (a transaction cannot
 * read its own writes, so the ledger alone would not catch it).
 *
 * @throws SwlError the first entry's error, its detail prefixed with `entry N:`
 */
export function newRecords(input: unknown, actor: Actor, tx: Tx, signer?: SignerRef): DocRecord[] {
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_BATCH) {
    fail(ErrorCode.INVALID_ARGUMENT, `a batch must be a JSON array of 1 to ${MAX_BATCH} documents`);
  }
  const hashes = new Map<string, number>();
  const ids = new Map<string, number>();
  return input.map((entry: unknown, index) => {
    const record = atEntry(index, () => newRecord(entry, actor, tx, signer));
    const { type, docId: id, sha256: hash } = record.facts;
    const sameHash = hashes.get(hash);
    if (sameHash !== undefined) {
      fail(ErrorCode.DUPLICATE_HASH, `entry ${index}: sha256 ${hash} is also entry ${sameHash}`);
    }
    const sameId = ids.get(`${type}\u0000${id}`);
    if (sameId !== undefined) {
      fail(ErrorCode.ALREADY_EXISTS, `entry ${index}: ${type} ${id} is also entry ${sameId}`);
    }
    hashes.set(hash, index);
    ids.set(`${type}\u0000${id}`, index);
    return record;
  });
}

/** Runs `build` for batch entry `index`, naming the entry in any coded error. */
export function atEntry<T>(index: number, build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw relabel(index, err);
  }
}

/** {@link atEntry} for asynchronous work (the per-entry ledger checks). */
export async function atEntryAsync<T>(index: number, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (err) {
    throw relabel(index, err);
  }
}

function relabel(index: number, err: unknown): unknown {
  return err instanceof SwlError ? new SwlError(err.code, `entry ${index}: ${err.detail}`) : err;
}

function familyFacts(type: DocType, input: unknown, owner: string, tx: Tx): Record<string, string> {
  switch (type) {
    case DocType.DECLARATION:
      return declaration.parseFacts(input);
    case DocType.INVOICE:
      return invoice.parseFacts(input, owner);
    case DocType.CONTRACT:
      return contract.parseFacts(input, owner);
    case DocType.GUARANTEE:
      return guarantee.checkApplication(guarantee.parseFacts(input), tx);
  }
}

function initialFields(type: DocType, facts: Readonly<Record<string, string>>): StateFields {
  switch (type) {
    case DocType.DECLARATION:
      return declaration.initialState();
    case DocType.INVOICE:
      return invoice.initialState();
    case DocType.CONTRACT:
      return contract.initialState();
    case DocType.GUARANTEE:
      return guarantee.initialState(facts);
  }
}
