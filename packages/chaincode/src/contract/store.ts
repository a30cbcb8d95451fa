import { type Context } from 'fabric-contract-api';
import {
  ANCHOR_EVENT_NAME,
  anchorKeyParts,
  checkAnchorRecord,
  type AnchorRecord,
} from '@swledger/protocol/anchor';
import {
  ANCHOR_SIGNATURE_EVENT_NAME,
  anchorSignatureKeyParts,
  anchorSignatureOrgPrefix,
  anchorSignaturePrefix,
  checkAnchorSignatureEntry,
  maxBoardEntries,
  type AnchorSignatureEntry,
  type AnchorSignatureInput,
} from '@swledger/protocol/anchorsig';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { changeEvent, EVENT_NAME, type Change } from '@swledger/protocol/events';
import { type Draw } from '@swledger/protocol/guarantee';
import { type Financing } from '@swledger/protocol/invoice';
import { checkApproval, type ApprovalDecision } from '@swledger/protocol/approval';
import * as credit from '@swledger/protocol/credit';
import { CUSTOMS_MSP } from '@swledger/protocol/orgs';
import { checkRemittance, type Remittance } from '@swledger/protocol/remittance';
import { checkDeclarationFinancing, type DeclarationFinancing } from '@swledger/protocol/shipment';
import { checkTotals, emptyTotals, type Totals } from '@swledger/protocol/totals';
import {
  endorsementRule,
  sameRule,
  stateRule,
  writeOnceRule,
  type EndorsementRule,
} from '@swledger/protocol/policy';
import { bindingRule, checkBinding, type Binding } from '@swledger/protocol/binding';
import { DocType, factOf, type DocRecord, type Facts, type State } from '@swledger/protocol/record';
import {
  parseSigningConfig,
  SIGNING_CONFIG_KEY,
  type SigningConfig,
} from '@swledger/protocol/signing';
import { decode, encode, SCHEMA_VERSION } from '@swledger/protocol/serialize';
import {
  asStored,
  checkDraw,
  checkFacts,
  checkFinancing,
  checkIndexEntry,
  checkState,
  type IndexEntry,
} from '@swledger/protocol/stored';
import { timestampIso } from '@swledger/protocol/time';
import { historyEntry, type HistoryEntry } from '@swledger/protocol/view';
import { encodeRule } from './endorsement';

type Stub = Context['stub'];

/** The docIds an EXPORT declaration links, each indexed so that an invoice finds its shipments. */
function shipmentLinks(record: DocRecord): readonly string[] {
  return record.facts.type === DocType.DECLARATION && factOf(record, 'direction') === 'EXPORT'
    ? record.facts.links
    : [];
}

