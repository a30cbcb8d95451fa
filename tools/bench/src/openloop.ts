import { performance } from 'node:perf_hooks';
import { errorCode } from './load';
import { percentile } from './stats';

/** One open-loop run: operations start at a fixed rate whether or not earlier ones ended. */
export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** Operations in flight beyond which a start is counted as dropped, not issued (protects the client). */
  readonly maxInFlight: number;
  readonly op: (seq: number) => Promise<void>;
}

/** What an open-loop run measured. */
export interface OpenLoopRound {
  readonly offeredPerSecond: number;
  /**
   * Successful operations per second over the run less one median latency
   * (the pipeline's fill): the offered rate when the network keeps up, its
   * capacity when a backlog builds and drains after the last start.
   */
  readonly achievedPerSecond: number;
  readonly ok: number;
  readonly failed: number;
  /** Starts skipped because `maxInFlight` operations were still running. */
  readonly dropped: number;
  readonly errors: Readonly<Record<string, number>>;
  /** Latency from the scheduled start (so queueing in the client counts). */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `op` every 1/rate seconds for `durationMs` (catching up after a
 * late timer, so the offered rate holds), waits for every operation, and
 * measures. Latency runs from each operation's scheduled start.
 */
export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopRound> {
  const interval = 1000 / opts.ratePerSecond;
  const latencies: number[] = [];
  const failures: string[] = [];
  const running = new Set<Promise<void>>();
  let dropped = 0;
  let seq = 0;
  const t0 = performance.now();
  const total = Math.floor((opts.durationMs / 1000) * opts.ratePerSecond);
  while (seq < total) {
    const due = t0 + seq * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (running.size >= opts.maxInFlight) {
      dropped++;
      seq++;
      continue;
    }
    const scheduled = due;
    const p: Promise<void> = opts.op(seq++).then(
      () => {
        latencies.push(performance.now() - scheduled);
      },
      (err: unknown) => {
        failures.push(errorCode(err));
      },
    );
    running.add(p);
    void p.finally(() => running.delete(p));
  }
  await Promise.all(running);
  const elapsed = performance.now() - t0;
  const sorted = [...latencies].sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  for (const c of failures) errors[c] = (errors[c] ?? 0) + 1;
  return {
    offeredPerSecond: opts.ratePerSecond,
    achievedPerSecond:
      latencies.length / (Math.max(elapsed - (percentile(sorted, 50) || 0), interval) / 1000),
    ok: latencies.length,
    failed: failures.length,
    dropped,
    errors,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
  };
}

/**
 * The knee of a rate sweep: the highest offered rate the network still
 * carried (achieved ≥ 95 % of offered, nothing failed or dropped) without
 * a queue building up (median latency at most twice the lowest rate's),
 * or undefined when even the lowest was not carried.
 */
export function knee(rounds: readonly OpenLoopRound[]): OpenLoopRound | undefined {
  const sorted = [...rounds].sort((a, b) => a.offeredPerSecond - b.offeredPerSecond);
  const floor = sorted[0]?.p50Ms ?? NaN;
  let best: OpenLoopRound | undefined;
  for (const r of sorted) {
    if (r.failed > 0 || r.dropped > 0 || r.achievedPerSecond < 0.95 * r.offeredPerSecond) break;
    if (r.p50Ms > 2 * floor) break;
    best = r;
  }
  return best;
}
