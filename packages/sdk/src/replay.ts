/**
 * Replays a committed transaction through the honest chaincode: the same
 * contract classes every peer is meant to run, fed the request the creator
 * signed, the creator's certificate, the transaction's id and timestamp and
 * the ledger as it stood just before. What they would have written is what
 * an honest endorsement could contain; anything else was made up by the
 * endorsers' code. The rule is the chaincode itself, defined once.
 */
import './quiet';
import { type Context } from 'fabric-contract-api';
import { contracts } from '@swledger/chaincode';
import { type SignedTransaction } from './envelope';
import { CertificateIdentity } from './identity';

/** The ledger just before a transaction. */
export interface PriorState {
  /** The committed value of `key`, or undefined when it did not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** The keys under a composite-key prefix that existed, sorted, with their values. */
  range(prefix: string): Promise<readonly { readonly key: string; readonly value: Uint8Array }[]>;
}

/** A composite key as the chaincode shim builds it: U+0000, type, then each attribute, each followed by U+0000. */
export function compositeKey(objectType: string, attributes: readonly string[]): string {
  return `\u0000${objectType}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;
}

/** What the honest chaincode writes for a signed request. */
export interface Expected {
  readonly outcome: 'written';
  /** Written values by key; null for a delete. */
  readonly writes: ReadonlyMap<string, Uint8Array | null>;
  readonly policies: ReadonlyMap<string, Uint8Array>;
  readonly event?: { readonly name: string; readonly payload: Uint8Array };
  /** Keys the honest chaincode read (each must be in the transaction's read set). */
  readonly reads: ReadonlySet<string>;
  /** Prefixes of the partial composite key queries the honest chaincode ran. */
  readonly ranges: readonly string[];
}

/** The honest chaincode would not have endorsed the request at all. */
export interface Refused {
  readonly outcome: 'refused';
  /** `CODE: detail` as the chaincode says it, or why the request cannot be run. */
  readonly reason: string;
}

/** Contract instances by namespace; the first contract is the default one. */
const CONTRACTS = new Map(
  contracts.map((Type, index) => {
    const instance = new Type();
    return [index === 0 ? '' : instance.getName(), instance] as const;
  }),
);
for (const instance of [...CONTRACTS.values()]) CONTRACTS.set(instance.getName(), instance);

/** Methods of the Contract base class, never transactions. */
const NOT_TRANSACTIONS = new Set([
  'constructor',
  'beforeTransaction',
  'afterTransaction',
  'unknownTransaction',
  'createContext',
  'getName',
]);

/**
 * Runs the honest chaincode for `tx`'s signed request against `prior`.
 * Never throws for what the request or the ledger hold.
 */
export async function replay(
  tx: SignedTransaction,
  prior: PriorState,
): Promise<Expected | Refused> {
  const [namespace, fnName] = tx.fn.includes(':') ? tx.fn.split(':', 2) : ['', tx.fn];
  const contract = CONTRACTS.get(namespace ?? '');
  const method = contract === undefined ? undefined : transactionOf(contract, fnName ?? '');
  if (contract === undefined || method === undefined) {
    return { outcome: 'refused', reason: `the chaincode has no transaction ${tx.fn}` };
  }
  const stub = new ReplayStub(tx, prior);
  let identity: CertificateIdentity;
  try {
    identity = new CertificateIdentity(tx.creator.mspId, tx.creator.certificate);
  } catch (err) {
    return {
      outcome: 'refused',
      reason: `the creator certificate cannot be read: ${message(err)}`,
    };
  }
  const ctx = { stub, clientIdentity: identity } as unknown as Context;
  try {
    await method.apply(contract, [ctx, ...tx.args]);
  } catch (err) {
    return { outcome: 'refused', reason: message(err) };
  }
  return stub.expected();
}

function transactionOf(
  contract: object,
  name: string,
): ((...args: unknown[]) => Promise<unknown>) | undefined {
  if (NOT_TRANSACTIONS.has(name) || name.startsWith('_')) return undefined;
  const own = Object.getOwnPropertyNames(Object.getPrototypeOf(contract));
  if (!own.includes(name)) return undefined;
  const value: unknown = (contract as Record<string, unknown>)[name];
  return typeof value === 'function'
    ? (value as (...args: unknown[]) => Promise<unknown>)
    : undefined;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The chaincode stub calls the swledger contracts make, answered from the prior ledger. */
class ReplayStub {
  private readonly writes = new Map<string, Uint8Array | null>();
  private readonly policies = new Map<string, Uint8Array>();
  private readonly reads = new Set<string>();
  private readonly ranges: string[] = [];
  private event?: { name: string; payload: Uint8Array };

  constructor(
    private readonly tx: SignedTransaction,
    private readonly prior: PriorState,
  ) {}

  expected(): Expected {
    return {
      outcome: 'written',
      writes: this.writes,
      policies: this.policies,
      reads: this.reads,
      ranges: this.ranges,
      ...(this.event === undefined ? {} : { event: this.event }),
    };
  }

  getTxID(): string {
    return this.tx.transactionId;
  }

  getChannelID(): string {
    return this.tx.channel;
  }

  getCreator(): { mspid: string; idBytes: Uint8Array } {
    return {
      mspid: this.tx.creator.mspId,
      idBytes: new TextEncoder().encode(this.tx.creator.certificate),
    };
  }

  getTxTimestamp(): { seconds: number; nanos: number } {
    const millis = Date.parse(this.tx.time);
    return { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 };
  }

  async getState(key: string): Promise<Uint8Array> {
    this.reads.add(key);
    return (await this.prior.get(key)) ?? new Uint8Array();
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    this.writes.set(key, value);
  }

  async deleteState(key: string): Promise<void> {
    this.writes.set(key, null);
  }

  async getStateValidationParameter(key: string): Promise<Uint8Array> {
    return this.policies.get(key) ?? new Uint8Array();
  }

  async setStateValidationParameter(key: string, policy: Uint8Array): Promise<void> {
    this.policies.set(key, policy);
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.event = { name, payload };
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return compositeKey(objectType, attributes);
  }

  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): AsyncIterable<{ key: string; value: Uint8Array }> {
    const prefix = this.createCompositeKey(objectType, attributes);
    this.ranges.push(prefix);
    const prior = this.prior;
    return {
      async *[Symbol.asyncIterator]() {
        yield* await prior.range(prefix);
      },
    };
  }
}