/** Object types of the composite keys; the key layout is part of the contract. */
export const KeyType = Object.freeze({
  /** `doc~type~docId`: facts, written once; every peer organisation must endorse a rewrite. */
  FACTS: 'doc',
  /** `state~type~docId`: mutable state, key-level policy of the accountable organisations. */
  STATE: 'state',
  /** `hash~sha256`: where the record holding a fingerprint lives; write-once like the facts. */
  HASH: 'hash',
  /** `owner~entity~type~docId`: an enterprise's records, for listing; write-once like the facts. */
  OWNER: 'owner',
  /** `financing~invoiceDocId~financingId`: one bank's financing, key-level policy of that bank. */
  FINANCING: 'financing',
  /** `draw~guaranteeDocId~drawId`: one draw, key-level policy of the bank and customs. */
  DRAW: 'draw',
  /** `anchor~chainId~contract~index`: a public anchor as recorded on the ledger; write-once like the facts. */
  ANCHOR: 'anchor',
  /** `anchorsig~chainId~contract~fromBlock~mspId~toBlock~root`: an organisation's posted anchor signature; write-once like the facts. */
  ANCHOR_SIGNATURE: 'anchorsig',
  /** `binding~address`: a key's binding to an enterprise, key-level policy with its bank. */
  BINDING: 'binding',
  /** `nonce~address~nonce`: a used signature nonce; write-once like the facts. */
  NONCE: 'nonce',
  /** `remit~declarationDocId~remittanceId`: one remittance, written once. */
  REMIT: 'remit',
  /** `totals~type~docId`: remitted and directly financed totals of a document, MAJORITY (any bank). */
  TOTALS: 'totals',
  /** `declfin~declarationDocId~financingId`: a financing drawn on an EXPORT declaration, its bank's rule. */
  DECLFIN: 'declfin',
  /** `shiplink~invoiceDocId~declarationDocId`: an EXPORT declaration links the invoice; written once. */
  SHIPLINK: 'shiplink',
  /** `creditmonth~owner~YYYY-MM`: what an enterprise's declarations did that month; majority with customs. */
  CREDIT_MONTH: 'creditmonth',
  /** `creditfin~owner~docId~financingId`: an open financing of an enterprise, its bank's rule; deleted when settled. */
  CREDIT_FINANCING: 'creditfin',
  /** `creditduty~owner~declarationDocId`: an unpaid assessed duty, majority with customs; deleted when paid or guaranteed. */
  CREDIT_DUTY: 'creditduty',
  /** `bankpolicy~bankMsp`: a bank's published limit and approval parameters; majority with that bank. */
  BANK_POLICY: 'bankpolicy',
  /** `creditdecision~owner~decisionId`: a limit decision, written once. */
  CREDIT_DECISION: 'creditdecision',
  /** `approval~guaranteeDocId`: the automated approver's decision on an application, written once. */
  APPROVAL: 'approval',
} as const);

/** One page of an owner listing. */
export interface OwnerPage {
  readonly entries: readonly IndexEntry[];
  /** Pass back to continue; empty when there is nothing more. */
  readonly bookmark: string;
}

/**
 * The only module that touches world state: keys, serialisation, key-level
 * endorsement policies and the transaction's event. Create one per
 * transaction; it keeps no state of its own.
 */
export class Store {
  /**
   * Month aggregates this transaction has changed, by key: a transaction
   * cannot read its own writes, and one move (a claim over several draws)
   * may change the same month twice. Lives as long as the transaction's Store.
   */
  private readonly pendingCredit = new Map<
    string,
    { readonly value: credit.MonthAggregate; readonly isNew: boolean }
  >();

  constructor(private readonly stub: Stub) {}

  /** Loads a record, or undefined when none is registered under type+docId. */
  async findRecord(type: DocType, docId: string): Promise<DocRecord | undefined> {
    const factsBytes = await this.stub.getState(this.key(KeyType.FACTS, type, docId));
    if (factsBytes.length === 0) {
      return undefined;
    }
    const stateBytes = await this.stub.getState(this.key(KeyType.STATE, type, docId));
    const facts = decode(factsBytes, `facts of ${type} ${docId}`, checkFacts);
    const state = decode(stateBytes, `state of ${type} ${docId}`, checkState);
    if (
      facts.type !== type ||
      facts.docId !== docId ||
      state.type !== type ||
      state.docId !== docId
    ) {
      fail(ErrorCode.SCHEMA_MISMATCH, `${type} ${docId} is stored under the wrong key`);
    }
    return { facts, state };
  }

  /**
   * Loads a record.
   *
   * @throws SwlError NOT_FOUND
   */
  async loadRecord(type: DocType, docId: string): Promise<DocRecord> {
    return (await this.findRecord(type, docId)) ?? fail(ErrorCode.NOT_FOUND, `no ${type} ${docId}`);
  }

  /** Where the record holding `sha256` lives, or undefined. One read. */
  async findHash(sha256: string): Promise<IndexEntry | undefined> {
    const bytes = await this.stub.getState(this.key(KeyType.HASH, sha256));
    return bytes.length === 0 ? undefined : decode(bytes, `hash index ${sha256}`, checkIndexEntry);
  }

