/** Latency percentiles and medians over rounds: the only arithmetic the bench does. */

/** The value below which `p` percent of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Median of a list (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/** What one round of a workload measured. */
export interface Round {
  /** Operations that succeeded; only these count as throughput. */
  readonly ok: number;
  /** Operations that failed, by error code. */
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
  /** Wall time from the first start to the last completion. */
  readonly elapsedMs: number;
  /** Successful operations per second. */
  readonly perSecond: number;
  /** Latency of successful operations. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Client CPU (user + system) used during the round, in milliseconds. */
  readonly cpuMs: number;
  /** Extra per-round figures a workload adds (units in the key). */
  readonly extra: Readonly<Record<string, number>>;
}

/** A workload's figure: the median of each measure over its rounds, and the rounds themselves. */
export interface Figure {
  readonly name: string;
  readonly concurrency: number;
  readonly rounds: readonly Round[];
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly ok: number;
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly extra: Readonly<Record<string, number>>;
}

/** Builds a round from raw samples. */
export function round(
  latenciesMs: number[],
  failedCodes: readonly string[],
  elapsedMs: number,
  cpuMs: number,
  extra: Record<string, number> = {},
  units = latenciesMs.length,
): Round {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  for (const c of failedCodes) errors[c] = (errors[c] ?? 0) + 1;
  return {
    ok: latenciesMs.length,
    failed: failedCodes.length,
    errors,
    elapsedMs,
    perSecond: elapsedMs > 0 ? units / (elapsedMs / 1000) : 0,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    cpuMs,
    extra,
  };
}

/** Medians over rounds; success and failure counts are totals. */
export function figure(name: string, concurrency: number, rounds: readonly Round[]): Figure {
  const errors: Record<string, number> = {};
  for (const r of rounds)
    for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
  const extraKeys = [...new Set(rounds.flatMap((r) => Object.keys(r.extra)))];
  const extra: Record<string, number> = {};
  for (const k of extraKeys) extra[k] = median(rounds.map((r) => r.extra[k] ?? NaN));
  return {
    name,
    concurrency,
    rounds,
    perSecond: median(rounds.map((r) => r.perSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p95Ms: median(rounds.map((r) => r.p95Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    ok: rounds.reduce((s, r) => s + r.ok, 0),
    failed: rounds.reduce((s, r) => s + r.failed, 0),
    errors,
    extra,
  };
}

/** a / b, NaN when either is not a positive finite number. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN;
}
