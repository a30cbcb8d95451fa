/**
 * Provenance from signatures (SPEC §2, §4): every version of a record was
 * made by a committed transaction whose signed creator was entitled to the
 * move, whose endorsements satisfy the rule for it, and whose writes are
 * exactly what the honest chaincode writes for the signed request. Nothing
 * here trusts what chaincode wrote about who acted.
 */
import './quiet';
import { type KeyHistories, type KeyVersion } from '@swledger/chaincode/contract/provenance';
import { decode } from '@swledger/protocol/serialize';
import {
  endorsementRule,
  financingRule,
  satisfiedBy,
  stateRule,
  writeOnceRule,
  type EndorsementRule,
} from '@swledger/protocol/policy';
import { checkOpenFinancing } from '@swledger/protocol/credit';
import { CUSTOMS_MSP } from '@swledger/protocol/orgs';
import { checkDeclarationFinancing } from '@swledger/protocol/shipment';
import { checkDraw, checkFacts, checkFinancing, checkState } from '@swledger/protocol/stored';
import { DocType, type DocRecord } from '@swledger/protocol/record';
import {
  certificateAttributes,
  commonName,
  decodeTransaction,
  hasOrganizationalUnit,
  issuedByOneOf,
  type KeyRead,
  type SignedTransaction,
} from './envelope';
import { compositeKey, replay, type PriorState } from './replay';
import { bindingRule, checkBinding } from '@swledger/protocol/binding';
import { SIGNING_CONFIG_KEY } from '@swledger/protocol/signing';

/** Every key binding's composite key starts so (chaincode store.ts KeyType.BINDING). */
const BINDING_PREFIX = compositeKey('binding', []);

/** Outcome of a provenance check. */
export type ProvenanceResult = 'VALID' | 'INVALID' | 'ERROR';

/** The check of one transaction against the rule for what it did. */
export interface TransactionCheck {
  readonly transactionId: string;
  readonly result: ProvenanceResult;
  /** Why, in words a person can act on. */
  readonly reason: string;
  /** `namespace:function` the creator signed. */
  readonly fn?: string;
  /** The signed creator: `MSP user (swl.role role)`. */
  readonly creator?: string;
  /** MSP IDs of the endorsements. */
  readonly endorsers: readonly string[];
  /** Keys the transaction wrote, readable (`state~CUSTOMS_DECLARATION~DEC-1`). */
  readonly keys: readonly string[];
}

/** The check of a record: every transaction that wrote one of its keys. */
export interface ProvenanceCheck {
  readonly result: ProvenanceResult;
  readonly reason: string;
  /** Oldest first. */
  readonly transactions: readonly TransactionCheck[];
}

/**
 * What the provenance check reads from the ledger: the own organisation's
 * peer answers (LedgerConnection implements it).
 */
export interface ProvenanceLedger {
  /** Name of the chaincode whose transactions are checked. */
  readonly chaincodeName: string;
  /** MSP ID of the checking organisation: every read goes to its own peer. */
  readonly mspId: string;
  /** Evaluates a read-only chaincode function on `peerMsp`'s peer only; returns its answer as text. */
  evaluate(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: { readonly peerMsp: string },
  ): Promise<string>;
  /** A committed transaction's validation code and signed envelope, or undefined when absent. */
  processedTransaction(
    transactionId: string,
  ): Promise<{ validationCode: string; envelope: Uint8Array } | undefined>;
  /** Every transaction of a block: validation code and signed envelope. */
  block(
    blockNumber: bigint,
  ): Promise<readonly { readonly validationCode: string; readonly envelope: Uint8Array }[]>;
  /** Height of the ledger (the number of the next block). */
  ledgerHeight(): Promise<bigint>;
  /** The channel's organisations and the CA certificates (PEM) of each one's MSP. */
  channelMembers(): Promise<ReadonlyMap<string, readonly string[]>>;
}

/** Composite-key separator. */
const SEP = '\u0000';

/** A composite key in readable form (`state~TYPE~ID`). */
export function readableKey(key: string): string {
  return key.startsWith(SEP) ? key.slice(1, -1).split(SEP).join('~') : key;
}

