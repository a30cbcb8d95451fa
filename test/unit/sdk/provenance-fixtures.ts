/**
 * Test ledger for the provenance check: real signed envelopes (certificates
 * made with openssl, EC P-256 keys from node:crypto), an in-memory ledger
 * that answers like the own organisation's peer (key histories newest
 * first, transactions by id, blocks by number), and honest write sets made
 * by running the chaincode's own contracts over an in-memory stub.
 */
import { execFileSync } from 'node:child_process';
import {
  createHash,
  createSign,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Context } from 'fabric-contract-api';
import { common, kvrwset, msp, protos, rwset } from 'fabric-protos';
import { type KeyHistories, type KeyVersion } from '@swledger/chaincode/contract/provenance';
import { contracts } from '@swledger/chaincode';
import { type Actor } from '@swledger/protocol/actor';
import { decodeTransaction } from '@swledger/sdk/envelope';
import { type ProvenanceLedger } from '@swledger/sdk/provenance';
import { SIGNED_WRITES, SIGNING_CONFIG_KEY, type SigningMode } from '@swledger/protocol/signing';
import { MemoryStub, signingSettings } from '../chaincode/contract/memory-stub';

/** Name of the chaincode (and its namespace) on the test ledger. */
export const CHAINCODE = 'swledger';

/** The channel every fixture envelope names. */
export const FIXTURE_CHANNEL = 'swl';

/** The transaction id the network's creation (the signing settings) is attributed to. */
export const GENESIS_TX = 'genesis';

/** A signing identity: MSP, certificate and private key. */
export interface Identity {
  readonly mspId: string;
  readonly certificate: string;
  readonly key: KeyObject;
  /** The actor the chaincode sees for this certificate. */
  readonly actor: Actor;
}

/**
 * Every trusted identity's (self-signed) certificate by MSP ID: what the
 * fake channel configuration lists as each organisation's CAs.
 */
const CHANNEL_CAS = new Map<string, string[]>();

/**
 * Makes a self-signed certificate for `cn` carrying the Fabric CA attribute
 * extension (1.2.3.4.5.6.7.8.1) with `attrs`, as fabric-shim reads it. A
 * name starting with `peer` gets the NodeOU `peer`. Unless `trusted` is
 * false, the certificate is one of its MSP's CAs in the channel
 * configuration (so it chains to itself); an untrusted one is made up.
 */
