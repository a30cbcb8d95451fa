/**
 * Fault-injection helpers: one network per scenario, a bounded registration
 * load that records what each client was told, and an audit of the ledger
 * peer by peer against those outcomes.
 */
import { readFileSync } from 'node:fs';
import { down, up } from '@swledger/devnet/network';
import { Layout, NetworkOptions } from '@swledger/devnet/layout';
import { alive, runningPid } from '@swledger/devnet/proc';
import {
  CommitUnknownError,
  DocumentInput,
  FullView,
  NotFoundError,
  SubmitOptions,
  SwlClient,
} from '@swledger/sdk';
import { ALPHA, declaration, newFile, sleep, uniqueId } from '../integration/fixtures';

export { sleep };

const log = (line: string) => process.stdout.write(`      [faults] ${line}\n`);

/** Starts a scenario's network from nothing (purged first). */
export async function freshNetwork(opts: NetworkOptions & { name: string }): Promise<Layout> {
  await down({ name: opts.name, purge: true });
  const res = await up({ ...opts, progress: (l) => log(`${opts.name}: ${l}`) });
  return res.layout;
}

/** Stops and purges a scenario's network (kept with SWL_FAULTS_KEEP=1 for inspection). */
export async function purgeNetwork(name: string): Promise<void> {
  await down({ name, purge: process.env.SWL_FAULTS_KEEP !== '1' });
}

/** Restarts whatever is missing of a network (`up` is idempotent). */
export async function restartMissing(name: string): Promise<number> {
  const res = await up({ name, progress: (l) => log(`${name}: ${l}`) });
  return res.seconds;
}

/** SIGKILLs a tracked process of the network; returns its PID once it is gone. */
export async function kill9(layout: Layout, proc: string): Promise<number> {
  const pid = runningPid(layout, proc);
  if (pid === undefined) throw new Error(`${proc} is not running`);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && running(pid); i++) await sleep(50);
  if (running(pid)) throw new Error(`${proc} (pid ${pid}) survived SIGKILL`);
  log(`killed ${proc} (pid ${pid}) with SIGKILL`);
  return pid;
}

/** Whether a PID runs: a zombie (dead, not yet reaped by its parent) does not. */
function running(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Index of the orderer that leads the channel's Raft cluster (the network module's probe). */
export { raftLeader } from '@swledger/devnet/raft';

/** Rejects when `promise` has not settled after `ms`: a hung call fails the scenario, never stalls it. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Closes clients, ignoring errors of connections the fault already broke. */
export function closeQuietly(...clients: ({ close(): void } | undefined)[]): void {
  for (const c of clients) {
    try {
      c?.close();
    } catch {
      /* a connection the fault broke */
    }
  }
}

/** Polls until `check` holds (each check bounded too); throws with `what` after the deadline. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await within(check(), 30_000, what).catch(() => false)) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(intervalMs);
  }
}

/** What a client was told about one registration. */
export interface Outcome {
  readonly doc: DocumentInput;
  readonly sha256: string;
  /** Every transaction id prepared for it (one per attempt). */
  readonly txIds: string[];
  /** ACKED: committed as far as the client knows; UNKNOWN: commit not seen; FAILED: a typed refusal. */
  result?: 'ACKED' | 'UNKNOWN' | 'FAILED';
  ackedTxId?: string;
  code?: string;
  message?: string;
  /** Milliseconds since the load started, when the answer came. */
  at?: number;
}

/** Options of a registration load. */
export interface LoadOptions {
  readonly workers: number;
  /** Hard bound on registrations started: far above what a scenario needs, so that a faster network never runs the load dry before the fault is over. */
  readonly maxDocs: number;
  /** Pause between a worker's registrations (ms). Default 0. */
  readonly pauseMs?: number;
  readonly submit?: SubmitOptions;
  readonly prefix?: string;
}

/**
 * A steady, bounded registration load (declarations of the enterprise
 * alpha): each worker registers one document after another and records
 * what it was told.
 */
export class RegistrationLoad {
  readonly outcomes: Outcome[] = [];
  private stopped = false;
  private running: Promise<void> | undefined;
  private t0 = 0;

  constructor(
    private readonly client: SwlClient,
    private readonly opts: LoadOptions,
  ) {}

  start(): this {
    this.t0 = Date.now();
    this.running = Promise.all(Array.from({ length: this.opts.workers }, () => this.worker())).then(
      () => undefined,
    );
    return this;
  }

  /** Stops starting registrations and waits (at most 2 minutes) for those in flight. */
  async stop(): Promise<Outcome[]> {
    this.stopped = true;
    await within(this.running!, 120_000, 'registrations in flight to be answered');
    return this.outcomes;
  }

  count(result: Outcome['result']): number {
    return this.outcomes.filter((o) => o.result === result).length;
  }

  /** Acknowledged registrations answered after `sinceMs` (load clock). */
  ackedSince(sinceMs: number): number {
    return this.outcomes.filter((o) => o.result === 'ACKED' && (o.at ?? 0) >= sinceMs).length;
  }