  /**
   * Refuses a new record whose fingerprint or type+docId is taken: two reads.
   *
   * @throws SwlError DUPLICATE_HASH naming the holder, ALREADY_EXISTS
   */
  async requireNew(record: DocRecord): Promise<void> {
    const { type, docId, sha256 } = record.facts;
    const holder = await this.findHash(sha256);
    if (holder !== undefined) {
      fail(
        ErrorCode.DUPLICATE_HASH,
        `sha256 ${sha256} is already registered as ${holder.type} ${holder.docId}`,
      );
    }
    const existing = await this.stub.getState(this.key(KeyType.FACTS, type, docId));
    if (existing.length > 0) {
      fail(ErrorCode.ALREADY_EXISTS, `${type} ${docId} is already registered`);
    }
  }

  /**
   * Writes a new record: facts, state, hash and owner index, each with its
   * key-level policy from this transaction on (domain/policy). No reads: the
   * keys are new.
   */
  async create(record: DocRecord): Promise<void> {
    const { type, docId, sha256, owner } = record.facts;
    const entry: IndexEntry = { schemaVersion: SCHEMA_VERSION, type, docId };
    const writeOnce = encodeRule(writeOnceRule());
    await this.createKey(this.key(KeyType.FACTS, type, docId), encode(record.facts), writeOnce);
    await this.createKey(
      this.key(KeyType.STATE, type, docId),
      encode(record.state),
      encodeRule(stateRule(record)),
    );
    await this.createKey(this.key(KeyType.HASH, sha256), encode(entry), writeOnce);
    await this.createKey(this.key(KeyType.OWNER, owner, type, docId), encode(entry), writeOnce);
    for (const link of shipmentLinks(record)) {
      await this.createKey(this.key(KeyType.SHIPLINK, link, docId), encode(entry), writeOnce);
    }
  }

  /** The declarations whose shipment an invoice may count for: every EXPORT declaration linking its docId. */
  async shipmentsOf(invoiceDocId: string): Promise<DocRecord[]> {
    const found: DocRecord[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(KeyType.SHIPLINK, [
      invoiceDocId,
    ])) {
      const entry = decode(kv.value, `shipment link ${kv.key}`, checkIndexEntry);
      found.push(await this.loadRecord(entry.type, entry.docId));
    }
    return found;
  }

  /** The invoices a declaration links (links that are not invoices are skipped). */
  async linkedInvoices(declaration: DocRecord): Promise<DocRecord[]> {
    const found: DocRecord[] = [];
    for (const link of declaration.facts.links) {
      const invoice = await this.findRecord(DocType.INVOICE, link);
      if (invoice !== undefined) {
        found.push(invoice);
      }
    }
    return found;
  }

  /** A document's finance totals; empty ones when nothing has been drawn on it yet. */
  async loadTotals(type: DocType, docId: string): Promise<Totals> {
    const bytes = await this.stub.getState(this.key(KeyType.TOTALS, type, docId));
    return bytes.length === 0
      ? emptyTotals(type, docId)
      : decode(bytes, `totals of ${type} ${docId}`, checkTotals);
  }

  /** Writes a document's totals; `before` empty means the key is new and gets its MAJORITY rule. */
  async saveTotals(before: Totals, after: Totals): Promise<void> {
    const key = this.key(KeyType.TOTALS, after.type, after.docId);
    if (before.txId === '') {
      await this.createKey(key, encode(after), encodeRule(endorsementRule([])));
    } else {
      await this.stub.putState(key, encode(after));
    }
  }

  /** The month aggregate of `owner` (this transaction's own change first), empty when none. */
  async loadMonth(owner: string, month: string): Promise<credit.MonthAggregate> {
    const key = this.key(KeyType.CREDIT_MONTH, owner, month);
    const pending = this.pendingCredit.get(key);
    if (pending !== undefined) {
      return pending.value;
    }
    const bytes = await this.stub.getState(key);
    return bytes.length === 0
      ? credit.emptyMonth(owner, month)
      : decode(bytes, `credit month ${owner} ${month}`, credit.checkMonth);
  }

  /** The months of `owner` ending with the month of `time`, newest first: `count` reads. */
  async loadMonths(owner: string, time: string, count: number): Promise<credit.MonthAggregate[]> {
    const months: credit.MonthAggregate[] = [];
    for (const month of credit.monthsBack(time, count)) {
      months.push(await this.loadMonth(owner, month));
    }
    return months;
  }