export function makeIdentity(
  mspId: string,
  cn: string,
  attrs: Readonly<Record<string, string>> = {},
  trusted = true,
): Identity {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const dir = mkdtempSync(join(tmpdir(), 'swl-prov-'));
  try {
    const keyPath = join(dir, 'key.pem');
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const ext = Buffer.from(JSON.stringify({ attrs })).toString('hex');
    const subject = cn.startsWith('peer') ? `/OU=peer/CN=${cn}` : `/CN=${cn}`;
    const certificate = execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-new',
        '-key',
        keyPath,
        '-subj',
        subject,
        '-days',
        '2',
        '-addext',
        `1.2.3.4.5.6.7.8.1=DER:${ext}`,
      ],
      { encoding: 'utf8' },
    );
    if (trusted) CHANNEL_CAS.set(mspId, [...(CHANNEL_CAS.get(mspId) ?? []), certificate]);
    const role = attrs['swl.role'] ?? '';
    const entity = attrs['swl.entity'];
    return {
      mspId,
      certificate,
      key: privateKey,
      actor: {
        msp: mspId,
        role,
        ...(entity === undefined ? {} : { entity }),
        id: `x509::${subject}::${subject}`,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One write of a transaction spec; no value means a delete. */
export interface SpecWrite {
  readonly key: string;
  readonly value?: Uint8Array;
}

/** One read: `version` absent when the key did not exist. */
export interface SpecRead {
  readonly key: string;
  readonly version?: { readonly block: number; readonly tx: number };
}

/** A range query of a transaction: raw reads, or a Merkle summary when `reads` is absent. */
export interface SpecRange {
  readonly startKey: string;
  readonly endKey: string;
  readonly reads?: readonly SpecRead[];
}

/** Everything a transaction envelope says, before it is signed. */
export interface TxSpec {
  readonly txId: string;
  readonly millis: number;
  readonly creator: Identity;
  readonly chaincode: string;
  readonly fn: string;
  readonly args: readonly string[];
  readonly writes: readonly SpecWrite[];
  readonly reads: readonly SpecRead[];
  readonly ranges: readonly SpecRange[];
  readonly policies: ReadonlyMap<string, Uint8Array>;
  readonly event?: { readonly name: string; readonly payload: Uint8Array };
  readonly endorsers: readonly Identity[];
  /** Further namespaces the transaction writes (a chaincode-to-chaincode call). */
  readonly otherNamespaces?: readonly {
    readonly namespace: string;
    readonly writes: readonly SpecWrite[];
  }[];
  /** Sign the payload with this key instead of the creator's. */
  readonly creatorSigner?: KeyObject;
  /** Index of an endorsement whose signature is made over other bytes. */
  readonly badEndorsement?: number;
}

function sign(key: KeyObject, data: Uint8Array): Buffer {
  return createSign('SHA256').update(data).sign(key);
}

function serialized(identity: Identity): Uint8Array {
  return msp.SerializedIdentity.encode({
    mspid: identity.mspId,
    id_bytes: Buffer.from(identity.certificate),
  }).finish();
}

function kvOf(
  writes: readonly SpecWrite[],
  reads: readonly SpecRead[] = [],
  ranges: readonly SpecRange[] = [],
  policies: ReadonlyMap<string, Uint8Array> = new Map(),
): Uint8Array {
  const readOf = (r: SpecRead): kvrwset.IKVRead => ({
    key: r.key,
    version: r.version === undefined ? null : { block_num: r.version.block, tx_num: r.version.tx },
  });
  return kvrwset.KVRWSet.encode({
    reads: reads.map(readOf),
    range_queries_info: ranges.map((range) => ({
      start_key: range.startKey,
      end_key: range.endKey,
      itr_exhausted: true,
      ...(range.reads === undefined
        ? {
            reads_merkle_hashes: {
              max_degree: 50,
              max_level: 1,
              max_level_hashes: [randomBytes(32)],
            },
          }
        : { raw_reads: { kv_reads: range.reads.map(readOf) } }),
    })),
    writes: writes.map((w) => ({
      key: w.key,
      is_delete: w.value === undefined,
      value: w.value ?? new Uint8Array(),
    })),
    metadata_writes: [...policies].map(([key, value]) => ({
      key,
      entries: [{ name: 'VALIDATION_PARAMETER', value }],
    })),
  }).finish();
}

/** Encodes and signs an endorser transaction envelope. */
export function buildEnvelope(spec: TxSpec): Uint8Array {
  const results = rwset.TxReadWriteSet.encode({
    data_model: rwset.TxReadWriteSet.DataModel.KV,
    ns_rwset: [
      {
        namespace: spec.chaincode,
        rwset: kvOf(spec.writes, spec.reads, spec.ranges, spec.policies),
      },
      ...(spec.otherNamespaces ?? []).map((ns) => ({
        namespace: ns.namespace,
        rwset: kvOf(ns.writes),
      })),
    ],
  }).finish();
  const events =
    spec.event === undefined
      ? new Uint8Array()
      : protos.ChaincodeEvent.encode({
          chaincode_id: spec.chaincode,
          tx_id: spec.txId,
          event_name: spec.event.name,
          payload: spec.event.payload,
        }).finish();
  const response = protos.ProposalResponsePayload.encode({
    proposal_hash: createHash('sha256').update(spec.txId).digest(),
    extension: protos.ChaincodeAction.encode({
      results,
      events,
      response: { status: 200 },
      chaincode_id: { name: spec.chaincode },
    }).finish(),
  }).finish();
  const endorsements = spec.endorsers.map((endorser, index) => {
    const bytes = serialized(endorser);
    const signed = Buffer.concat([index === spec.badEndorsement ? results : response, bytes]);
    return { endorser: bytes, signature: sign(endorser.key, signed) };
  });
  const input = protos.ChaincodeInvocationSpec.encode({
    chaincode_spec: {
      type: protos.ChaincodeSpec.Type.NODE,
      chaincode_id: { name: spec.chaincode },
      input: { args: [spec.fn, ...spec.args].map((a) => Buffer.from(a)) },
    },
  }).finish();
  const signatureHeader = common.SignatureHeader.encode({
    creator: serialized(spec.creator),
    nonce: randomBytes(24),
  }).finish();
  const transaction = protos.Transaction.encode({
    actions: [
      {
        header: signatureHeader,
        payload: protos.ChaincodeActionPayload.encode({
          chaincode_proposal_payload: protos.ChaincodeProposalPayload.encode({ input }).finish(),
          action: { proposal_response_payload: response, endorsements },
        }).finish(),
      },
    ],
  }).finish();
  const payload = common.Payload.encode({
    header: {
      channel_header: common.ChannelHeader.encode({
        type: common.HeaderType.ENDORSER_TRANSACTION,
        channel_id: FIXTURE_CHANNEL,
        tx_id: spec.txId,
        timestamp: { seconds: Math.floor(spec.millis / 1000), nanos: (spec.millis % 1000) * 1e6 },
      }).finish(),
      signature_header: signatureHeader,
    },
    data: transaction,
  }).finish();
  return common.Envelope.encode({
    payload,
    signature: sign(spec.creatorSigner ?? spec.creator.key, payload),
  }).finish();
}

/** A ledger call a test can make fail. */
export type LedgerCall = 'evaluate' | 'processedTransaction' | 'block' | 'ledgerHeight';

interface Committed {
  readonly validationCode: string;
  readonly envelope: Uint8Array;
}

const SEP = '\u0000';

/**
 * The own organisation's peer, in memory: one transaction per block, key
 * histories newest first as `provenance:record`/`provenance:keys` return
 * them, and failures injected per call.
 */
export class FakeLedger implements ProvenanceLedger {
  readonly chaincodeName = CHAINCODE;
  readonly mspId = 'CustomsMSP';

  /** The channel configuration's organisations: every trusted identity made so far. */
  async channelMembers(): Promise<ReadonlyMap<string, readonly string[]>> {
    return CHANNEL_CAS;
  }
  /** The peer each `evaluate` call asked for. */
  readonly askedPeers: string[] = [];
  readonly blocks: Committed[][] = [];
  private readonly transactions = new Map<string, Committed>();
  private readonly histories = new Map<string, KeyVersion[]>();
  private readonly versions = new Map<string, { block: number; tx: number }>();
  private readonly failures = new Map<LedgerCall, number>();

  /** The ledger as the network's creation left it: its signing settings (`optional` by default, so tests may write unsigned). */
  constructor(signing: SigningMode = 'optional') {
    this.histories.set(SIGNING_CONFIG_KEY, [
      {
        txId: GENESIS_TX,
        timestamp: '2026-01-01T00:00:00.000Z',
        isDelete: false,
        value: Buffer.from(signingSettings(signing)).toString('base64'),
      },
    ]);
    this.versions.set(SIGNING_CONFIG_KEY, { block: 0, tx: 0 });
  }

  /** Makes the next `times` calls of `call` fail. */
  failNext(call: LedgerCall, times = 1): void {
    this.failures.set(call, times);
  }

  /** Appends a block holding `envelope`; a VALID swledger transaction updates the histories. */
  commit(envelope: Uint8Array, validationCode = 'VALID'): number {
    const blockNumber = this.blocks.length;
    this.blocks.push([{ validationCode, envelope }]);
    const tx = decodeTransaction(envelope);
    if (!this.transactions.has(tx.transactionId)) {
      this.transactions.set(tx.transactionId, { validationCode, envelope });
    }
    if (validationCode === 'VALID') {
      for (const write of tx.writes) {
        const list = this.histories.get(write.key) ?? [];
        list.unshift({
          txId: tx.transactionId,
          timestamp: tx.time,
          isDelete: write.isDelete,
          value: write.isDelete ? '' : Buffer.from(write.value).toString('base64'),
        });
        this.histories.set(write.key, list);
        this.versions.set(write.key, { block: blockNumber, tx: 0 });
      }
    }
    return blockNumber;
  }

  /** The committed version of `key` (block, tx), or undefined. */
  versionOf(key: string): { block: number; tx: number } | undefined {
    const list = this.histories.get(key) ?? [];
    return list[0] === undefined || list[0].isDelete ? undefined : this.versions.get(key);
  }

  async evaluate(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: { readonly peerMsp: string },
  ): Promise<string> {
    this.askedPeers.push(options.peerMsp);
    this.maybeFail('evaluate');
    if (namespace !== 'provenance') throw new Error(`no ${namespace}:${fn}`);
    if (fn === 'keys')
      return JSON.stringify(this.historiesOf(JSON.parse(args[0] ?? '[]') as string[]));
    if (fn !== 'record') throw new Error(`no provenance:${fn}`);
    const [type = '', docId = ''] = args;
    const facts = this.histories.get(`${SEP}doc${SEP}${type}${SEP}${docId}${SEP}`)?.[0];
    if (facts === undefined) throw new Error(`NOT_FOUND: no ${type} ${docId}`);
    const { sha256, owner } = JSON.parse(Buffer.from(facts.value, 'base64').toString()) as {
      sha256: string;
      owner: string;
    };
    const children = [...this.histories.keys()].filter(
      (key) =>
        key.startsWith(`${SEP}financing${SEP}${docId}${SEP}`) ||
        key.startsWith(`${SEP}draw${SEP}${docId}${SEP}`),
    );
    return JSON.stringify(
      this.historiesOf([
        `${SEP}doc${SEP}${type}${SEP}${docId}${SEP}`,
        `${SEP}state${SEP}${type}${SEP}${docId}${SEP}`,
        `${SEP}hash${SEP}${sha256}${SEP}`,
        `${SEP}owner${SEP}${owner}${SEP}${type}${SEP}${docId}${SEP}`,
        ...children,
      ]),
    );
  }

  async processedTransaction(transactionId: string): Promise<Committed | undefined> {
    this.maybeFail('processedTransaction');
    return this.transactions.get(transactionId);
  }

  async block(blockNumber: bigint): Promise<readonly Committed[]> {
    this.maybeFail('block');
    const found = this.blocks[Number(blockNumber)];
    if (found === undefined) throw new Error(`no block ${blockNumber}`);
    return found;
  }

  async ledgerHeight(): Promise<bigint> {
    this.maybeFail('ledgerHeight');
    return BigInt(this.blocks.length);
  }

  private historiesOf(keys: readonly string[]): KeyHistories {
    return { keys: Object.fromEntries(keys.map((key) => [key, this.histories.get(key) ?? []])) };
  }

  private maybeFail(call: LedgerCall): void {
    const left = this.failures.get(call) ?? 0;
    if (left > 0) {
      this.failures.set(call, left - 1);
      throw new Error(`${call} failed: connection refused`);
    }
  }
}

/** The memory stub as an endorsing peer sees the ledger: records what it read, at which version. */
class EndorsingStub extends MemoryStub {
  txId = '';
  reads = new Map<string, SpecRead>();
  ranges: SpecRange[] = [];

  constructor(
    private readonly ledger: FakeLedger,
    signing: SigningMode,
  ) {
    super(Date.now(), signing);
  }

  override getTxID(): string {
    return this.txId;
  }

  /** The channel of the envelopes this network builds (part of an enterprise signature's domain). */
  override getChannelID(): string {
    return FIXTURE_CHANNEL;
  }

  override async getState(key: string): Promise<Uint8Array> {
    const version = this.ledger.versionOf(key);
    this.reads.set(key, { key, ...(version === undefined ? {} : { version }) });
    return super.getState(key);
  }

  override getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): ReturnType<MemoryStub['getStateByPartialCompositeKey']> {
    const result = super.getStateByPartialCompositeKey(objectType, attributes);
    const startKey = this.createCompositeKey(objectType, attributes);
    const keys = [...this.state.keys()].filter((key) => key.startsWith(startKey)).sort();
    this.ranges.push({
      startKey,
      endKey: `${startKey}\u{10FFFF}`,
      reads: keys.map((key) => ({ key, version: this.ledger.versionOf(key) })),
    });
    return result;
  }
}

type Method = (ctx: Context, ...args: string[]) => Promise<string>;

const CONTRACTS = new Map(
  contracts.map((Type) => {
    const instance = new Type();
    return [instance.getName(), instance] as const;
  }),
);

/**
 * The network in a test: a ledger, the honest chaincode run as endorsing
 * peers would run it, and the identities of every organisation.
 */
export class TestNetwork {
  readonly ledger: FakeLedger;
  private readonly stub: EndorsingStub;

  /** @param signing the ledger's enterprise-signature mode (`optional`: tests may write unsigned) */
  constructor(signing: SigningMode = 'optional') {
    this.ledger = new FakeLedger(signing);
    this.stub = new EndorsingStub(this.ledger, signing);
  }

  private count = 0;
  private millis = Date.now() - 60_000;

  /**
   * Runs `fn` honestly as `creator` (the chaincode's own contracts), and
   * returns the transaction an honest endorsement yields, not yet committed.
   *
   * @throws the chaincode's error when it refuses the request
   */
  async endorse(
    creator: Identity,
    fn: string,
    args: readonly string[],
    endorsers: readonly Identity[],
  ): Promise<TxSpec> {
    this.count += 1;
    this.millis += 1000;
    const txId = createHash('sha256').update(`tx-${this.count}-${Math.random()}`).digest('hex');
    const [namespace = '', name = ''] = fn.split(':');
    const contract = CONTRACTS.get(namespace);
    const method = (contract as unknown as Record<string, Method | undefined> | undefined)?.[name];
    if (contract === undefined || method === undefined) throw new Error(`no ${fn}`);
    // As the SDK does: an enterprise write without its authorisation argument goes unsigned.
    const full = [...args];
    while (SIGNED_WRITES.includes(fn) && full.length < method.length - 1) full.push('');
    args = full;
    this.stub.txId = txId;
    this.stub.setTxTime(this.millis);
    this.stub.reads = new Map();
    this.stub.ranges = [];
    const ctx = this.stub.contextFor(creator.actor);
    try {
      await contract.beforeTransaction(ctx);
      await method.apply(contract, [ctx, ...args]);
    } catch (err) {
      this.stub.abort();
      throw err;
    }
    const event = this.stub.events[this.stub.events.length - 1];
    const spec: TxSpec = {
      txId,
      millis: this.millis,
      creator,
      chaincode: CHAINCODE,
      fn,
      args,
      writes: [...this.stub.writes].map(([key, value]) => ({ key, value })),
      reads: [...this.stub.reads.values()],
      ranges: this.stub.ranges,
      policies: new Map(this.stub.paramWrites),
      ...(event === undefined ? {} : { event }),
      endorsers,
    };
    this.stub.commit();
    return spec;
  }

  /** Endorses honestly and commits; returns the spec. */
  async submit(
    creator: Identity,
    fn: string,
    args: readonly string[],
    endorsers: readonly Identity[],
  ): Promise<TxSpec> {
    const spec = await this.endorse(creator, fn, args, endorsers);
    this.ledger.commit(buildEnvelope(spec));
    return spec;
  }

  /** Commits a (possibly forged) transaction as a VALID one; returns its block number. */
  commit(spec: TxSpec): number {
    return this.ledger.commit(buildEnvelope(spec));
  }

  /**
   * Commits a forged transaction as a VALID one, and lets later
   * endorsements read what it wrote, as every peer holding its block does.
   */
  commitForged(spec: TxSpec): number {
    const block = this.commit(spec);
    for (const write of spec.writes) {
      if (write.value === undefined) this.stub.state.delete(write.key);
      else this.stub.state.set(write.key, write.value);
    }
    return block;
  }
}

/** A composite key as the chaincode makes it. */
export function keyOf(type: string, ...attributes: string[]): string {
  return `${SEP}${type}${SEP}${attributes.map((a) => `${a}${SEP}`).join('')}`;
}