  /** Counts by result, registrations in flight, and the last failures: for a failure message. */
  describe(): string {
    const by = (r: Outcome['result']) => this.outcomes.filter((o) => o.result === r).length;
    const failures = this.outcomes
      .filter((o) => o.result !== undefined && o.result !== 'ACKED')
      .slice(-3)
      .map((o) => `${o.code}: ${o.message?.slice(0, 200)}`);
    return `acked ${by('ACKED')}, unknown ${by('UNKNOWN')}, failed ${by('FAILED')}, in flight ${by(undefined)} after ${this.elapsed()} ms; last failures: ${failures.join(' | ') || 'none'}`;
  }

  elapsed(): number {
    return Date.now() - this.t0;
  }

  private async worker(): Promise<void> {
    while (!this.stopped && this.outcomes.length < this.opts.maxDocs) {
      const file = newFile('fault');
      const outcome: Outcome = {
        doc: declaration(ALPHA, uniqueId(this.opts.prefix ?? 'FLT')),
        sha256: file.sha256,
        txIds: [],
      };
      this.outcomes.push(outcome);
      try {
        const res = await this.client.documents.register(
          outcome.doc,
          { sha256: file.sha256 },
          {
            ...this.opts.submit,
            onPrepared: (id) => {
              outcome.txIds.push(id);
            },
          },
        );
        outcome.result = 'ACKED';
        outcome.ackedTxId = res.transactionId;
      } catch (err) {
        outcome.result = err instanceof CommitUnknownError ? 'UNKNOWN' : 'FAILED';
        outcome.code = (err as { code?: string }).code ?? (err as Error).name;
        outcome.message = (err as Error).message;
      }
      outcome.at = this.elapsed();
      if (this.opts.pauseMs) await sleep(this.opts.pauseMs);
    }
  }
}

/** The audit of a load against the ledger. */
export interface Audit {
  readonly acked: number;
  readonly unknown: number;
  readonly unknownCommitted: number;
  readonly failed: number;
  readonly failedCodes: Record<string, number>;
  /** Problems found; empty when the ledger matches what clients were told. */
  readonly problems: string[];
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

/**
 * Checks every outcome on every listed peer: a registration is on the
 * ledger exactly when one of its transactions is VALID — acknowledged ones
 * always, unknown ones as their transaction ids say, refused ones never —
 * with that transaction's id and a one-entry history (no duplicate, nothing
 * lost, nothing phantom).
 */
export async function audit(
  client: SwlClient,
  outcomes: readonly Outcome[],
  peerMsps: readonly string[],
): Promise<Audit> {
  const problems: string[] = [];
  let unknownCommitted = 0;
  const failedCodes: Record<string, number> = {};
  await inParallel(outcomes, 6, (o) =>
    within(auditOne(o), 60_000, `the ledger's answers about ${o.doc.docId}`),
  );
  async function auditOne(o: Outcome): Promise<void> {
    const valid: string[] = [];
    for (const id of o.txIds) {
      const code = await client.connection.validationCode(id);
      if (code === 'VALID') valid.push(id);
    }
    if (valid.length > 1) problems.push(`${o.doc.docId}: ${valid.length} VALID transactions`);
    if (o.result === 'ACKED' && !valid.includes(o.ackedTxId!))
      problems.push(`${o.doc.docId}: acknowledged ${o.ackedTxId} is not VALID on the ledger`);
    if (o.result === 'FAILED' && valid.length > 0)
      problems.push(`${o.doc.docId}: refused (${o.code}: ${o.message}) but ${valid[0]} is VALID`);
    if (o.result === 'UNKNOWN' && valid.length === 1) unknownCommitted++;
    if (o.result === 'FAILED') failedCodes[o.code ?? '?'] = (failedCodes[o.code ?? '?'] ?? 0) + 1;
    for (const msp of peerMsps) {
      let view: FullView | undefined;
      try {
        view = (await client.documents.getByHash(o.sha256, msp)) as FullView;
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
      if (valid.length === 0 && view)
        problems.push(`${o.doc.docId}: on ${msp} without a VALID transaction (${view.txId})`);
      if (valid.length === 1 && !view) problems.push(`${o.doc.docId}: missing on ${msp}`);
      if (view && valid.length === 1) {
        if (view.txId !== valid[0]) problems.push(`${o.doc.docId}: on ${msp} from ${view.txId}`);
        if (view.docId !== o.doc.docId) problems.push(`${o.sha256}: on ${msp} as ${view.docId}`);
        if ((view.history ?? []).length !== 1)
          problems.push(`${o.doc.docId}: ${view.history?.length} history entries on ${msp}`);
      }
    }
  }
  return {
    acked: outcomes.filter((o) => o.result === 'ACKED').length,
    unknown: outcomes.filter((o) => o.result === 'UNKNOWN').length,
    unknownCommitted,
    failed: outcomes.filter((o) => o.result === 'FAILED').length,
    failedCodes,
    problems,
  };
}

/** Ledger height of every peer organisation's peer, by MSP ID. */
export async function heights(client: SwlClient, msps: readonly string[]): Promise<bigint[]> {
  return Promise.all(msps.map((m) => client.connection.ledgerHeight(m)));
}

export { log };
