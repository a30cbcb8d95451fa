/**
 * The watch service (SPEC §2): follows committed blocks from a checkpoint
 * and runs the provenance check on every valid transaction of the
 * chaincode, raising an alert as soon as one fails.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ProvenanceApi, type ProvenanceLedger, type TransactionCheck } from './provenance';

/** A committed transaction that failed the provenance check. */
export interface WatchAlert {
  readonly transactionId: string;
  readonly blockNumber: string;
  /** The signed creator, `MSP user (role[, entity])`. */
  readonly creator?: string;
  readonly fn?: string;
  readonly endorsers: readonly string[];
  /** Keys the transaction wrote, readable. */
  readonly keys: readonly string[];
  readonly reason: string;
  /** INVALID (a forgery) or ERROR (the check could not run; it is retried). */
  readonly result: 'INVALID' | 'ERROR';
}

/** Where a watch resumes: the next block to check. */
export interface WatchCheckpoint {
  load(): Promise<bigint | undefined>;
  save(nextBlock: bigint): Promise<void>;
}

/** Options of a {@link Watcher}. */
export interface WatcherOptions {
  /** First block to check when no checkpoint is saved. Default: the current ledger height (new blocks only). */
  readonly startBlock?: bigint;
  readonly checkpoint?: WatchCheckpoint;
  /** Called for every failing transaction; awaited before the watch moves on. */
  readonly onAlert: (alert: WatchAlert) => void | Promise<void>;
  /** Called after each checked transaction (for counters and logs). */
  readonly onChecked?: (check: TransactionCheck, blockNumber: bigint) => void;
  /** Called when a block could not be read or checked (it is retried after `retryMillis`). */
  readonly onError?: (err: unknown, blockNumber: bigint | undefined) => void;
  /** How often to look for new blocks, ms. Default 500. */
  readonly pollMillis?: number;
  /** How long to wait before checking a block again after a read error, ms. Default 2000. */
  readonly retryMillis?: number;
}

/**
 * Follows the ledger block by block. A block counts as checked (and the
 * checkpoint moves past it) only once every transaction in it was checked
 * and every alert handled, so a restarted watch never skips one.
 */
export class Watcher {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private next: bigint | undefined;
  private readonly provenance: ProvenanceApi;

  constructor(
    private readonly connection: ProvenanceLedger,
    private readonly options: WatcherOptions,
  ) {
    this.provenance = new ProvenanceApi(connection);
  }

  /** The next block the watch will check (undefined before it started). */
  get nextBlock(): bigint | undefined {
    return this.next;
  }

  /** Starts following; resolves once the starting block is known. */
  async start(): Promise<void> {
    if (this.running) return;
    const saved = await this.options.checkpoint?.load();
    this.next = saved ?? this.options.startBlock ?? (await this.connection.ledgerHeight());
    this.running = true;
    this.loop = this.follow();
  }

  /** Stops following; resolves when the current block is done. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        const height = await this.connection.ledgerHeight();
        while (this.running && this.next !== undefined && this.next < height) {
          await this.checkBlock(this.next);
          this.next += 1n;
          await this.options.checkpoint?.save(this.next);
        }
        await this.pause(this.options.pollMillis ?? 500);
      } catch (err) {
        this.options.onError?.(err, this.next);
        await this.pause(this.options.retryMillis ?? 2000);
      }
    }
  }

  private async checkBlock(blockNumber: bigint): Promise<void> {
    const transactions = await this.connection.block(blockNumber);
    for (const { envelope, validationCode } of transactions) {
      if (validationCode !== 'VALID') continue;
      const check = await this.provenance.checkEnvelope(envelope, validationCode);
      if (check === undefined) continue;
      // The check could not run (ledger unreachable): read the block again later.
      if (check.result === 'ERROR') throw new Error(check.reason);
      this.options.onChecked?.(check, blockNumber);
      if (check.result === 'INVALID') {
        await this.options.onAlert({
          transactionId: check.transactionId,
          blockNumber: blockNumber.toString(),
          creator: check.creator,
          fn: check.fn,
          endorsers: check.endorsers,
          keys: check.keys,
          reason: check.reason,
          result: 'INVALID',
        });
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** One line describing an alert, for logs. */
export function alertLine(alert: WatchAlert): string {
  return `PROVENANCE ALERT tx ${alert.transactionId} (block ${alert.blockNumber}) ${alert.fn ?? '?'} by ${alert.creator ?? 'unknown creator'}, endorsed by ${alert.endorsers.join(', ') || 'nobody'}, wrote ${alert.keys.join(', ') || 'nothing'}: ${alert.reason}`;
}

/** A checkpoint kept in a JSON file (`{"nextBlock": "N"}`), written atomically. */
export function fileCheckpoint(path: string): WatchCheckpoint {
  return {
    load: async () =>
      existsSync(path)
        ? BigInt((JSON.parse(readFileSync(path, 'utf8')) as { nextBlock: string }).nextBlock)
        : undefined,
    save: async (nextBlock) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, JSON.stringify({ nextBlock: nextBlock.toString() }));
      renameSync(`${path}.tmp`, path);
    },
  };
}