/** Checks records and transactions against the signed blocks. */
export class ProvenanceApi {
  private readonly transactions = new Map<string, Promise<Fetched>>();
  /** Binding transactions being checked for a signed write that relied on them (no cycle). */
  private readonly bindingChecksRunning = new Set<string>();
  /** Checks of binding transactions, decided once: a committed transaction's check does not change. */
  private readonly bindingChecks = new Map<string, TransactionCheck>();
  private members: Promise<ReadonlyMap<string, readonly string[]>> | undefined;

  constructor(private readonly connection: ProvenanceLedger) {}

  /**
   * Checks every transaction that wrote a key of the record (facts, state,
   * hash and owner index, financings, draws). Never throws for a ledger
   * answer: an unreachable ledger is ERROR, a forgery INVALID.
   */
  async checkRecord(type: string, docId: string): Promise<ProvenanceCheck> {
    let histories: Histories;
    try {
      histories = new Histories(this.connection, await this.recordHistories(type, docId));
    } catch (err) {
      return {
        result: 'ERROR',
        reason: `the record's history could not be read: ${message(err)}`,
        transactions: [],
      };
    }
    const txIds = histories.transactionIds();
    const checks: TransactionCheck[] = [];
    for (const txId of txIds) checks.push(await this.check(txId, histories));
    return summarise(checks, `${type} ${docId}`);
  }

  /**
   * Checks every transaction that wrote the binding of an enterprise key:
   * requested with the key's signature, confirmed by a clerk of its bank,
   * endorsed as its rule needs. Never throws for a ledger answer.
   */
  async checkBinding(address: string): Promise<ProvenanceCheck> {
    const key = compositeKey('binding', [address.toLowerCase()]);
    let histories: Histories;
    try {
      const answer = await this.connection.evaluate('provenance', 'keys', [JSON.stringify([key])], {
        peerMsp: this.connection.mspId,
      });
      histories = new Histories(this.connection, JSON.parse(answer) as KeyHistories);
    } catch (err) {
      return {
        result: 'ERROR',
        reason: `the binding's history could not be read: ${message(err)}`,
        transactions: [],
      };
    }
    const checks: TransactionCheck[] = [];
    for (const txId of histories.transactionIds()) checks.push(await this.check(txId, histories));
    return summarise(checks, `the binding of key ${address}`);
  }

  /**
   * Checks one committed transaction: signatures, creator's entitlement,
   * endorsements and that its writes are what the honest chaincode writes.
   */
  async checkTransaction(transactionId: string): Promise<TransactionCheck> {
    return this.check(transactionId, new Histories(this.connection, { keys: {} }));
  }

  /**
   * Checks a committed transaction given its envelope (as a block holds it);
   * undefined for what is not a transaction of this chaincode (channel
   * configuration, lifecycle, system chaincodes).
   */
  async checkEnvelope(
    envelope: Uint8Array,
    validationCode: string,
  ): Promise<TransactionCheck | undefined> {
    let tx: SignedTransaction;
    try {
      tx = decodeTransaction(envelope);
    } catch {
      return undefined;
    }
    const name = this.connection.chaincodeName;
    // A transaction of another chaincode that wrote ours (a chaincode-to-chaincode call) is checked too.
    if (tx.chaincode !== name && !tx.otherNamespaces.includes(name)) return undefined;
    this.remember(tx.transactionId, Promise.resolve({ kind: 'found', validationCode, tx }));
    return this.checkTransaction(tx.transactionId);
  }

  private remember(transactionId: string, fetched: Promise<Fetched>): void {
    // Bounded: a long-running watch must not keep every transaction it saw.
    if (this.transactions.size >= 10_000) this.transactions.clear();
    this.transactions.set(transactionId, fetched);
  }

  private async recordHistories(type: string, docId: string): Promise<KeyHistories> {
    const answer = await this.connection.evaluate('provenance', 'record', [type, docId], {
      peerMsp: this.connection.mspId,
    });
    return JSON.parse(answer) as KeyHistories;
  }

  private fetch(transactionId: string): Promise<Fetched> {
    let found = this.transactions.get(transactionId);
    if (found === undefined) {
      found = this.fetchOnce(transactionId);
      this.remember(transactionId, found);
      found.catch(() => this.transactions.delete(transactionId));
    }
    return found;
  }

