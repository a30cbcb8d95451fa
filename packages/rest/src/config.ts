import { join } from 'node:path';
import { z } from 'zod';
import { resolveLayout } from '@swledger/devnet/layout';
import { type PeerOrgSpec } from '@swledger/devnet/topology';

/** What an organisation is on the network. */
export type OrgKind = PeerOrgSpec['kind'];

/** Everything one REST service instance needs, read and validated once at start-up. */
export interface ServerConfig {
  /** Network instance whose wallet and peers the service uses. */
  readonly network: string;
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
   * Fault injection for restart tests: `exit-after-commit` makes the process
   * exit once a keyed write has committed and before its result is stored.
   */
  readonly failpoint?: 'exit-after-commit';
}

/** Flags and environment a configuration is read from. */
export interface ConfigInput {
  readonly org: string;
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
 * Validates flags and environment (`SWL_REST_*`) into a configuration.
 * Defaults: network `SWL_NETWORK` or `dev`, 127.0.0.1, the org's REST port
 * from the layout, HTTPS with the org's `rest` TLS certificate, 1 MiB JSON
 * bodies, 1 GiB uploads (25 MiB for an anonymous verification), 20 requests
 * burst and 10/s per token, 4 event streams per token replaying at most
 * 10 000 blocks, 20 s to send the headers and 15 minutes the whole request,
 * the provenance watch on (`SWL_REST_WATCH=off` turns it off).
 * @throws Error naming the first invalid setting
 */
export function loadConfig(input: ConfigInput, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = schema.safeParse({
    org: input.org,
    network: input.network ?? env.SWL_NETWORK ?? 'dev',
    host: input.host ?? env.SWL_REST_HOST ?? '127.0.0.1',
    port: input.port ?? env.SWL_REST_PORT,
    http: input.http ?? false,
    dbFile: input.dbFile ?? env.SWL_REST_DB,
    maxBodyBytes: input.maxBodyBytes ?? env.SWL_REST_MAX_BODY ?? MiB,
    maxUploadBytes: input.maxUploadBytes ?? env.SWL_REST_MAX_UPLOAD ?? 1024 * MiB,
    maxAnonymousUploadBytes:
      input.maxAnonymousUploadBytes ?? env.SWL_REST_MAX_ANONYMOUS_UPLOAD ?? 25 * MiB,
    maxStreamsPerToken: input.maxStreamsPerToken ?? env.SWL_REST_MAX_STREAMS ?? 4,
    maxReplayBlocks: input.maxReplayBlocks ?? env.SWL_REST_MAX_REPLAY_BLOCKS ?? 10_000,
    headersTimeoutMs: input.headersTimeoutMs ?? env.SWL_REST_HEADERS_TIMEOUT_MS ?? 20_000,
    requestTimeoutMs: input.requestTimeoutMs ?? env.SWL_REST_REQUEST_TIMEOUT_MS ?? 900_000,
    rateBurst: input.rateBurst ?? env.SWL_REST_RATE_BURST ?? 20,
    ratePerSecond: input.ratePerSecond ?? env.SWL_REST_RATE_PER_SECOND ?? 10,
    idempotencyWaitMs: input.idempotencyWaitMs ?? env.SWL_REST_IDEMPOTENCY_WAIT_MS ?? 20_000,
    heartbeatMs: input.heartbeatMs ?? env.SWL_REST_HEARTBEAT_MS ?? 15_000,
    watch: input.watch === undefined ? (env.SWL_REST_WATCH ?? 'on') : input.watch ? 'on' : 'off',
    failpoint: env.SWL_REST_FAILPOINT || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid REST service setting ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const c = parsed.data;
  const paths = restPaths(c.network, c.org);
  return {
    network: c.network,
    org: c.org,
    host: c.host,
    port: c.port ?? paths.port,
    tls: c.http ? undefined : { certFile: paths.certFile, keyFile: paths.keyFile },
    dbFile: c.dbFile ?? paths.dbFile,
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
    orgKinds: paths.orgKinds,
    watch: c.watch === 'on',
    failpoint: c.failpoint,
  };
}
