import { Command, InvalidArgumentError } from 'commander';
import { LedgerError } from '@swledger/sdk/errors';
import type { SwlClient } from '@swledger/sdk/client';
import { lazy } from './lazy';

/** Options every ledger command takes. */
export interface LedgerFlags {
  readonly as?: string;
  readonly network?: string;
  readonly json?: boolean;
  /** A config file (as `swl serve --config`); default `SWL_CONFIG`. */
  readonly config?: string;
  /** A connection profile, used with {@link identity}. */
  readonly profile?: string;
  /** An identity's MSP directory (`users/alpha@enterprise/msp`, or the directory holding it). */
  readonly identity?: string;
  /** The mutual-TLS client pair's directory (`client.crt`, `client.key`). */
  readonly tlsClient?: string;
  /**
   * The enterprise's encrypted keystore its writes are signed with, on a
   * profile or config connection (`--keystore` of {@link signingOptions}).
   */
  readonly signingKeystore?: string;
}

/**
 * Adds `--keystore <file>` to a command making enterprise writes: on a
 * `--profile` or `--config` connection they are signed with that keystore
 * (a local network signs with its own keystores).
 */
export function signingOptions(cmd: Command): Command {
  return cmd
    .option(
      '--keystore <file>',
      "sign enterprise writes with this encrypted keystore, with --profile or --config (passphrase from SWL_KEYSTORE_PASSPHRASE or a prompt; the enterprise is the identity certificate's swl.entity)",
    )
    .hook('preAction', (_cmd, action) => {
      const file = action.opts<{ keystore?: string }>().keystore;
      if (file !== undefined) action.setOptionValue('signingKeystore', file);
    });
}

/**
 * Adds `--as`, `-n/--network`, `--json` and the connection flags to a
 * command. Three ways to connect, first match wins: `--profile <file>
 * --identity <dir>`; a config file (`--config <file>` or `SWL_CONFIG`),
 * acting as its service identity or `--as` one of its users; the local
 * network's wallet (`--as <org:user>`, default `defaultAs`).
 */
export function ledgerOptions(cmd: Command, defaultAs?: string): Command {
  return cmd
    .option(
      '--as <org:user>',
      "identity: from the network's wallet, or a user of the config file (env SWL_AS)",
      process.env.SWL_AS,
    )
    .option(
      '-n, --network <name>',
      'network instance (env SWL_NETWORK)',
      process.env.SWL_NETWORK ?? 'dev',
    )
    .option('--config <file>', 'connect as a config file says (rest.yaml or .json; env SWL_CONFIG)')
    .option(
      '--profile <file>',
      'connect with this Fabric connection profile (JSON or YAML) and --identity',
    )
    .option(
      '--identity <dir>',
      "the identity's MSP directory (signcerts/, keystore/), with --profile",
    )
    .option(
      '--tls-client <dir>',
      "the mutual-TLS client pair's directory (client.crt, client.key), with --profile; default <profile's directory>/tls when it exists",
    )
    .option('--json', 'print JSON instead of tables')
    .hook('preAction', (_cmd, action) => {
      const f = action.opts<LedgerFlags>();
      if (f.as === undefined && defaultAs !== undefined && connectionKind(f) === 'network')
        action.setOptionValue('as', defaultAs);
    });
}

/** How a ledger command connects, from its flags and the environment. */
export function connectionKind(
  f: LedgerFlags,
  env: NodeJS.ProcessEnv = process.env,
): 'profile' | 'config' | 'network' {
  if (f.profile !== undefined || f.identity !== undefined) return 'profile';
  if (f.config !== undefined || (env.SWL_CONFIG ?? '') !== '') return 'config';
  return 'network';
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
  const kind = connectionKind(flags);
  if (kind === 'network' && !flags.as) {
    fail(
      'choose an identity with --as <org>:<user> (e.g. --as customs:officer1) or set SWL_AS; or connect with --config <file>, or --profile <file> --identity <dir>',
    );
    return undefined;
  }
  let client: SwlClient | undefined;
  try {
    // Loaded on demand: the Fabric libraries parse process.argv when loaded (and answer --help themselves).
    const { connectClient } = await lazy<typeof import('./connect')>('./connect');
    client = await connectClient(kind, flags);
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
