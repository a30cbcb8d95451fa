import { join } from 'node:path';
import { z } from 'zod';
import { resolveLayout } from '@swledger/devnet/layout';
import { type PeerOrgSpec } from '@swledger/devnet/topology';
import { ConfigError, FileConfig, LimitKey, loadConfigFile } from './configfile';
import type { FileLedgerSettings } from './identityfiles';

/** What an organisation is on the network. */
export type OrgKind = PeerOrgSpec['kind'];

/** Where the service's identities and peers come from. */
export type LedgerSource =
  /** A network started by `swl network up`: its wallet and connection profiles. */
  | { readonly kind: 'network'; readonly network: string }
  /** A config file: a connection profile and identity files. */
  | { readonly kind: 'files'; readonly file: string; readonly settings: FileLedgerSettings };

/** Everything one REST service instance needs, read and validated once at start-up. */
export interface ServerConfig {
  /** The local network, or the config file, the service's identities and peers come from. */
  readonly source: LedgerSource;
  /** Organisation key the service runs for (its identities, its verifier). */
  readonly org: string;
  /** Address to listen on. */
  readonly host: string;
  /** Port; 0 picks a free one. */
  readonly port: number;
  /** TLS certificate and key (PEM files); absent means plain HTTP. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** SQLite file holding tokens and idempotency records. */
  readonly dbFile: string;
  /** Largest JSON body, bytes. */
  readonly maxBodyBytes: number;
  /** Largest uploaded file, bytes (uploads are hashed while streaming, never stored). */
  readonly maxUploadBytes: number;
  /** Largest file an anonymous caller may upload to verify (at most {@link maxUploadBytes}), bytes. */
  readonly maxAnonymousUploadBytes: number;
  /** Event streams one API token may hold open at once. */
  readonly maxStreamsPerToken: number;
  /** How far back an event stream may start (fromBlock or Last-Event-ID), in blocks below the ledger height. */
  readonly maxReplayBlocks: number;
  /** Longest time to receive a request's headers, ms. */
  readonly headersTimeoutMs: number;
  /** Longest time to receive a whole request (headers and body; not the response, so event streams last), ms. */
  readonly requestTimeoutMs: number;
  /** Per-token (or per-address without a token) rate limit: burst size and refill per second. */
  readonly rateLimit: { readonly burst: number; readonly perSecond: number };
  /** How long a retry waits for an earlier attempt's transaction to appear on the ledger, ms. */
  readonly idempotencyWaitMs: number;
  /** Interval of the event stream's keep-alive comments, when it also re-checks the token, ms. */
  readonly heartbeatMs: number;
  /** Kind of each peer organisation of the network, by MSP ID (from its topology). */
  readonly orgKinds: Readonly<Record<string, OrgKind>>;
  /** Run the provenance watch (alerts on the event stream, in the log and in /metrics). */
  readonly watch: boolean;
  /**
   * Run the bank's automated guarantee approver as this identity (e.g.
   * `banka:approver1`, `SWL_REST_APPROVER`); off when absent.
   */
  readonly approver?: string;
  /**
   * Fault injection for restart tests: `exit-after-commit` makes the process
   * exit once a keyed write has committed and before its result is stored.
   */
  readonly failpoint?: 'exit-after-commit';
}

/** Flags and environment a configuration is read from. */
export interface ConfigInput {
  /** Organisation key; required without a config file, and must match the file's `org` with one. */
  readonly org?: string;
  /** Config file (`rest.yaml` or `.json`); default `SWL_CONFIG`; none: the local network. */
  readonly config?: string;
  readonly network?: string;
  readonly host?: string;
  readonly port?: number | string;
  readonly http?: boolean;
  readonly dbFile?: string;
  readonly maxBodyBytes?: number | string;
  readonly maxUploadBytes?: number | string;
  readonly maxAnonymousUploadBytes?: number | string;
  readonly maxStreamsPerToken?: number | string;
  readonly maxReplayBlocks?: number | string;
  readonly headersTimeoutMs?: number | string;
  readonly requestTimeoutMs?: number | string;
  readonly rateBurst?: number | string;
  readonly ratePerSecond?: number | string;
  readonly idempotencyWaitMs?: number | string;
  readonly heartbeatMs?: number | string;
  readonly watch?: boolean;
  /** Identity label of the bank's approver to run inside the service. */
  readonly approver?: string;
}

const MiB = 1024 * 1024;