  private async fetchOnce(transactionId: string): Promise<Fetched> {
    const processed = await this.connection.processedTransaction(transactionId);
    if (processed === undefined) return { kind: 'absent' };
    return {
      kind: 'found',
      validationCode: processed.validationCode,
      tx: decodeTransaction(processed.envelope),
    };
  }

  private async check(transactionId: string, histories: Histories): Promise<TransactionCheck> {
    let fetched: Fetched;
    try {
      fetched = await this.fetch(transactionId);
    } catch (err) {
      return errorCheck(
        transactionId,
        `the transaction could not be read from the ledger: ${message(err)}`,
      );
    }
    if (fetched.kind === 'absent') {
      return invalid(transactionId, 'the record claims a transaction the ledger does not have');
    }
    const { tx, validationCode } = fetched;
    const about = describe(tx);
    const fail = (reason: string): TransactionCheck => ({ ...about, result: 'INVALID', reason });
    if (validationCode !== 'VALID') {
      return fail(`the ledger marks it ${validationCode}, yet the record names it`);
    }
    if (!tx.creatorSignatureValid) return fail("the creator's signature does not verify");
    const badEndorser = tx.endorsers.find((e) => !e.signatureValid);
    if (badEndorser !== undefined) {
      return fail(`the endorsement of ${badEndorser.mspId} does not verify`);
    }
    let membership: string | undefined;
    try {
      membership = await this.membershipProblem(tx);
    } catch (err) {
      return {
        ...about,
        result: 'ERROR',
        reason: `the channel configuration could not be read: ${message(err)}`,
      };
    }
    if (membership !== undefined) return fail(membership);
    if (tx.otherNamespaces.length > 0) {
      return fail(`it also wrote the namespaces ${tx.otherNamespaces.join(', ')}`);
    }
    try {
      await histories.load([...tx.writes.map((w) => w.key), ...tx.reads.map((r) => r.key)]);
      const claimed = await this.claimedElsewhere(tx);
      if (claimed !== undefined) return fail(claimed);
      const prior = histories.priorTo(tx);
      const expected = await replay(tx, prior);
      if (expected.outcome === 'refused') {
        return fail(
          `the chaincode refuses this request from its signed creator: ${expected.reason}`,
        );
      }
      const unrecorded = unrecordedRead(tx, expected);
      if (unrecorded !== undefined) return fail(unrecorded);
      const difference = differenceOf(tx, expected);
      if (difference !== undefined) {
        return fail(
          `its endorsers wrote what the chaincode does not write for the signed request: ${difference}`,
        );
      }
      const unmet = await unmetRule(tx, prior);
      if (unmet !== undefined) return fail(unmet);
      const historyMismatch = histories.disagreesWith(tx);
      if (historyMismatch !== undefined) return fail(historyMismatch);
      const forgedBinding = await this.forgedBindingRead(tx, histories);
      if (forgedBinding !== undefined) return fail(forgedBinding);
    } catch (err) {
      return { ...about, result: 'ERROR', reason: `the check could not finish: ${message(err)}` };
    }
    return {
      ...about,
      result: 'VALID',
      reason: `${tx.fn} signed by ${about.creator}, endorsed by ${about.endorsers.join(', ')}`,
    };
  }

  /**
   * Why the creator or an endorser is not what it claims: its certificate
   * must be issued by the CA of the organisation it names, as the channel
   * configuration lists it, and an endorser must be a peer. (Fabric skips an
   * endorsement it cannot validate rather than failing the transaction, so
   * a made-up "CustomsMSP" endorsement could otherwise count here.)
   */
  private async membershipProblem(tx: SignedTransaction): Promise<string | undefined> {
    const problem = await this.membershipProblemWith(tx, await this.channelMembers(false));
    // The configuration may have changed since it was read (a new organisation, a new CA).
    return problem === undefined
      ? undefined
      : this.membershipProblemWith(tx, await this.channelMembers(true));
  }