  /** Applies `change` to a month aggregate and writes it (with its rule when new); undefined changes nothing. */
  async updateMonth(
    owner: string,
    month: string,
    change: (current: credit.MonthAggregate) => credit.MonthAggregate | undefined,
  ): Promise<void> {
    const key = this.key(KeyType.CREDIT_MONTH, owner, month);
    const current = await this.loadMonth(owner, month);
    const next = change(current);
    if (next !== undefined) {
      await this.writeCredit(key, current.txId === '', next);
    }
  }

  /** The exposure of `owner`: its open financings and unpaid duties, two ranges over its own keys. */
  async loadExposure(owner: string): Promise<credit.Exposure> {
    const financings: credit.OpenFinancingEntry[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(KeyType.CREDIT_FINANCING, [
      owner,
    ])) {
      financings.push(decode(kv.value, `open financing ${kv.key}`, credit.checkOpenFinancing));
    }
    const duties: credit.OpenDutyEntry[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(KeyType.CREDIT_DUTY, [owner])) {
      duties.push(decode(kv.value, `open duty ${kv.key}`, credit.checkOpenDuty));
    }
    return credit.exposureOf(owner, financings, duties);
  }

  /** Records a financing of `owner`'s document as open (its bank's rule), or removes it once settled. */
  async followFinancing(
    owner: string,
    financing: {
      readonly docId: string;
      readonly financingId: string;
      readonly bankMsp: string;
      readonly amount: string;
      readonly currency: string;
    },
    open: boolean,
  ): Promise<void> {
    const key = this.key(KeyType.CREDIT_FINANCING, owner, financing.docId, financing.financingId);
    if (!open) {
      await this.stub.deleteState(key);
      return;
    }
    const entry: credit.OpenFinancingEntry = {
      schemaVersion: SCHEMA_VERSION,
      owner,
      key: `${financing.docId}/${financing.financingId}`,
      bankMsp: financing.bankMsp,
      amount: financing.amount,
      currency: financing.currency,
    };
    await this.createKey(key, encode(entry), encodeRule(endorsementRule([financing.bankMsp])));
  }

  /** A bank's published policy, or undefined. */
  async findPolicy(bankMsp: string): Promise<credit.BankPolicy | undefined> {
    const bytes = await this.stub.getState(this.key(KeyType.BANK_POLICY, bankMsp));
    return bytes.length === 0
      ? undefined
      : decode(bytes, `policy of ${bankMsp}`, credit.checkPolicy);
  }

  /** Writes a bank's policy; on first publication with that bank's rule. */
  async savePolicy(policy: credit.BankPolicy, isNew: boolean): Promise<void> {
    const key = this.key(KeyType.BANK_POLICY, policy.bankMsp);
    if (isNew) {
      await this.createKey(key, encode(policy), encodeRule(endorsementRule([policy.bankMsp])));
    } else {
      await this.stub.putState(key, encode(policy));
    }
  }

  /** Writes a new limit decision, write-once. */
  async createDecision(decision: credit.LimitDecision): Promise<void> {
    const key = this.key(KeyType.CREDIT_DECISION, decision.owner, decision.decisionId);
    await this.createKey(key, encode(decision), encodeRule(writeOnceRule()));
  }

  /** A limit decision, or undefined. */
  async findDecision(owner: string, decisionId: string): Promise<credit.LimitDecision | undefined> {
    const bytes = await this.stub.getState(this.key(KeyType.CREDIT_DECISION, owner, decisionId));
    return bytes.length === 0
      ? undefined
      : decode(bytes, `decision ${decisionId}`, credit.checkDecision);
  }

  /** The approver's decision on an application, or undefined. */
  async findApproval(guaranteeDocId: string): Promise<ApprovalDecision | undefined> {
    const bytes = await this.stub.getState(this.key(KeyType.APPROVAL, guaranteeDocId));
    return bytes.length === 0
      ? undefined
      : decode(bytes, `approval of ${guaranteeDocId}`, checkApproval);
  }

  /** Writes the approver's decision, write-once. */
  async createApproval(decision: ApprovalDecision): Promise<void> {
    const key = this.key(KeyType.APPROVAL, decision.guaranteeDocId);
    await this.createKey(key, encode(decision), encodeRule(writeOnceRule()));
  }