const schema = z.object({
  org: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'organisation key, e.g. customs'),
  network: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535).optional(),
  http: z.boolean(),
  dbFile: z.string().min(1).optional(),
  maxBodyBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * MiB),
  maxUploadBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * MiB),
  maxAnonymousUploadBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * MiB),
  maxStreamsPerToken: z.coerce.number().int().min(1).max(1000),
  maxReplayBlocks: z.coerce.number().int().min(0).max(100_000_000),
  headersTimeoutMs: z.coerce.number().int().min(100).max(600_000),
  requestTimeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .max(24 * 3_600_000),
  rateBurst: z.coerce.number().int().min(1).max(100_000),
  ratePerSecond: z.coerce.number().min(0.01).max(100_000),
  idempotencyWaitMs: z.coerce.number().int().min(0).max(600_000),
  heartbeatMs: z.coerce.number().int().min(100).max(60_000),
  watch: z.enum(['on', 'off']),
  failpoint: z.enum(['exit-after-commit']).optional(),
  approver: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,31}:[A-Za-z0-9._-]{1,64}$/,
      'an identity label such as banka:approver1',
    )
    .optional(),
});

/** Paths of an organisation's REST service inside a network's run directory. */
export function restPaths(network: string, org: string) {
  const { layout } = resolveLayout({ name: network });
  const tlsDir = join(layout.nodeDir(org, 'rest'), 'tls');
  return {
    dbFile: layout.path('rest', `${org}.sqlite`),
    certFile: join(tlsDir, 'server.crt'),
    keyFile: join(tlsDir, 'server.key'),
    caFile: join(tlsDir, 'ca.crt'),
    credentialsFile: layout.path('rest', 'credentials.json'),
    port: layout.peerPorts(layout.peerOrg(org)).rest,
    orgKinds: Object.fromEntries(layout.topology.peerOrgs.map((o) => [o.mspId, o.kind])),
  };
}

/**
 * Validates flags, environment (`SWL_REST_*`) and, when one is named by
 * `input.config` or `SWL_CONFIG`, a config file into a configuration.
 * Precedence, highest first: flags, environment, config file, defaults.
 *
 * Without a config file the service runs for an organisation of a local
 * network (`SWL_NETWORK` or `dev`) with its wallet. Defaults: 127.0.0.1,
 * the org's REST port from the layout (a config file: 8443), HTTPS with the
 * org's `rest` TLS certificate (a config file: its `tls`), 1 MiB JSON
 * bodies, 1 GiB uploads (25 MiB for an anonymous verification), 20 requests
 * burst and 10/s per token, 4 event streams per token replaying at most
 * 10 000 blocks, 20 s to send the headers and 15 minutes the whole request,
 * the provenance watch on (`SWL_REST_WATCH=off` turns it off).
 * @throws ConfigError naming the first invalid setting (CONFIG_INVALID), or what is wrong with the config file
 */