  private membershipProblemWith(
    tx: SignedTransaction,
    members: ReadonlyMap<string, readonly string[]>,
  ): string | undefined {
    const cas = (mspId: string): readonly string[] => members.get(mspId) ?? [];
    if (!issuedByOneOf(tx.creator.certificate, cas(tx.creator.mspId))) {
      return `the creator's certificate was not issued by the CA of ${tx.creator.mspId} in the channel configuration`;
    }
    for (const endorser of tx.endorsers) {
      if (!issuedByOneOf(endorser.certificate, cas(endorser.mspId))) {
        return `an endorsement claims ${endorser.mspId}, but its certificate was not issued by that organisation's CA`;
      }
      if (!hasOrganizationalUnit(endorser.certificate, 'peer')) {
        return `an endorsement of ${endorser.mspId} was not made by a peer`;
      }
    }
    return undefined;
  }

  /** The channel's organisations and CAs, read once and again when `fresh` (a failed read is not kept). */
  private channelMembers(fresh: boolean): Promise<ReadonlyMap<string, readonly string[]>> {
    if (fresh || this.members === undefined) {
      const reading = this.connection.channelMembers();
      reading.catch(() => {
        if (this.members === reading) this.members = undefined;
      });
      this.members = reading;
    }
    return this.members;
  }

  /**
   * A binding `tx` relied on without writing it (the key behind an
   * enterprise signature) that a transaction the check does not accept
   * made: the replay took the binding as the ledger holds it, so a binding
   * a majority forged CONFIRMED would make any signature by its key look
   * honest. Checks every version of the binding up to the one `tx` read.
   */
  private async forgedBindingRead(
    tx: SignedTransaction,
    histories: Histories,
  ): Promise<string | undefined> {
    const written = new Set(tx.writes.map((w) => w.key));
    for (const read of tx.reads) {
      if (!read.key.startsWith(BINDING_PREFIX) || written.has(read.key)) continue;
      if (read.version === undefined) continue;
      for (const writer of await histories.writersUpTo(read.key, read.version)) {
        if (this.bindingChecksRunning.has(writer)) continue;
        let check = this.bindingChecks.get(writer);
        if (check === undefined) {
          this.bindingChecksRunning.add(writer);
          try {
            check = await this.check(writer, histories);
          } finally {
            this.bindingChecksRunning.delete(writer);
          }
          // Kept only when decided: an ERROR (an unreachable peer) is asked again next time.
          if (check.result !== 'ERROR') {
            if (this.bindingChecks.size >= 10_000) this.bindingChecks.clear();
            this.bindingChecks.set(writer, check);
          }
        }
        if (check.result === 'ERROR') {
          throw new Error(
            `the binding transaction ${writer} could not be checked: ${check.reason}`,
          );
        }
        if (check.result !== 'VALID') {
          return `its enterprise signature is by a key whose ${readableKey(read.key)} was written by transaction ${writer}, which is ${check.result}: ${check.reason}`;
        }
      }
    }
    return undefined;
  }

  /** A value written by `tx` that names another transaction as its maker. */
  private async claimedElsewhere(tx: SignedTransaction): Promise<string | undefined> {
    for (const write of tx.writes) {
      if (write.isDelete) continue;
      const claimed = txIdOf(write.value);
      if (claimed === undefined || claimed === tx.transactionId) continue;
      const other = await this.fetch(claimed).catch(() => undefined);
      if (other?.kind === 'absent') {
        return `${readableKey(write.key)} claims transaction ${claimed}, which the ledger does not have (the record claims a transaction the ledger does not have)`;
      }
    }
    return undefined;
  }
}

type Fetched =
  | { readonly kind: 'absent' }
  | { readonly kind: 'found'; readonly validationCode: string; readonly tx: SignedTransaction };

/** Key histories, loaded on demand through the provenance contract. */
class Histories {
  private readonly versions = new Map<string, readonly KeyVersion[]>();
  private readonly blocks = new Map<string, Promise<string[]>>();

  constructor(
    private readonly connection: ProvenanceLedger,
    initial: KeyHistories,
  ) {
    for (const [key, list] of Object.entries(initial.keys)) this.versions.set(key, list);
  }

