import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { enrollRestTls, restTlsDir } from '@swledger/devnet/crypto';
import { Layout, resolveLayout } from '@swledger/devnet/layout';
import { httpsStatus, runningPid, startProcess, stopProcess, waitFor } from '@swledger/devnet/proc';
import { restPaths } from './config';
import { openDb } from './db';
import { SWL_MAIN } from './process';
import { TokenStore } from './tokens';

/** Tracked process name of an organisation's REST service. */
export function restProcessName(org: string): string {
  return `rest-${org}`;
}

/** Makes sure the organisation's REST TLS certificate exists (networks created before it had none). */
export async function ensureRestTls(layout: Layout, org: string): Promise<void> {
  if (existsSync(join(restTlsDir(layout, org), 'server.crt'))) return;
  await enrollRestTls(layout, layout.peerOrg(org));
}

/** One running service. */
export interface ServiceInfo {
  readonly org: string;
  readonly url: string;
  readonly pid: number;
}

/**
 * Starts the HTTPS REST service of every peer organisation as a tracked
 * detached process (`rest-<org>`, stopped by `swl network down`), unless it
 * runs already, and waits until each answers /healthz.
 */
export async function startServices(network: string): Promise<ServiceInfo[]> {
  const { layout, existing } = resolveLayout({ name: network });
  if (!existing) throw new Error(`no network named '${network}': start it with 'swl network up'`);
  const main = SWL_MAIN;
  const out: ServiceInfo[] = [];
  for (const org of layout.topology.peerOrgs) {
    await ensureRestTls(layout, org.key);
    const name = restProcessName(org.key);
    const paths = restPaths(network, org.key);
    if (runningPid(layout, name) === undefined)
      startProcess(layout, {
        name,
        command: process.execPath,
        args: [main, 'serve', '--org', org.key, '-n', network],
        env: { SWL_NETWORK: network },
      });
    const ca = readFileSync(paths.caFile, 'utf8');
    const url = `https://localhost:${paths.port}`;
    await waitFor(
      `${name} on ${url} (log: ${layout.logFile(name)})`,
      async () => (await httpsStatus(`${url}/healthz`, ca)) === 200,
      30_000,
    );
    out.push({ org: org.key, url, pid: runningPid(layout, name) ?? 0 });
  }
  return out;
}

/** Stops every organisation's REST service of a network. */
export async function stopServices(network: string): Promise<void> {
  const { layout } = resolveLayout({ name: network });
  for (const org of layout.topology.peerOrgs) await stopProcess(layout, restProcessName(org.key));
}

/** The demo credentials file: per organisation, its URL and one token per demo user. */
export interface DemoCredentials {
  readonly network: string;
  readonly createdAt: string;
  readonly caFile: string;
  readonly services: Record<
    string,
    { readonly url: string; readonly caFile: string; readonly tokens: Record<string, string> }
  >;
}

/**
 * On first start, creates a token for every demo user of the topology and
 * writes them to the credentials file (mode 0600). Later calls return the
 * file's path and create nothing.
 */
export function ensureDemoCredentials(network: string): { file: string; created: boolean } {
  const { layout } = resolveLayout({ name: network });
  const first = layout.topology.peerOrgs[0];
  if (!first) throw new Error('the topology has no peer organisation');
  const file = restPaths(network, first.key).credentialsFile;
  if (existsSync(file)) return { file, created: false };
  const services: DemoCredentials['services'] = {};
  for (const org of layout.topology.peerOrgs) {
    const paths = restPaths(network, org.key);
    const db = openDb(paths.dbFile);
    try {
      const store = new TokenStore(db);
      const tokens: Record<string, string> = {};
      for (const user of org.users) {
        const label = `${org.key}:${user.name}`;
        if (user.role === 'verifier' || store.isRevokedIdentity(label)) continue;
        tokens[label] = store.create(label, 'demo token created by npm start').token;
      }
      services[org.key] = { url: `https://localhost:${paths.port}`, caFile: paths.caFile, tokens };
    } finally {
      db.close();
    }
  }
  const creds: DemoCredentials = {
    network,
    createdAt: new Date().toISOString(),
    caFile: restPaths(network, first.key).caFile,
    services,
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return { file, created: true };
}
