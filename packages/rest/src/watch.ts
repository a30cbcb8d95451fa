import { SwlClient } from '@swledger/sdk';
import type { ConnectionOptions } from '@swledger/sdk/connection';
import { alertLine, fileCheckpoint, Watcher, type WatchAlert } from '@swledger/sdk/watch';
import { Metrics } from './metrics';

/** Alerts kept for GET /api/v1/alerts. */
const RECENT = 100;

/**
 * The organisation's provenance watch inside its REST service: checks every
 * committed transaction with the organisation's verifier identity, from a
 * checkpoint kept beside the service's database (new blocks only on the
 * first start), and hands each alert to the log, the metrics and the event
 * streams of customs and bank staff.
 */
export class ProvenanceWatch {
  private readonly listeners = new Set<(alert: WatchAlert) => void>();
  private readonly recentAlerts: WatchAlert[] = [];
  private client: SwlClient | undefined;
  private watcher: Watcher | undefined;
  private lastError: string | undefined;

  constructor(
    /** Connection settings of the organisation's verifier identity. */
    private readonly connectionOptions: () => Promise<ConnectionOptions>,
    private readonly checkpointFile: string,
    private readonly metrics: Metrics,
    private readonly log: (line: string) => void,
  ) {}

  /** The checkpoint file of a service whose database is `dbFile`. */
  static checkpointFor(dbFile: string): string {
    return `${dbFile}.watch.json`;
  }

  /** The latest alerts, newest last. */
  get recent(): readonly WatchAlert[] {
    return this.recentAlerts;
  }

  /** Calls `listener` with every alert from now on; returns the unsubscribe. */
  subscribe(listener: (alert: WatchAlert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects and starts following; a failure to connect is logged and retried by the next start. */
  async start(): Promise<void> {
    this.client = await SwlClient.open(await this.connectionOptions());
    this.watcher = new Watcher(this.client.connection, {
      checkpoint: fileCheckpoint(this.checkpointFile),
      onChecked: (check) => this.metrics.provenanceChecked.inc({ result: check.result }),
      onAlert: (alert) => this.raise(alert),
      onError: (err, block) => {
        const line = `provenance watch: block ${block ?? '?'} not checked yet (${err instanceof Error ? err.message : String(err)}); retrying`;
        if (line !== this.lastError) this.log(line);
        this.lastError = line;
      },
    });
    await this.watcher.start();
    this.log(
      `provenance watch: checking every transaction from block ${this.watcher.nextBlock ?? '?'}`,
    );
  }

  async stop(): Promise<void> {
    await this.watcher?.stop();
    this.client?.close();
  }

  private raise(alert: WatchAlert): void {
    this.metrics.provenanceAlerts.inc();
    this.log(alertLine(alert));
    this.recentAlerts.push(alert);
    if (this.recentAlerts.length > RECENT) this.recentAlerts.shift();
    for (const listener of this.listeners) listener(alert);
  }
}