  /** Every transaction that wrote one of the loaded keys, oldest first by transaction timestamp. */
  transactionIds(): string[] {
    const seen = new Map<string, string>();
    for (const list of this.versions.values()) {
      for (const version of list) seen.set(version.txId, version.timestamp);
    }
    return [...seen.entries()]
      .sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([txId]) => txId);
  }

  async load(keys: readonly string[]): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !this.versions.has(key));
    for (let i = 0; i < missing.length; i += 64) {
      const batch = missing.slice(i, i + 64);
      const answer = await this.connection.evaluate('provenance', 'keys', [JSON.stringify(batch)], {
        peerMsp: this.connection.mspId,
      });
      const found = JSON.parse(answer) as KeyHistories;
      for (const key of batch) this.versions.set(key, found.keys[key] ?? []);
    }
  }

  /** The ledger just before `tx`, as far as the histories tell it. */
  priorTo(tx: SignedTransaction): PriorState {
    const readVersions = new Map<string, KeyRead['version']>();
    for (const read of [...tx.reads, ...(tx.rangeReads ?? [])])
      readVersions.set(read.key, read.version);
    const get = async (key: string): Promise<Uint8Array | undefined> => {
      const read = readVersions.has(key) ? { version: readVersions.get(key) } : undefined;
      if (read !== undefined && read.version === undefined) return undefined;
      await this.load([key]);
      const list = this.versions.get(key) ?? [];
      const own = list.findIndex((v) => v.txId === tx.transactionId);
      let before: KeyVersion | undefined;
      if (own >= 0) before = list[own + 1];
      else if (read?.version !== undefined)
        before =
          list.length > 1
            ? await this.versionAt(list, read.version.block, read.version.tx)
            : list[0];
      // A read the transaction does not record (itself a forgery, found below): the
      // version of the time it claims, newest first, so the replay's refusal names the right state.
      else before = list.find((v) => v.timestamp <= tx.time);
      return before === undefined || before.isDelete
        ? undefined
        : Buffer.from(before.value, 'base64');
    };
    const rangeKeys = (tx.rangeReads ?? [])
      .filter((r) => r.version !== undefined)
      .map((r) => r.key);
    return {
      get,
      range: async (prefix) => {
        const found: { key: string; value: Uint8Array }[] = [];
        for (const key of [...new Set(rangeKeys)].filter((k) => k.startsWith(prefix)).sort()) {
          const value = await get(key);
          if (value !== undefined) found.push({ key, value });
        }
        return found;
      },
    };
  }

  /** Transactions that wrote `key`, from the version `version` names back to the first. */
  async writersUpTo(key: string, version: NonNullable<KeyRead['version']>): Promise<string[]> {
    await this.load([key]);
    const list = this.versions.get(key) ?? [];
    const read = list.length > 1 ? await this.versionAt(list, version.block, version.tx) : list[0];
    const at = read === undefined ? -1 : list.indexOf(read);
    return at < 0 ? list.map((v) => v.txId) : list.slice(at).map((v) => v.txId);
  }

  /** The version of a key that transaction `txNum` of block `block` wrote (read from that block). */
  private async versionAt(
    list: readonly KeyVersion[],
    block: bigint,
    txNum: bigint,
  ): Promise<KeyVersion | undefined> {
    const txIds = await this.blockTxIds(block);
    const writer = txIds[Number(txNum)];
    return list.find((v) => v.txId === writer);
  }

  private blockTxIds(block: bigint): Promise<string[]> {
    const key = block.toString();
    let found = this.blocks.get(key);
    if (found === undefined) {
      found = this.connection.block(block).then((txs) =>
        txs.map((t) => {
          try {
            return decodeTransaction(t.envelope).transactionId;
          } catch {
            return '';
          }
        }),
      );
      this.blocks.set(key, found);
    }
    return found;
  }

  /** A history version that differs from what the signed transaction wrote to that key. */
  disagreesWith(tx: SignedTransaction): string | undefined {
    for (const write of tx.writes) {
      const version = (this.versions.get(write.key) ?? []).find((v) => v.txId === tx.transactionId);
      if (version === undefined) continue;
      const same =
        version.isDelete === write.isDelete &&
        (write.isDelete || Buffer.from(version.value, 'base64').equals(Buffer.from(write.value)));
      if (!same)
        return `the peer's history of ${readableKey(write.key)} differs from the signed transaction`;
    }
    return undefined;
  }
}

