import { type Context } from 'fabric-contract-api';
import { type Actor } from '@swledger/protocol/actor';
import { encode, SCHEMA_VERSION } from '@swledger/protocol/serialize';
import { SIGNING_CONFIG_KEY, type SigningMode } from '@swledger/protocol/signing';

interface Version {
  readonly txId: string;
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly value: Uint8Array;
}

interface Kv {
  readonly key: string;
  readonly value: Uint8Array;
}

type Query<T> = Promise<T> & AsyncIterable<Kv>;

function queryOf<T extends { readonly iterator: Kv[] }>(result: T): Query<T> {
  const promise = Promise.resolve(result) as unknown as Query<T>;
  promise[Symbol.asyncIterator] = async function* () {
    yield* (await promise).iterator;
  };
  return promise;
}

/** The stored signing settings of a test ledger. */
export function signingSettings(mode: SigningMode): Uint8Array {
  return encode({
    schemaVersion: SCHEMA_VERSION,
    mode,
    chainId: TEST_CHAIN_ID,
    chaincode: 'swledger',
  });
}

/** The EIP-712 chain id of test ledgers. */
export const TEST_CHAIN_ID = 7300;

/**
 * World state in memory, with Fabric's rules that matter to the contract: a
 * transaction reads only committed state (never its own writes), writes and
 * validation parameters take effect on {@link commit}, and only the last
 * event of a transaction is kept. Implements just the stub calls swledger uses.
 */
export class MemoryStub {
  readonly state = new Map<string, Uint8Array>();
  /** What the network's creation wrote (the signing settings): read like state, never counted as a test's writes. */
  readonly genesis = new Map<string, Uint8Array>();
  readonly params = new Map<string, Uint8Array>();
  readonly history = new Map<string, Version[]>();
  writes = new Map<string, Uint8Array>();
  paramWrites = new Map<string, Uint8Array>();
  events: { name: string; payload: Uint8Array }[] = [];
  calls = 0;
  private txCount = 0;
  private millis: number;

  /**
   * @param startMillis the first transaction's time
   * @param signing the ledger's enterprise-signature mode, as `swl network up`
   *   configures it before any write (`optional` lets a test write unsigned;
   *   null: never configured)
   */
  constructor(startMillis = Date.now(), signing: SigningMode | null = 'optional') {
    this.millis = startMillis;
    if (signing !== null) this.genesis.set(SIGNING_CONFIG_KEY, signingSettings(signing));
  }

  /** Moves the transaction clock; the peer clock (Date.now) stays where it is. */
  setTxTime(millis: number): void {
    this.millis = millis;
  }

  getChannelID(): string {
    return 'tradechannel';
  }

  getTxID(): string {
    return `tx-${this.txCount}`;
  }

  getTxTimestamp(): { seconds: number; nanos: number } {
    return { seconds: Math.floor(this.millis / 1000), nanos: (this.millis % 1000) * 1_000_000 };
  }

  async getState(key: string): Promise<Uint8Array> {
    this.calls += 1;
    return this.state.get(key) ?? this.genesis.get(key) ?? new Uint8Array();
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    this.calls += 1;
    this.writes.set(key, value);
  }

  /** A delete commits as removing the key (an empty pending value marks it). */
  async deleteState(key: string): Promise<void> {
    this.calls += 1;
    this.writes.set(key, new Uint8Array());
  }

  async getStateValidationParameter(key: string): Promise<Uint8Array> {
    this.calls += 1;
    return this.params.get(key) ?? new Uint8Array();
  }

  async setStateValidationParameter(key: string, value: Uint8Array): Promise<void> {
    this.calls += 1;
    this.paramWrites.set(key, value);
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return `\u0000${objectType}\u0000${attributes.map((attribute) => `${attribute}\u0000`).join('')}`;
  }

  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): Query<{ iterator: Kv[] }> {
    this.calls += 1;
    return queryOf({ iterator: this.range(this.createCompositeKey(objectType, attributes)) });
  }

  getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark?: string,
  ): Query<{ iterator: Kv[]; metadata: { fetchedRecordsCount: number; bookmark: string } }> {
    this.calls += 1;
    const all = this.range(this.createCompositeKey(objectType, attributes)).filter(
      (kv) => !bookmark || kv.key >= bookmark,
    );
    const page = all.slice(0, pageSize);
    const next = all[pageSize]?.key ?? '';
    return queryOf({
      iterator: page,
      metadata: { fetchedRecordsCount: page.length, bookmark: next },
    });
  }

  getHistoryForKey(key: string): Query<{ iterator: Kv[] }> & AsyncIterable<unknown> {
    this.calls += 1;
    const versions = [...(this.history.get(key) ?? [])].reverse();
    const promise = Promise.resolve({ iterator: [] }) as unknown as Query<{ iterator: Kv[] }>;
    (promise as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator] = async function* () {
      yield* versions.map((version) => ({ ...version, isDelete: false }));
    };
    return promise;
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.events.push({ name, payload });
  }

  /** True when the transaction wrote nothing at all. */
  wroteNothing(): boolean {
    return this.writes.size === 0 && this.paramWrites.size === 0 && this.events.length === 0;
  }

  /** The one event of the transaction, decoded. */
  event(): { name: string; payload: unknown } {
    if (this.events.length !== 1) {
      throw new Error(`expected exactly one event, got ${this.events.length}`);
    }
    const [only] = this.events;
    return { name: only!.name, payload: JSON.parse(Buffer.from(only!.payload).toString('utf8')) };
  }

  /** Commits the pending writes as a transaction and starts the next one, a second later. */
  commit(): void {
    for (const [key, value] of this.writes) {
      if (value.length === 0) {
        this.state.delete(key);
        this.params.delete(key);
        continue;
      }
      this.state.set(key, value);
      const versions = this.history.get(key) ?? [];
      versions.push({ txId: this.getTxID(), timestamp: this.getTxTimestamp(), value });
      this.history.set(key, versions);
    }
    for (const [key, value] of this.paramWrites) {
      this.params.set(key, value);
    }
    this.abort();
    this.millis += 1000;
  }

  /** Drops the pending writes, as Fabric drops a failed proposal, and starts the next transaction. */
  abort(): void {
    this.writes = new Map();
    this.paramWrites = new Map();
    this.events = [];
    this.calls = 0;
    this.txCount += 1;
  }

  /** A contract context for `actor` over this stub. */
  contextFor(actor: Actor): Context {
    const attributes: Record<string, string> = { 'swl.role': actor.role };
    if (actor.entity !== undefined) {
      attributes['swl.entity'] = actor.entity;
    }
    const clientIdentity = {
      getMSPID: () => actor.msp,
      getID: () => actor.id,
      getAttributeValue: (name: string) => attributes[name] ?? null,
    };
    return { stub: this, clientIdentity } as unknown as Context;
  }

  private range(prefix: string): Kv[] {
    return [...this.state.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort()
      .map((key) => ({ key, value: this.state.get(key)! }));
  }
}