export function loadConfig(input: ConfigInput, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const configFile = input.config ?? (env.SWL_CONFIG || undefined);
  const file = configFile === undefined ? undefined : loadConfigFile(configFile);
  if (file && input.org !== undefined && input.org !== file.ledger.org)
    throw new ConfigError(
      'CONFIG_CONFLICT',
      `--org ${input.org} contradicts org: ${file.ledger.org} of ${file.file}; drop --org or use that organisation's config file`,
      'org',
      file.file,
    );
  const limit = (key: LimitKey): number | undefined => file?.limits[key];
  const fileWatch = file?.watch === undefined ? undefined : file.watch ? 'on' : 'off';
  const parsed = schema.safeParse({
    org: input.org ?? file?.ledger.org,
    network: input.network ?? env.SWL_NETWORK ?? 'dev',
    host: input.host ?? env.SWL_REST_HOST ?? file?.host ?? '127.0.0.1',
    port: input.port ?? env.SWL_REST_PORT ?? file?.port,
    http: input.http ?? (file !== undefined && file.tls === undefined),
    dbFile: input.dbFile ?? env.SWL_REST_DB ?? file?.database,
    maxBodyBytes: input.maxBodyBytes ?? env.SWL_REST_MAX_BODY ?? limit('maxBodyBytes') ?? MiB,
    maxUploadBytes:
      input.maxUploadBytes ?? env.SWL_REST_MAX_UPLOAD ?? limit('maxUploadBytes') ?? 1024 * MiB,
    maxAnonymousUploadBytes:
      input.maxAnonymousUploadBytes ??
      env.SWL_REST_MAX_ANONYMOUS_UPLOAD ??
      limit('maxAnonymousUploadBytes') ??
      25 * MiB,
    maxStreamsPerToken:
      input.maxStreamsPerToken ?? env.SWL_REST_MAX_STREAMS ?? limit('maxStreamsPerToken') ?? 4,
    maxReplayBlocks:
      input.maxReplayBlocks ?? env.SWL_REST_MAX_REPLAY_BLOCKS ?? limit('maxReplayBlocks') ?? 10_000,
    headersTimeoutMs:
      input.headersTimeoutMs ??
      env.SWL_REST_HEADERS_TIMEOUT_MS ??
      limit('headersTimeoutMs') ??
      20_000,
    requestTimeoutMs:
      input.requestTimeoutMs ??
      env.SWL_REST_REQUEST_TIMEOUT_MS ??
      limit('requestTimeoutMs') ??
      900_000,
    rateBurst: input.rateBurst ?? env.SWL_REST_RATE_BURST ?? limit('rateBurst') ?? 20,
    ratePerSecond:
      input.ratePerSecond ?? env.SWL_REST_RATE_PER_SECOND ?? limit('ratePerSecond') ?? 10,
    idempotencyWaitMs:
      input.idempotencyWaitMs ??
      env.SWL_REST_IDEMPOTENCY_WAIT_MS ??
      limit('idempotencyWaitMs') ??
      20_000,
    heartbeatMs: input.heartbeatMs ?? env.SWL_REST_HEARTBEAT_MS ?? limit('heartbeatMs') ?? 15_000,
    watch:
      input.watch === undefined
        ? (env.SWL_REST_WATCH ?? fileWatch ?? 'on')
        : input.watch
          ? 'on'
          : 'off',
    failpoint: env.SWL_REST_FAILPOINT || undefined,
    approver: input.approver ?? (env.SWL_REST_APPROVER || undefined),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new ConfigError(
      'CONFIG_INVALID',
      `invalid REST service setting ${key}: ${key === 'org' && input.org === undefined ? 'choose an organisation with --org <org>, or a config file with --config <file>' : (issue?.message ?? 'invalid')}`,
      key,
      file?.file,
    );
  }
  const c = parsed.data;
  const limits = {
    maxBodyBytes: c.maxBodyBytes,
    maxUploadBytes: c.maxUploadBytes,
    maxAnonymousUploadBytes: Math.min(c.maxAnonymousUploadBytes, c.maxUploadBytes),
    maxStreamsPerToken: c.maxStreamsPerToken,
    maxReplayBlocks: c.maxReplayBlocks,
    headersTimeoutMs: Math.min(c.headersTimeoutMs, c.requestTimeoutMs),
    requestTimeoutMs: c.requestTimeoutMs,
    rateLimit: { burst: c.rateBurst, perSecond: c.ratePerSecond },
    idempotencyWaitMs: c.idempotencyWaitMs,
    heartbeatMs: c.heartbeatMs,
    watch: c.watch === 'on',
    failpoint: c.failpoint,
    ...(c.approver === undefined ? {} : { approver: c.approver }),
  };
  if (file) return { ...limits, ...fromFile(file, c) };
  const paths = restPaths(c.network, c.org);
  return {
    ...limits,
    source: { kind: 'network', network: c.network },
    org: c.org,
    host: c.host,
    port: c.port ?? paths.port,
    tls: c.http ? undefined : { certFile: paths.certFile, keyFile: paths.keyFile },
    dbFile: c.dbFile ?? paths.dbFile,
    orgKinds: paths.orgKinds,
  };
}

/** The parts of a configuration a config file gives. @throws ConfigError CONFIG_INVALID without a database */
function fromFile(
  file: FileConfig,
  c: { org: string; host: string; port?: number; http: boolean; dbFile?: string },
): Pick<ServerConfig, 'source' | 'org' | 'host' | 'port' | 'tls' | 'dbFile' | 'orgKinds'> {
  if (!c.http && file.tls === undefined)
    throw new ConfigError(
      'CONFIG_INVALID',
      `tls: ${file.file} sets tls: false, so the service can only serve plain HTTP; give tls.certificate and tls.privateKey`,
      'tls',
      file.file,
    );
  return {
    source: { kind: 'files', file: file.file, settings: file.ledger },
    org: c.org,
    host: c.host,
    port: c.port ?? DEFAULT_FILE_PORT,
    tls: c.http ? undefined : file.tls,
    dbFile: c.dbFile ?? file.database,
    orgKinds: Object.fromEntries(file.ledger.organizations.map((o) => [o.msp, o.kind])),
  };
}

/** Port of a service configured by a file that names none. */
export const DEFAULT_FILE_PORT = 8443;
