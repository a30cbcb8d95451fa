import { localConnectionOptions, SwlClient } from '../sdk';
import { Identity, readIdentity } from './identity';
import { Metrics } from './metrics';

/**
 * The service's connections to the ledger: one per identity that acts
 * (each token's own, and the organisation's read-only verifier), opened on
 * first use and kept.
 */
export class LedgerPool {
  private readonly clients = new Map<string, Promise<SwlClient>>();
  private readonly identities = new Map<string, Identity>();

  constructor(
    readonly network: string,
    readonly org: string,
    private readonly metrics: Metrics,
  ) {}

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
  client(label: string): Promise<SwlClient> {
    let c = this.clients.get(label);
    if (!c) {
      c = SwlClient.open(localConnectionOptions({ as: label, network: this.network }));
      this.clients.set(label, c);
      c.catch(() => this.clients.delete(label));
    }
    return c;
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
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const c of all) (await c.catch(() => undefined))?.close();
  }
}
