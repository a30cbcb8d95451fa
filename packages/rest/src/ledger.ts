import { SwlClient } from '@swledger/sdk';
import { IdentityProvider } from './identities';
import { Identity } from './identity';
import { Metrics } from './metrics';

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
  private readonly known = new Map<string, Identity>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly identities: IdentityProvider,
    private readonly metrics: Metrics,
    private readonly open: (label: string) => Promise<SwlClient> = async (label) =>
      SwlClient.open(await identities.connectionOptions(label)),
  ) {
    this.sweeper = setInterval(() => this.closeIdle(Date.now()), 60_000);
    this.sweeper.unref();
  }

  /** Organisation key the service runs for. */
  get org(): string {
    return this.identities.org;
  }

  /** The org's read-only identity for public verification (and the provenance watch). */
  get verifierLabel(): string {
    return this.identities.serviceLabel;
  }

  /** Role and entity of an identity, from its certificate. @throws Error when it is unknown */
  identity(label: string): Identity {
    let id = this.known.get(label);
    if (!id) {
      id = this.identities.identity(label);
      this.known.set(label, id);
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
