import { Figure } from './stats';

/** Formats a number for the table: fixed decimals, `-` when not measured. */
export function num(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

/** An aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Column headers of a figure row. */
export const FIGURE_HEADERS = [
  'workload',
  'conc',
  'rounds',
  'per s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'ok',
  'failed',
  'cpu ms/tx',
  'sign ms/tx',
] as const;

/** One table row per figure; `unit` names what "per s" counts when it is not operations. */
export function figureRow(f: Figure, unit = ''): string[] {
  return [
    unit ? `${f.name} (${unit})` : f.name,
    String(f.concurrency),
    String(f.rounds.length),
    num(f.perSecond),
    num(f.p50Ms, 0),
    num(f.p95Ms, 0),
    num(f.p99Ms, 0),
    String(f.ok),
    f.failed === 0
      ? '0'
      : `${f.failed} (${Object.entries(f.errors)
          .map(([c, n]) => `${c}:${n}`)
          .join(',')})`,
    num(f.extra.cpuMsPerTx, 2),
    num(f.extra.signMsPerTx, 2),
  ];
}
