import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDirOf } from '@swledger/devnet/layout';
import { loadConfig, ServerConfig } from '@swledger/rest/config';
import { RestProcess, spawnRestService } from '@swledger/rest/process';
import { createServer, RestServer } from '@swledger/rest/server';
import { TEST_NETWORK, testLayout } from '../harness';

/** A REST service of the test network running in this process, with plain HTTP on a free port. */
export interface TestService {
  readonly url: string;
  readonly server: RestServer;
  readonly dbFile: string;
  /** A fresh token for a wallet identity. */
  token(identity: string): string;
  close(): Promise<void>;
}

/** A temporary directory removed at the end of the run. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `swl-${prefix}-`));
}

/** Starts an organisation's service in-process; `overrides` tune limits. */
export async function startService(
  org: string,
  overrides: Partial<Parameters<typeof loadConfig>[0]> = {},
  network = TEST_NETWORK,
): Promise<TestService> {
  const dbFile = overrides.dbFile ?? join(tempDir('rest'), `${org}.sqlite`);
  const config: ServerConfig = loadConfig(
    { org, network, http: true, port: 0, dbFile, ...overrides },
    {},
  );
  const server = createServer(config, () => undefined);
  const url = await server.listen();
  return {
    url,
    server,
    dbFile,
    token: (identity) => server.tokens.create(identity, 'test').token,
    close: () => server.close(),
  };
}

/** JSON request helper: status, headers and parsed body. */
export async function call(
  url: string,
  opts: {
    method?: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    raw?: RequestInit['body'];
  } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: RequestInit['body'] = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(url, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** `swl serve` of the test network as a child process (plain HTTP), for restart tests. */
export function spawnService(
  org: string,
  port: number,
  env: Record<string, string>,
): Promise<RestProcess> {
  return spawnRestService(TEST_NETWORK, org, port, env);
}

/**
 * A copy of the test network's identities under another network name whose
 * ports nothing listens on: a service of it cannot reach any peer.
 */
export function unreachableNetwork(): { name: string; remove: () => void } {
  const layout = testLayout();
  const name = `${TEST_NETWORK}-gone`.slice(0, 32);
  const dir = runDirOf(name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const state = JSON.parse(readFileSync(layout.path('network.json'), 'utf8')) as {
    name: string;
    portBase: number;
  };
  writeFileSync(
    join(dir, 'network.json'),
    JSON.stringify({ ...state, name, portBase: 29_400 }, null, 2),
  );
  cpSync(layout.walletDir(), join(dir, 'wallet'), { recursive: true });
  for (const org of layout.topology.peerOrgs
    .map((o) => o.key)
    .concat(layout.topology.ordererOrg.key)) {
    mkdirSync(join(dir, 'orgs', org, 'msp', 'cacerts'), { recursive: true });
    copyFileSync(layout.orgCaCert(org), join(dir, 'orgs', org, 'msp', 'cacerts', 'ca.pem'));
  }
  return { name, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
