import { performance } from 'node:perf_hooks';
import { Round, round } from './stats';

/** One closed-loop run: `concurrency` workers each start the next operation when the last ends. */
export interface LoadOptions {
  readonly concurrency: number;
  /** Workers stop starting operations after this long (operations in flight finish). */
  readonly durationMs: number;
  /** Stop after this many operations in total, whichever comes first. */
  readonly maxOps?: number;
  /** One operation; `seq` is unique within the run. Throws on failure. */
  readonly op: (seq: number) => Promise<void>;
  /** Extra figures computed once the round is over (e.g. signing time). */
  readonly extra?: () => Record<string, number>;
  /** Units of work per successful operation (e.g. 500 documents per batch). Default 1. */
  readonly unitsPerOp?: number;
}

/** The code of an error for the failure tally (an SDK error's `code`, else its class name). */
export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  if (typeof e?.code === 'string' && e.code) return e.code;
  if (typeof e?.name === 'string' && e.name) return e.name;
  return 'ERROR';
}

/** Runs one round and measures it: latency of each success, failures by code, client CPU. */
export async function runLoad(opts: LoadOptions): Promise<Round> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + opts.durationMs;
  const worker = async () => {
    for (;;) {
      if (performance.now() >= deadline) return;
      if (opts.maxOps !== undefined && next >= opts.maxOps) return;
      const seq = next++;
      const start = performance.now();
      try {
        await opts.op(seq);
        latencies.push(performance.now() - start);
      } catch (err) {
        failures.push(errorCode(err));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return round(
    latencies,
    failures,
    elapsedMs,
    (cpu.user + cpu.system) / 1000,
    opts.extra?.() ?? {},
    latencies.length * (opts.unitsPerOp ?? 1),
  );
}