  /** Loads one remittance, or undefined. */
  async findRemittance(
    declarationDocId: string,
    remittanceId: string,
  ): Promise<Remittance | undefined> {
    const bytes = await this.stub.getState(this.key(KeyType.REMIT, declarationDocId, remittanceId));
    return bytes.length === 0
      ? undefined
      : decode(bytes, `remittance ${remittanceId}`, checkRemittance);
  }

  /** Writes a new remittance, write-once. */
  async createRemittance(remittance: Remittance): Promise<void> {
    const key = this.key(KeyType.REMIT, remittance.declarationDocId, remittance.remittanceId);
    await this.createKey(key, encode(remittance), encodeRule(writeOnceRule()));
  }

  /** Every remittance against a declaration: a range over that declaration's keys only. */
  async listRemittances(declarationDocId: string): Promise<Remittance[]> {
    const found: Remittance[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(KeyType.REMIT, [
      declarationDocId,
    ])) {
      found.push(decode(kv.value, `remittance ${kv.key}`, checkRemittance));
    }
    return found;
  }

  /** Loads one direct financing of a declaration, or undefined. */
  async findDeclarationFinancing(
    declarationDocId: string,
    financingId: string,
  ): Promise<DeclarationFinancing | undefined> {
    const bytes = await this.stub.getState(
      this.key(KeyType.DECLFIN, declarationDocId, financingId),
    );
    return bytes.length === 0
      ? undefined
      : decode(bytes, `financing ${financingId}`, checkDeclarationFinancing);
  }

  /** Writes a declaration financing; on creation also its key-level policy (`rule`). */
  async saveDeclarationFinancing(
    financing: DeclarationFinancing,
    rule?: EndorsementRule,
  ): Promise<void> {
    const key = this.key(KeyType.DECLFIN, financing.declarationDocId, financing.financingId);
    if (rule === undefined) {
      await this.stub.putState(key, encode(financing));
    } else {
      await this.createKey(key, encode(financing), encodeRule(rule));
    }
  }

  /** Every direct financing of a declaration, by financingId. */
  async listDeclarationFinancings(declarationDocId: string): Promise<DeclarationFinancing[]> {
    const found: DeclarationFinancing[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(KeyType.DECLFIN, [
      declarationDocId,
    ])) {
      found.push(decode(kv.value, `financing ${kv.key}`, checkDeclarationFinancing));
    }
    return found;
  }

  /**
   * Writes a record's new state. The key's policy is rewritten only when the
   * accountable organisations change and the stored policy differs. A
   * declaration's or guarantee's move also updates its enterprise's credit
   * aggregates (month and exposure).
   */
  async saveState(before: DocRecord, after: State): Promise<void> {
    const key = this.key(KeyType.STATE, after.type, after.docId);
    await this.stub.putState(key, encode(after));
    await this.followCredit(before, after, this.tx());
    const ruleBefore = stateRule(before);
    const ruleAfter = stateRule({ facts: before.facts, state: after });
    if (!sameRule(ruleBefore, ruleAfter)) {
      await this.updatePolicy(key, ruleAfter);
    }
  }

  /** Loads one financing of an invoice, or undefined. */
  async findFinancing(invoiceDocId: string, financingId: string): Promise<Financing | undefined> {
    const bytes = await this.stub.getState(this.key(KeyType.FINANCING, invoiceDocId, financingId));
    return bytes.length === 0
      ? undefined
      : decode(bytes, `financing ${financingId}`, checkFinancing);
  }

  /** Writes a financing; on creation also its key-level policy (`rule`). */
  async saveFinancing(financing: Financing, rule?: EndorsementRule): Promise<void> {
    const key = this.key(KeyType.FINANCING, financing.invoiceDocId, financing.financingId);
    if (rule === undefined) {
      await this.stub.putState(key, encode(financing));
    } else {
      await this.createKey(key, encode(financing), encodeRule(rule));
    }
  }