/** The first way the transaction's writes differ from what the honest chaincode writes, or undefined. */
function differenceOf(
  tx: SignedTransaction,
  expected: {
    writes: ReadonlyMap<string, Uint8Array | null>;
    policies: ReadonlyMap<string, Uint8Array>;
    event?: { name: string; payload: Uint8Array };
  },
): string | undefined {
  const actual = new Map(tx.writes.map((w) => [w.key, w.isDelete ? null : w.value] as const));
  for (const [key, value] of actual) {
    if (!expected.writes.has(key)) {
      return `it ${value === null ? 'deleted' : 'wrote'} ${readableKey(key)}, which the request does not touch`;
    }
    const wanted = expected.writes.get(key) ?? null;
    if (value === null || wanted === null) {
      if (value !== wanted) return `it ${value === null ? 'deleted' : 'wrote'} ${readableKey(key)}`;
    } else if (!Buffer.from(value).equals(Buffer.from(wanted))) {
      return `${readableKey(key)} holds ${preview(value)} where the request gives ${preview(wanted)}`;
    }
  }
  for (const key of expected.writes.keys()) {
    if (!actual.has(key)) return `it did not write ${readableKey(key)}`;
  }
  for (const [key, policy] of expected.policies) {
    const set = tx.policies.get(key);
    if (set === undefined || !Buffer.from(set).equals(Buffer.from(policy))) {
      return `${readableKey(key)} was not given its key-level policy`;
    }
  }
  for (const key of tx.policies.keys()) {
    if (!expected.policies.has(key))
      return `it changed the key-level policy of ${readableKey(key)}`;
  }
  const event = tx.event;
  if (expected.event === undefined) {
    if (event !== undefined) return `it emitted an event the request does not cause`;
  } else if (
    event === undefined ||
    event.name !== expected.event.name ||
    !Buffer.from(event.payload).equals(Buffer.from(expected.event.payload))
  ) {
    return 'its event differs from the changes the request makes';
  }
  return undefined;
}

/**
 * A read of the honest chaincode that the transaction's read set leaves out.
 * Only recorded reads were checked by every peer at commit (MVCC); for any
 * other key the ledger the transaction ran on cannot be known (it could have
 * been answered from a key created later), so an honest peer's read set,
 * which records every read, has them all.
 */
function unrecordedRead(
  tx: SignedTransaction,
  expected: { reads: ReadonlySet<string>; ranges: readonly string[] },
): string | undefined {
  const recorded = new Set(tx.reads.map((r) => r.key));
  for (const key of expected.reads) {
    if (!recorded.has(key)) {
      return `it does not record its read of ${readableKey(key)}, so the ledger it ran on cannot be known`;
    }
  }
  for (const prefix of expected.ranges) {
    if (!tx.rangeStarts.includes(prefix)) {
      return `it does not record its range read of ${readableKey(prefix)}, so the ledger it ran on cannot be known`;
    }
  }
  return undefined;
}

/** A written key whose endorsement rule the endorsers do not satisfy, or undefined. */
async function unmetRule(tx: SignedTransaction, prior: PriorState): Promise<string | undefined> {
  const endorsers = tx.endorsers.map((e) => e.mspId);
  for (const write of tx.writes) {
    const rule = await ruleOf(write.key, prior);
    if (!satisfiedBy(rule, endorsers)) {
      return `${readableKey(write.key)} needs ${describeRule(rule)}; it was endorsed by ${endorsers.join(', ') || 'nobody'}`;
    }
  }
  return undefined;
}

/** The rule a write to `key` needs, from the ledger before the write (a new key: MAJORITY). */
async function ruleOf(key: string, prior: PriorState): Promise<EndorsementRule> {
  const majority = endorsementRule([]);
  const before = await prior.get(key);
  if (before !== undefined && key === SIGNING_CONFIG_KEY) return writeOnceRule();
  if (before === undefined || !key.startsWith(SEP)) return majority;
  const [family, ...parts] = key.slice(1, -1).split(SEP);
  switch (family) {
    case 'doc':
    case 'hash':
    case 'owner':
    case 'anchor':
    case 'anchorsig':
      return writeOnceRule();
    case 'state': {
      const record = await recordBefore(parts[0] ?? '', parts[1] ?? '', prior);
      return record === undefined ? majority : stateRule(record);
    }
    case 'financing':
      return financingRule(decode(before, key, checkFinancing).bankMsp);
    case 'remit':
    case 'shiplink':
      return writeOnceRule();
    case 'declfin':
      return financingRule(decode(before, key, checkDeclarationFinancing).bankMsp);
    case 'creditfin':
      return financingRule(decode(before, key, checkOpenFinancing).bankMsp);
    case 'creditduty':
    case 'creditmonth':
      return endorsementRule([CUSTOMS_MSP]);
    case 'bankpolicy':
      return financingRule(parts[0] ?? '');
    case 'creditdecision':
    case 'approval':
      return writeOnceRule();
    case 'draw': {
      decode(before, key, checkDraw);
      const guarantee = await recordBefore(DocType.GUARANTEE, parts[0] ?? '', prior);
      return guarantee === undefined ? majority : stateRule(guarantee);
    }
    case 'binding':
      return bindingRule(decode(before, key, checkBinding));
    case 'nonce':
      return writeOnceRule();
    default:
      return majority;
  }
}

