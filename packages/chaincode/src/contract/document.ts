import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import {
  canReadFull,
  hasKnownRole,
  isEnterprise,
  Role,
  type Actor,
} from '@swledger/protocol/actor';
import * as contract from '@swledger/protocol/contract';
import * as declaration from '@swledger/protocol/declaration';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { changeOf } from '@swledger/protocol/events';
import * as invoice from '@swledger/protocol/invoice';
import { DOC_TYPES, DocType, type DocRecord, type State, type Tx } from '@swledger/protocol/record';
import { atEntryAsync, newRecord, newRecords } from '@swledger/protocol/register';
import * as valid from '@swledger/protocol/validate';
import { shipmentSummary } from '@swledger/protocol/shipment';
import {
  fullView,
  publicView,
  statusAt,
  type FullView,
  type FullViewExtras,
} from '@swledger/protocol/view';
import { respond, SwlContract, txOf } from './base';
import { actorOf } from './identity';
import { requireEnterpriseSignature, requireNoAuth } from './signature';
import { Store } from './store';

/** Largest page `listByOwner` returns; larger requests are capped. */
export const MAX_PAGE_SIZE = 100;

/**
 * Registration, status moves and reads of every document family. Invoice
 * financing and guarantee mechanics have their own contracts.
 */
@Info({ title: 'document', description: 'Register, move and verify trade documents' })
export class DocumentContract extends SwlContract {
  constructor() {
    super('document');
  }

  /**
   * Registers one document for the caller's own entity; returns its full
   * view. `authJson` is the enterprise's EIP-712 signature (signature.ts).
   */
  @Transaction()
  @Returns('string')
  public async register(ctx: Context, documentJson: string, authJson: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const actor = actorOf(ctx);
    const input = valid.parseJson(documentJson, 'document');
    const unsigned = newRecord(input, actor, tx);
    const signer = await requireEnterpriseSignature(ctx, store, tx, {
      fn: 'document:register',
      args: [documentJson],
      owner: unsigned.facts.owner,
      auth: authJson,
    });
    const record = signer === undefined ? unsigned : newRecord(input, actor, tx, signer);

    await store.requireNew(record);
    await store.create(record);
    store.emit([changeOf(record.facts, undefined, record.state, 'register')]);
    return respond(fullView(record, tx.time));
  }

  /** Registers up to 500 documents, all or nothing, in one transaction and one event; one signature covers the batch. */
  @Transaction()
  @Returns('string')
  public async registerBatch(
    ctx: Context,
    documentsJson: string,
    authJson: string,
  ): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const actor = actorOf(ctx);
    const input = valid.parseJson(documentsJson, 'documents');
    const unsigned = newRecords(input, actor, tx);
    const signer = await requireEnterpriseSignature(ctx, store, tx, {
      fn: 'document:registerBatch',
      args: [documentsJson],
      owner: unsigned[0]?.facts.owner ?? '',
      auth: authJson,
    });
    const records = signer === undefined ? unsigned : newRecords(input, actor, tx, signer);

