import { SwlClient } from '@swledger/sdk';
import { Identity, readIdentity } from './identity';
import { Metrics } from './metrics';
import { localConnectionOptions } from '@swledger/devnet/client';

/** A connection of the pool and when it was last handed out. */
interface Pooled {
  readonly client: Promise<SwlClient>;
  lastUsed: number;
}

/** A connection unused this long, with no event stream open, is closed. */
export const IDLE_CLOSE_MS = 10 * 60 * 1000;

/**
 * The service's connections to the ledger: one per identity that acts
 * (each token's own, and the organisation's read-only verifier), opened on
 * first use; one unused for {@link IDLE_CLOSE_MS} with no event stream
 * open is closed, so many occasional callers do not pile up connections.
 */
export class LedgerPool {
  private readonly clients = new Map<string, Pooled>();
  private readonly identities = new Map<string, Identity>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly network: string,
    readonly org: string,
    private readonly metrics: Metrics,
    private readonly open: (label: string) => Promise<SwlClient> = (label) =>
      SwlClient.open(localConnectionOptions({ as: label, network })),
  ) {
    this.sweeper = setInterval(() => this.closeIdle(Date.now()), 60_000);
    this.sweeper.unref();
  }

  /** The org's read-only identity for public verification. */
  get verifierLabel(): string {
    return `${this.org}:verifier`;
  }

  /** Wallet directory of the network. */
  get walletDir(): string {
    return localConnectionOptions({ as: this.verifierLabel, network: this.network }).walletDir;
  }

  /** Role and entity of an identity, from its certificate. */
  identity(label: string): Identity {
    let id = this.identities.get(label);
    if (!id) {
      id = readIdentity(this.walletDir, label);
      this.identities.set(label, id);
    }
    return id;
  }

  /** A connected client acting as `label`. */
  client(label: string, now = Date.now()): Promise<SwlClient> {
    let pooled = this.clients.get(label);
    if (!pooled) {
      const client = this.open(label);
      pooled = { client, lastUsed: now };
      this.clients.set(label, pooled);
      client.catch(() => this.clients.delete(label));
    }
    pooled.lastUsed = now;
    return pooled.client;
  }

  /** Closes connections idle since before `now - IDLE_CLOSE_MS` that have no event stream open. */
  async closeIdle(now: number): Promise<void> {
    for (const [label, pooled] of [...this.clients]) {
      if (now - pooled.lastUsed < IDLE_CLOSE_MS) continue;
      const client = await pooled.client.catch(() => undefined);
      if (client?.connection.listening) continue;
      if (this.clients.get(label) !== pooled || now - pooled.lastUsed < IDLE_CLOSE_MS) continue;
      this.clients.delete(label);
      client?.close();
    }
  }

  /** How many connections are open. */
  get size(): number {
    return this.clients.size;
  }

  /** Runs a ledger write and records its latency and outcome. */
  async submit<T>(fn: string, run: () => Promise<T>): Promise<T> {
    const end = this.metrics.ledgerSubmit.startTimer({ function: fn });
    try {
      const out = await run();
      end({ outcome: 'committed' });
      return out;
    } catch (err) {
      end({ outcome: (err as { code?: string }).code ?? 'error' });
      throw err;
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const p of all) (await p.client.catch(() => undefined))?.close();
  }
}