  /** Every financing of an invoice, by financingId: a range over that invoice's keys only. */
  async listFinancings(invoiceDocId: string): Promise<Financing[]> {
    const found: Financing[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(KeyType.FINANCING, [
      invoiceDocId,
    ])) {
      found.push(decode(kv.value, `financing ${kv.key}`, checkFinancing));
    }
    return found;
  }

  /** Loads one draw on a guarantee, or undefined. */
  async findDraw(guaranteeDocId: string, drawId: string): Promise<Draw | undefined> {
    const bytes = await this.stub.getState(this.key(KeyType.DRAW, guaranteeDocId, drawId));
    return bytes.length === 0 ? undefined : decode(bytes, `draw ${drawId}`, checkDraw);
  }

  /** Writes a draw; on creation also its key-level policy (`rule`). */
  async saveDraw(drawn: Draw, rule?: EndorsementRule): Promise<void> {
    const key = this.key(KeyType.DRAW, drawn.guaranteeDocId, drawn.drawId);
    if (rule === undefined) {
      await this.stub.putState(key, encode(drawn));
    } else {
      await this.createKey(key, encode(drawn), encodeRule(rule));
    }
  }

  /** Every draw on a guarantee, by drawId: a range over that guarantee's keys only. */
  async listDraws(guaranteeDocId: string): Promise<Draw[]> {
    const found: Draw[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(KeyType.DRAW, [
      guaranteeDocId,
    ])) {
      found.push(decode(kv.value, `draw ${kv.key}`, checkDraw));
    }
    return found;
  }