async function recordBefore(
  type: string,
  docId: string,
  prior: PriorState,
): Promise<DocRecord | undefined> {
  const facts = await prior.get(compositeKey('doc', [type, docId]));
  const state = await prior.get(compositeKey('state', [type, docId]));
  if (facts === undefined || state === undefined) return undefined;
  return { facts: decode(facts, 'facts', checkFacts), state: decode(state, 'state', checkState) };
}

function describeRule(rule: EndorsementRule): string {
  if (rule.outOf === 0) return `every one of ${rule.required.join(', ')}`;
  const among = rule.required.length > 0 ? `${rule.required.join(' and ')} and ` : '';
  return `${among}${rule.outOf} of ${rule.others.join(', ')}`;
}

function describe(tx: SignedTransaction): Omit<TransactionCheck, 'result' | 'reason'> {
  return {
    transactionId: tx.transactionId,
    fn: tx.fn,
    creator: creatorOf(tx),
    endorsers: tx.endorsers.map((e) => e.mspId),
    keys: tx.writes.map((w) => readableKey(w.key)),
  };
}

/** `MSP user (swl.role role[, swl.entity uscc])` from the signed creator certificate. */
function creatorOf(tx: SignedTransaction): string {
  const attrs = certificateAttributes(tx.creator.certificate);
  const role = attrs['swl.role'] ?? 'no role';
  const entity = attrs['swl.entity'];
  return `${tx.creator.mspId} ${commonName(tx.creator.certificate)} (${role}${entity === undefined ? '' : `, ${entity}`})`;
}

function txIdOf(value: Uint8Array): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value).toString('utf8')) as { txId?: unknown };
    return typeof parsed.txId === 'string' ? parsed.txId : undefined;
  } catch {
    return undefined;
  }
}

function preview(value: Uint8Array): string {
  const text = Buffer.from(value).toString('utf8');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function summarise(checks: readonly TransactionCheck[], name: string): ProvenanceCheck {
  const bad = checks.find((c) => c.result === 'INVALID');
  if (bad !== undefined) {
    return {
      result: 'INVALID',
      reason: `${name} was changed by transaction ${bad.transactionId}${bad.creator === undefined ? '' : ` (${bad.fn} signed by ${bad.creator})`}: ${bad.reason}. Treat the record as forged and report it to the network's operators.`,
      transactions: checks,
    };
  }
  const error = checks.find((c) => c.result === 'ERROR');
  if (error !== undefined) {
    return {
      result: 'ERROR',
      reason: `transaction ${error.transactionId}: ${error.reason}; try again`,
      transactions: checks,
    };
  }
  if (checks.length === 0) {
    return { result: 'ERROR', reason: `no transaction of ${name} was found`, transactions: checks };
  }
  const moves = checks.map((c) => `${c.fn} by ${c.creator}`).join('; ');
  return {
    result: 'VALID',
    reason: `every version of ${name} was made by a signed, entitled and properly endorsed transaction (${checks.length}: ${moves})`,
    transactions: checks,
  };
}

function invalid(transactionId: string, reason: string): TransactionCheck {
  return { transactionId, result: 'INVALID', reason, endorsers: [], keys: [] };
}

function errorCheck(transactionId: string, reason: string): TransactionCheck {
  return { transactionId, result: 'ERROR', reason, endorsers: [], keys: [] };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