    for (const [index, record] of records.entries()) {
      await atEntryAsync(index, () => store.requireNew(record));
    }
    for (const record of records) {
      await store.create(record);
    }
    store.emit(
      records.map((record) => changeOf(record.facts, undefined, record.state, 'register')),
    );
    return respond({
      count: records.length,
      records: records.map(({ facts, state }) => ({
        docId: facts.docId,
        sha256: facts.sha256,
        status: state.status,
        type: facts.type,
      })),
      txId: tx.id,
    });
  }

  /**
   * Moves a declaration, contract or invoice; `argsJson` is `{}` or empty
   * unless the action takes arguments. An enterprise's move carries its
   * EIP-712 signature in `authJson`; anyone else's leaves it empty.
   */
  @Transaction()
  @Returns('string')
  public async transition(
    ctx: Context,
    type: string,
    docId: string,
    action: string,
    argsJson: string,
    authJson: string,
  ): Promise<string> {
    const tx = txOf(ctx);
    const actor = actorOf(ctx);
    const store = new Store(ctx.stub);
    const docType = valid.oneOf(type, DOC_TYPES, 'type');
    const args = argsJson === '' ? {} : valid.parseJson(argsJson, 'args');
    const record = await store.loadRecord(docType, valid.docId(docId));

    const moved = await nextState(store, record, valid.text(action, 'action'), args, actor, tx);
    const signer = isEnterprise(actor)
      ? await requireEnterpriseSignature(ctx, store, tx, {
          fn: 'document:transition',
          args: [type, docId, action, argsJson],
          owner: record.facts.owner,
          auth: authJson,
        })
      : requireNoAuth(authJson);
    const next = signer === undefined ? moved : { ...moved, signedBy: signer.address };
    await store.saveState(record, next);
    store.emit([changeOf(record.facts, record.state, next, action)]);
    return respond(fullView({ facts: record.facts, state: next }, tx.time));
  }

  /** A record by type and docId: its full view for parties, customs and banks; public for verifiers. */
  @Transaction(false)
  @Returns('string')
  public async get(ctx: Context, type: string, docId: string): Promise<string> {
    const tx = txOf(ctx);
    const actor = actorOf(ctx);
    const store = new Store(ctx.stub);
    const record = await store.loadRecord(valid.oneOf(type, DOC_TYPES, 'type'), valid.docId(docId));

    if (canReadFull(actor, record.facts.owner)) {
      return respond(await fullViewWithLinks(store, record, tx.time));
    }
    requireVerifier(actor, record);
    return respond(publicView(record, tx.time));
  }

  /**
   * The verification read: the public view of the record holding `sha256`
   * for anyone; for parties, customs and banks also facts, state and history.
   */
  @Transaction(false)
  @Returns('string')
  public async getByHash(ctx: Context, hash: string): Promise<string> {
    const tx = txOf(ctx);
    const actor = actorOf(ctx);
    const store = new Store(ctx.stub);
    const holder = await store.findHash(valid.sha256(hash));
    if (holder === undefined) {
      return fail(ErrorCode.NOT_FOUND, `no document has sha256 ${hash}`);
    }
    const record = await store.loadRecord(holder.type, holder.docId);

    if (!canReadFull(actor, record.facts.owner)) {
      return respond(publicView(record, tx.time));
    }
    const history = await store.history(record.facts.type, record.facts.docId);
    return respond({ ...(await fullViewWithLinks(store, record, tx.time)), history });
  }

  /** Every version of a record's state (newest first), for parties, customs and banks. */
  @Transaction(false)
  @Returns('string')
  public async history(ctx: Context, type: string, docId: string): Promise<string> {
    const actor = actorOf(ctx);
    const store = new Store(ctx.stub);
    const record = await store.loadRecord(valid.oneOf(type, DOC_TYPES, 'type'), valid.docId(docId));

    if (!canReadFull(actor, record.facts.owner)) {
      fail(
        ErrorCode.FORBIDDEN,
        `the caller may not read the history of ${record.facts.type} ${record.facts.docId}`,
      );
    }
    return respond(await store.history(record.facts.type, record.facts.docId));
  }

  /**
   * One page of an enterprise's records from the owner index, optionally of
   * one type ('' for all) and one status ('' for any; EXPIRED applied).
   * A page may hold fewer matches than `pageSize` when a status is given:
   * continue while the returned bookmark is not empty.
   */
  @Transaction(false)
  @Returns('string')
  public async listByOwner(
    ctx: Context,
    owner: string,
    type: string,
    status: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const tx = txOf(ctx);
    const actor = actorOf(ctx);
    const store = new Store(ctx.stub);
    const entity = valid.uscc(owner, 'owner');
    const docType = type === '' ? undefined : valid.oneOf(type, DOC_TYPES, 'type');
    const size = Math.min(
      valid.integer(pageSize === '' ? String(MAX_PAGE_SIZE) : pageSize, 'pageSize', 1, 1_000_000),
      MAX_PAGE_SIZE,
    );
    const wanted = valid.text(status, 'status', 32);
    if (!canReadFull(actor, entity)) {
      fail(ErrorCode.FORBIDDEN, `the caller may not list the records of ${entity}`);
    }

    const page = await store.listByOwner(
      entity,
      docType,
      size,
      valid.text(bookmark, 'bookmark', 1024),
    );
    const records: FullView[] = [];
    for (const entry of page.entries) {
      const record = await store.loadRecord(entry.type, entry.docId);
      if (wanted === '' || statusAt(record, tx.time) === wanted) {
        records.push(fullView(record, tx.time));
      }
    }
    return respond({ bookmark: page.bookmark, fetched: page.entries.length, records });
  }
}

async function nextState(
  store: Store,
  record: DocRecord,
  action: string,
  args: unknown,
  actor: Actor,
  tx: Tx,
): Promise<State> {
  switch (record.facts.type) {
    case DocType.DECLARATION:
      return declaration.transition(record, declaration.parseCommand(action, args), actor, tx);
    case DocType.INVOICE:
      return invoice.transition(record, invoice.parseCommand(action, args), actor, tx);
    case DocType.CONTRACT: {
      const command = contract.parseCommand(action, args);
      const successor =
        command.action === 'supersede'
          ? await store.findRecord(DocType.CONTRACT, command.byDocId)
          : undefined;
      return contract.transition(record, command, actor, tx, successor);
    }
    case DocType.GUARANTEE:
      return fail(ErrorCode.INVALID_ARGUMENT, 'guarantees move through the guarantee contract');
  }
}

async function fullViewWithLinks(store: Store, record: DocRecord, time: string): Promise<FullView> {
  switch (record.facts.type) {
    case DocType.INVOICE:
      return fullView(record, time, {
        financings: await store.listFinancings(record.facts.docId),
        remitted: (await store.loadTotals(DocType.INVOICE, record.facts.docId)).remitted,
      });
    case DocType.DECLARATION:
      return fullView(record, time, await shipmentExtras(store, record));
    case DocType.GUARANTEE: {
      const approval = await store.findApproval(record.facts.docId);
      return fullView(record, time, {
        draws: await store.listDraws(record.facts.docId),
        ...(approval === undefined ? {} : { approval }),
      });
    }
    default:
      return fullView(record, time);
  }
}

async function shipmentExtras(store: Store, record: DocRecord): Promise<FullViewExtras> {
  const totals = await store.loadTotals(DocType.DECLARATION, record.facts.docId);
  return {
    shipment: shipmentSummary(record, totals, await store.linkedInvoices(record)),
    remittances: await store.listRemittances(record.facts.docId),
    shipmentFinancings: await store.listDeclarationFinancings(record.facts.docId),
  };
}

function requireVerifier(actor: Actor, record: DocRecord): void {
  const name = `${record.facts.type} ${record.facts.docId}`;
  if (isEnterprise(actor)) {
    fail(ErrorCode.FORBIDDEN, `${name} belongs to another enterprise`);
  }
  if (!hasKnownRole(actor) || actor.role !== Role.VERIFIER) {
    fail(ErrorCode.FORBIDDEN, `the caller may not read ${name}`);
  }
}
