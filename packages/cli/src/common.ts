import { Command, InvalidArgumentError } from 'commander';
import { LedgerError } from '@swledger/sdk/errors';
import type { SwlClient } from '@swledger/sdk/client';
import { lazy } from './lazy';

/** Options every ledger command takes. */
export interface LedgerFlags {
  readonly as?: string;
  readonly network?: string;
  readonly json?: boolean;
}

/** Adds `--as`, `-n/--network` and `--json` to a command. */
export function ledgerOptions(cmd: Command, defaultAs?: string): Command {
  return cmd
    .option(
      '--as <org:user>',
      "identity from the network's wallet (env SWL_AS)",
      process.env.SWL_AS ?? defaultAs,
    )
    .option(
      '-n, --network <name>',
      'network instance (env SWL_NETWORK)',
      process.env.SWL_NETWORK ?? 'dev',
    )
    .option('--json', 'print JSON instead of tables');
}

/** A commander parser for a whole number in [min, max], refusing anything else by name. */
export function integer(
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): (value: string) => number {
  return (value: string): number => {
    const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(
        `${name} must be a whole number${max === Number.MAX_SAFE_INTEGER ? ` of at least ${min}` : ` from ${min} to ${max}`}`,
      );
    return n;
  };
}

/** Runs `fn` with a connected client and closes it; prints errors as `CODE: message` with exit code 2. */
export async function withClient<T>(
  flags: LedgerFlags,
  fn: (client: SwlClient) => Promise<T>,
): Promise<T | undefined> {
  if (!flags.as) {
    fail('choose an identity with --as <org>:<user> (e.g. --as customs:officer1) or set SWL_AS');
    return undefined;
  }
  let client: SwlClient | undefined;
  try {
    // Loaded on demand: the Fabric libraries parse process.argv when loaded (and answer --help themselves).
    const { connectLocal } =
      lazy<typeof import('@swledger/devnet/client')>('@swledger/devnet/client');
    client = await connectLocal({ as: flags.as, network: flags.network });
    return await fn(client);
  } catch (err) {
    fail(describe(err));
    return undefined;
  } finally {
    client?.close();
  }
}

/** One line for an error: its stable code first. */
export function describe(err: unknown): string {
  if (err instanceof LedgerError)
    return err.message.startsWith(`${err.code}:`) ? err.message : `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Prints an error and sets exit code 2. */
export function fail(message: string): void {
  process.stderr.write(`swl: ${message}\n`);
  process.exitCode = 2;
}

/** Writes a line. */
export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Prints a value as JSON. */
export function printJson(value: unknown): void {
  out(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
}

/** Prints rows as an aligned table. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  out(line(headers));
  for (const r of rows) out(line(r));
}

/** Prints key/value pairs. */
export function printFields(fields: Readonly<Record<string, string | number | undefined>>): void {
  const width = Math.max(...Object.keys(fields).map((k) => k.length));
  for (const [k, v] of Object.entries(fields))
    if (v !== undefined && v !== '') out(`${k.padEnd(width)}  ${v}`);
}

/** Parses repeated `key=value` options into an object. */
export function keyValues(
  pairs: readonly string[] | undefined,
  what: string,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new Error(`${what} '${pair}' must look like key=value`);
    result[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return result;
}

/** Collects a repeated option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