  /** Every committed version of a record's state, in the order Fabric returns them (newest first). */
  async history(type: DocType, docId: string): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for await (const version of this.stub.getHistoryForKey(this.key(KeyType.STATE, type, docId))) {
      if (!version.isDelete) {
        const state = decode(
          version.value,
          `state of ${type} ${docId} at ${version.txId}`,
          checkState,
        );
        entries.push(historyEntry(state, version.txId, timestampIso(version.timestamp)));
      }
    }
    return entries;
  }

  /** One page of an enterprise's records, of one type or all, from the owner index. */
  async listByOwner(
    owner: string,
    type: DocType | undefined,
    pageSize: number,
    bookmark: string,
  ): Promise<OwnerPage> {
    const attributes = type === undefined ? [owner] : [owner, type];
    const query = this.stub.getStateByPartialCompositeKeyWithPagination(
      KeyType.OWNER,
      attributes,
      pageSize,
      bookmark,
    );
    const entries: IndexEntry[] = [];
    for await (const kv of query) {
      entries.push(decode(kv.value, `owner index ${kv.key}`, checkIndexEntry));
    }
    const { metadata } = await query;
    return { entries, bookmark: entries.length < pageSize ? '' : metadata.bookmark };
  }

  /** The four keys every record has: facts, state, hash index and owner index. */
  recordKeys(facts: Facts): string[] {
    const { type, docId, sha256, owner } = facts;
    return [
      this.key(KeyType.FACTS, type, docId),
      this.key(KeyType.STATE, type, docId),
      this.key(KeyType.HASH, sha256),
      this.key(KeyType.OWNER, owner, type, docId),
    ];
  }

  /** The keys of the financings or draws under one record: a range over that record's keys only. */
  async childKeys(
    kind: typeof KeyType.FINANCING | typeof KeyType.DRAW,
    docId: string,
  ): Promise<string[]> {
    const keys: string[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(kind, [docId])) {
      keys.push(kv.key);
    }
    return keys;
  }

  /** An anchor record of a contract, or undefined. One read. */
  async findAnchor(
    chainId: string,
    contract: string,
    index: number,
  ): Promise<AnchorRecord | undefined> {
    const key = this.key(KeyType.ANCHOR, ...anchorKeyParts(chainId, contract, index));
    const bytes = await this.stub.getState(key);
    return bytes.length === 0
      ? undefined
      : decode(bytes, `anchor ${index} of ${contract}`, checkAnchorRecord);
  }

  /** Writes a new anchor record, write-once (every peer organisation must endorse a rewrite). */
  async createAnchor(record: AnchorRecord): Promise<void> {
    const key = this.key(
      KeyType.ANCHOR,
      ...anchorKeyParts(record.chainId, record.contract, record.index),
    );
    await this.createKey(key, encode(record), encodeRule(writeOnceRule()));
  }

  /** Emits the transaction's one event for a recorded anchor. */
  emitAnchor(record: AnchorRecord): void {
    this.stub.setEvent(ANCHOR_EVENT_NAME, encode(record));
  }

  /** An organisation's posted anchor signature for a range and root, or undefined. One read. */
  async findAnchorSignature(
    input: AnchorSignatureInput,
  ): Promise<AnchorSignatureEntry | undefined> {
    const key = this.key(KeyType.ANCHOR_SIGNATURE, ...anchorSignatureKeyParts(input));
    const bytes = await this.stub.getState(key);
    return bytes.length === 0
      ? undefined
      : decode(bytes, `anchor signature ${key}`, checkAnchorSignatureEntry);
  }

  /**
   * The posted signatures for the ranges of a contract starting at
   * `fromBlock`, in key order (organisation, toBlock, root), of every
   * organisation or of `mspId`'s only: a range over that block's keys, at
   * most {@link maxBoardEntries} (the posting rule bounds them).
   */
  async anchorSignaturesFrom(
    chainId: string,
    contract: string,
    fromBlock: string,
    mspId?: string,
  ): Promise<AnchorSignatureEntry[]> {
    const found: AnchorSignatureEntry[] = [];
    const prefix =
      mspId === undefined
        ? anchorSignaturePrefix(chainId, contract, fromBlock)
        : anchorSignatureOrgPrefix(chainId, contract, fromBlock, mspId);
    for await (const kv of this.stub.getStateByPartialCompositeKey(
      KeyType.ANCHOR_SIGNATURE,
      prefix,
    )) {
      if (found.length >= maxBoardEntries()) break;
      found.push(decode(kv.value, `anchor signature ${kv.key}`, checkAnchorSignatureEntry));
    }
    return found;
  }

  /**
   * Writes a new board entry, write-once: every peer organisation (the
   * posting one among them) must endorse any later write or delete, so no
   * majority can rewrite or remove an organisation's posted signature.
   */
  async createAnchorSignature(entry: AnchorSignatureEntry): Promise<void> {
    const key = this.key(KeyType.ANCHOR_SIGNATURE, ...anchorSignatureKeyParts(entry));
    await this.createKey(key, encode(entry), encodeRule(writeOnceRule()));
  }

  /** Emits the transaction's one event for a posted anchor signature. */
  emitAnchorSignature(entry: AnchorSignatureEntry): void {
    this.stub.setEvent(ANCHOR_SIGNATURE_EVENT_NAME, encode(entry));
  }

  /** The binding of a key address (lowercase), or undefined. */
  async findBinding(address: string): Promise<Binding | undefined> {
    const bytes = await this.stub.getState(this.key(KeyType.BINDING, address));
    return bytes.length === 0
      ? undefined
      : decode(bytes, `binding of ${address}`, (value) =>
          asStored('stored binding', () => checkBinding(value)),
        );
  }

  /**
   * Loads a binding.
   *
   * @throws SwlError NOT_FOUND
   */
  async loadBinding(address: string): Promise<Binding> {
    return (
      (await this.findBinding(address)) ?? fail(ErrorCode.NOT_FOUND, `no binding of key ${address}`)
    );
  }

  /** Writes a new binding with its key-level policy (a majority with its bank). */
  async createBinding(binding: Binding): Promise<void> {
    await this.createKey(
      this.key(KeyType.BINDING, binding.address),
      encode(binding),
      encodeRule(bindingRule(binding)),
    );
  }

  /** Writes a binding's new version; its bank, and so its policy, never changes. */
  async saveBinding(binding: Binding): Promise<void> {
    await this.stub.putState(this.key(KeyType.BINDING, binding.address), encode(binding));
  }

  /**
   * Spends a signature nonce of `signer`: a write-once key, so no majority
   * can ever clear it for a second use.
   *
   * @throws SwlError REPLAYED when the nonce was used before
   */
  async spendNonce(signer: string, nonce: string, txId: string): Promise<void> {
    const key = this.key(KeyType.NONCE, signer, nonce);
    const used = await this.stub.getState(key);
    if (used.length > 0) {
      fail(ErrorCode.REPLAYED, `nonce ${nonce} of key ${signer} was used before`);
    }
    await this.createKey(
      key,
      encode({ schemaVersion: SCHEMA_VERSION, txId }),
      encodeRule(writeOnceRule()),
    );
  }

  /** The ledger's signing settings, or undefined when never configured. */
  async findSigningConfig(): Promise<SigningConfig | undefined> {
    const bytes = await this.stub.getState(SIGNING_CONFIG_KEY);
    return bytes.length === 0
      ? undefined
      : decode(bytes, 'signing settings', (value) =>
          asStored('stored signing settings', () => parseSigningConfig(value)),
        );
  }

  /** Writes the signing settings; on creation with a write-once policy (every organisation). */
  async saveSigningConfig(config: SigningConfig, created: boolean): Promise<void> {
    if (created) {
      await this.createKey(SIGNING_CONFIG_KEY, encode(config), encodeRule(writeOnceRule()));
    } else {
      await this.stub.putState(SIGNING_CONFIG_KEY, encode(config));
    }
  }

  /** Emits the transaction's one event listing every change it made. */
  emit(changes: readonly Change[]): void {
    this.stub.setEvent(EVENT_NAME, encode(changeEvent(changes, this.stub.getTxID())));
  }

  /** Keeps an enterprise's month aggregate and exposure in step with its declarations and guarantees. */
  private async followCredit(
    before: DocRecord,
    after: State,
    tx: { id: string; time: string },
  ): Promise<void> {
    const owner = before.facts.owner;
    const month = credit.monthOf(tx.time);
    if (before.facts.type === DocType.DECLARATION) {
      await this.updateMonth(owner, month, (m) =>
        credit.monthAfterDeclarationMove(m, before, after, tx),
      );
      const duty = credit.dutyMove(before, after);
      const key = this.key(KeyType.CREDIT_DUTY, owner, before.facts.docId);
      if (duty === 'open') {
        const entry: credit.OpenDutyEntry = {
          schemaVersion: SCHEMA_VERSION,
          owner,
          declarationDocId: before.facts.docId,
          amount: after.dutyAmount ?? '0.00',
          assessedAt: tx.time,
        };
        await this.createKey(key, encode(entry), encodeRule(endorsementRule([CUSTOMS_MSP])));
      } else if (duty === 'close') {
        await this.stub.deleteState(key);
      }
    } else if (before.facts.type === DocType.GUARANTEE) {
      await this.updateMonth(owner, month, (m) =>
        credit.monthAfterGuaranteeMove(m, before, after, tx),
      );
    }
  }

  private async writeCredit(
    key: string,
    isNew: boolean,
    value: credit.MonthAggregate,
  ): Promise<void> {
    const created = this.pendingCredit.get(key)?.isNew ?? isNew;
    if (created) {
      await this.createKey(key, encode(value), encodeRule(endorsementRule([CUSTOMS_MSP])));
    } else {
      await this.stub.putState(key, encode(value));
    }
    this.pendingCredit.set(key, { value, isNew: created });
  }

  private tx(): { id: string; time: string } {
    return { id: this.stub.getTxID(), time: timestampIso(this.stub.getTxTimestamp()) };
  }

  private key(type: string, ...attributes: string[]): string {
    return this.stub.createCompositeKey(type, attributes);
  }

  /** Writes a new key and its key-level policy in the same transaction. */
  private async createKey(key: string, value: Uint8Array, policy: Uint8Array): Promise<void> {
    await this.stub.putState(key, value);
    await this.stub.setStateValidationParameter(key, policy);
  }

  private async updatePolicy(key: string, rule: EndorsementRule): Promise<void> {
    const wanted = encodeRule(rule);
    const current = await this.stub.getStateValidationParameter(key);
    if (!Buffer.from(current).equals(Buffer.from(wanted))) {
      await this.stub.setStateValidationParameter(key, wanted);
    }
  }
}
