import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  Layout,
  NetworkOptions,
  REPO_ROOT,
  fabricHome,
  resolveLayout,
  runDirOf,
  saveState,
} from './layout';
import { caCertFile, enrollOrdererOrg, enrollPeerOrg, netnsOption, startCa } from './crypto';
import { leftovers, removeIsolation, setupIsolation } from './isolate';
import { ordererEnv, peerEnv, renderConfigtx, renderCoreYaml, renderOrdererYaml } from './config';
import { createGenesisBlock, joinOrderer, joinPeer, ledgerHeight } from './channel';
import {
  approveChaincode,
  commitChaincode,
  discoveredEndorsers,
  installChaincode,
  isCommitted,
  packageChaincode,
} from './chaincode';
import { fabricBin, peerCli } from './peercli';
import { PeerOrgSpec } from './topology';
import { raftLeader } from './raft';
import {
  GETH_PROCESS,
  anchoringOf,
  deployAnchor,
  ensureGeth,
  gethPorts,
  rpcUrlOf,
  runsGeth,
  startGeth,
} from './evm';
import {
  ensurePortsFree,
  httpsStatus,
  runningPid,
  sleep,
  startProcess,
  stopProcess,
  waitFor,
} from './proc';

/** Receives progress lines. */
export type Progress = (line: string) => void;

/** This package's root (this file is packages/devnet/{src,dist}/network.{ts,js}). */
const DEVNET_PACKAGE = resolve(__dirname, '..');

const quiet: Progress = () => undefined;

/** Checks the Fabric binaries are installed; installs them when allowed. */
export function ensureBinaries(progress: Progress, install = true): void {
  if (existsSync(join(fabricHome(), '.complete'))) return;
  if (!install)
    throw new Error(
      `Fabric binaries are missing in ${fabricHome()}: run scripts/install-fabric.sh (or npm run setup)`,
    );
  progress('Fabric binaries are not cached yet: building them (first run only)');
  const res = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'install-fabric.sh')], {
    stdio: 'inherit',
  });
  if (res.status !== 0) throw new Error('installing the Fabric binaries failed (see above)');
}

function caUrl(layout: Layout, orgKey: string, port: number): Promise<number> {
  return httpsStatus(
    `https://${layout.hostOf(orgKey)}:${port}/cainfo`,
    readFileSync(caCertFile(layout, orgKey), 'utf8'),
  );
}

async function healthy(layout: Layout, orgKey: string, port: number): Promise<boolean> {
  return (
    (await httpsStatus(
      `https://${layout.hostOf(orgKey)}:${port}/healthz`,
      readFileSync(layout.orgCaCert(orgKey), 'utf8'),
    )) === 200
  );
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    s.setTimeout(1000);
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

async function timed<T>(progress: Progress, what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  progress(`${what} ...`);
  const out = await fn();
  progress(`${what}: done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return out;
}

const EPHEMERAL_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/**
 * Explains when the network's ports fall in the kernel's range for outgoing
 * connections: any client socket may then hold one of them when a process
 * starts. Undefined when they do not, or the range cannot be read.
 */
export function ephemeralOverlap(
  layout: Layout,
  rangeFile = EPHEMERAL_RANGE_FILE,
): string | undefined {
  let low: number;
  let high: number;
  try {
    [low, high] = readFileSync(rangeFile, 'utf8').trim().split(/\s+/).map(Number) as [
      number,
      number,
    ];
  } catch {
    return undefined;
  }
  const ports = networkPorts(layout);
  const first = Math.min(...ports);
  const last = Math.max(...ports);
  if (!Number.isFinite(low) || !Number.isFinite(high) || last < low || first > high)
    return undefined;
  return (
    `ports ${first}-${last} overlap the kernel's ephemeral port range ${low}-${high}, ` +
    'so an outgoing connection may hold one of them; a port base below ' +
    `${Math.max(1024, low - (last - first) - 1)} avoids it`
  );
}

/** Every port the network's processes and REST services listen on. */
export function networkPorts(layout: Layout): number[] {
  const ports: number[] = [];
  const ca = layout.ordererCaPorts();
  ports.push(ca.ca, ca.caOperations);
  layout.ordererNames().forEach((_, n) => {
    const o = layout.ordererPorts(n);
    ports.push(o.listen, o.admin, o.operations);
  });
  for (const org of layout.topology.peerOrgs) ports.push(...Object.values(layout.peerPorts(org)));
  if (runsGeth(layout)) ports.push(...Object.values(gethPorts(layout)));
  return ports;
}

/** Result of `up`. */
export interface UpResult {
  readonly layout: Layout;
  readonly alreadyRunning: boolean;
  readonly seconds: number;
}

/**
 * Starts the network (idempotent): CAs, crypto material on first start,
 * orderers and channel, peers, chaincode lifecycle, chaincode servers under
 * the supervisor. Returns once service discovery lists endorsers of every
 * organisation and the chaincode answers a ping.
 */
export async function up(opts: NetworkOptions & { progress?: Progress } = {}): Promise<UpResult> {
  const progress = opts.progress ?? quiet;
  const t0 = Date.now();
  ensureBinaries(progress);
  const { layout, existing } = resolveLayout(opts);
  if (runsGeth(layout)) ensureGeth(progress);
  if (existing && (await fullyRunning(layout))) {
    progress(`network '${layout.state.name}' is already running (port base ${layout.base})`);
    return { layout, alreadyRunning: true, seconds: 0 };
  }
  mkdirSync(layout.runDir, { recursive: true, mode: 0o700 });
  if (layout.isolated) await isolate(layout, progress);
  const overlap = ephemeralOverlap(layout);
  if (overlap) progress(`warning: ${overlap}`);
  const t = layout.topology;
  const orgKeys = [t.ordererOrg.key, ...t.peerOrgs.map((o) => o.key)];

  await timed(progress, `starting ${orgKeys.length} certificate authorities`, () =>
    Promise.all(orgKeys.map((k) => startCa(layout, k, progress))),
  );
  if (runsGeth(layout))
    await timed(
      progress,
      `starting the EVM node (geth --dev, RPC 127.0.0.1:${gethPorts(layout).http})`,
      () => startGeth(layout),
    );
  if (!existing) {
    await timed(
      progress,
      'enrolling nodes, admins and users (attributes swl.role, swl.entity)',
      async () => {
        await Promise.all([
          enrollOrdererOrg(layout),
          ...t.peerOrgs.map((o) => enrollPeerOrg(layout, o)),
        ]);
      },
    );
    saveState(layout);
  }
  const coreDir = renderCoreYaml(layout);
  const ordererDir = renderOrdererYaml(layout);
  await createGenesisBlock(layout, renderConfigtx(layout));

  await timed(
    progress,
    `starting ${layout.state.orderers} orderer(s) and joining ${layout.channel}`,
    async () => {
      for (const [n, name] of layout.ordererNames().entries()) {
        if (runningPid(layout, name) !== undefined) continue;
        const ports = layout.ordererPorts(n);
        if (!layout.isolated)
          await ensurePortsFree(name, {
            listen: ports.listen,
            admin: ports.admin,
            operations: ports.operations,
          });
        startProcess(layout, {
          name,
          command: fabricBin('orderer'),
          args: [],
          env: ordererEnv(layout, n, ordererDir),
          ...netnsOption(layout, t.ordererOrg.key),
        });
      }
      await Promise.all(
        layout.ordererNames().map(async (name, n) => {
          await waitFor(
            `${name} /healthz (log: ${layout.logFile(name)})`,
            () => healthy(layout, t.ordererOrg.key, layout.ordererPorts(n).operations),
            60_000,
            250,
            { layout, name },
          );
          // The operations endpoint answers before the admin (channel participation) listener opens.
          await waitFor(
            `${name} admin endpoint (log: ${layout.logFile(name)})`,
            () => tcpOpen(layout.hostOf(t.ordererOrg.key), layout.ordererPorts(n).admin),
            30_000,
            100,
            { layout, name },
          );
          await joinOrderer(layout, n);
        }),
      );
    },
  );

  await timed(
    progress,
    `starting ${t.peerOrgs.length} peers and joining ${layout.channel}`,
    async () => {
      const restarted = existing
        ? t.peerOrgs.filter((o) => runningPid(layout, `peer0-${o.key}`) === undefined)
        : [];
      // A peer restarted beside running ones must reach their height before `up` returns.
      const target = await highestRunningPeer(
        layout,
        t.peerOrgs.filter((o) => !restarted.includes(o)),
      );
      for (const org of t.peerOrgs) {
        const name = `peer0-${org.key}`;
        if (runningPid(layout, name) !== undefined) continue;
        const ports = layout.peerPorts(org);
        if (!layout.isolated)
          await ensurePortsFree(name, {
            peer: ports.peer,
            'chaincode listen': ports.chaincodeListen,
            operations: ports.operations,
          });
        startProcess(layout, {
          name,
          command: fabricBin('peer'),
          args: ['node', 'start'],
          env: peerEnv(layout, org, coreDir),
          ...netnsOption(layout, org.key),
        });
      }
      await Promise.all(
        t.peerOrgs.map(async (org) => {
          // The operations endpoint answers before the peer's gRPC listener on a restart.
          await waitFor(
            `peer0-${org.key} /healthz and its port (log: ${layout.logFile(`peer0-${org.key}`)})`,
            async () =>
              (await healthy(layout, org.key, layout.peerPorts(org).operations)) &&
              (await tcpOpen(layout.hostOf(org.key), layout.peerPorts(org).peer)),
            120_000,
            250,
            { layout, name: `peer0-${org.key}` },
          );
          await joinPeer(layout, org);
          if (restarted.includes(org) && target > 0)
            await waitFor(
              `peer0-${org.key} to catch up to block height ${target}`,
              async () => (await ledgerHeight(layout, org).catch(() => 0)) >= target,
              120_000,
              500,
            );
        }),
      );
    },
  );

  await timed(progress, `deploying chaincode ${t.chaincode.name} as a service`, async () => {
    for (const org of t.peerOrgs) await packageChaincode(layout, org);
    await startSupervisor(layout);
    const first = t.peerOrgs[0]!;
    if (!(await isCommitted(layout, first))) {
      await Promise.all(t.peerOrgs.map((org) => installChaincode(layout, org)));
      for (const org of t.peerOrgs) await approveChaincode(layout, org);
      await commitChaincode(layout, first);
    }
  });

  await timed(
    progress,
    'waiting for service discovery to list every organisation as endorser',
    () => waitDiscovery(layout, 120_000),
  );
  await timed(progress, 'waiting for the chaincode to answer', () => waitPing(layout, 60_000));
  // Orderers restarted from their ledgers elect a leader a few seconds after /healthz turns OK;
  // until then every broadcast is refused. Invokable means ordered too.
  await timed(progress, 'waiting for the Raft leader of the ordering service', () =>
    waitFor(
      'a Raft leader on the channel',
      async () => (await raftLeader(layout)) !== undefined,
      60_000,
      250,
    ),
  );
  await timed(progress, 'binding the enterprise keys (each confirmed by its bank)', () =>
    bindLocalEnterpriseKeys(layout, progress),
  );
  if (anchoringOf(layout).enabled)
    await timed(
      progress,
      `anchor keys of ${t.peerOrgs.length} organisations and the anchor contract on ${rpcUrlOf(layout)}`,
      async () => {
        const d = await deployAnchor(layout, await ledgerHeight(layout, t.peerOrgs[0]!), progress);
        progress(
          `anchor contract ${d.contract} on chain ${d.chainId} (from Fabric block ${d.firstBlock})`,
        );
      },
    );
  const seconds = (Date.now() - t0) / 1000;
  progress(
    `network '${layout.state.name}' is up in ${seconds.toFixed(1)}s (run dir ${layout.runDir})`,
  );
  return { layout, alreadyRunning: false, seconds };
}

/**
 * Binds the topology's enterprise keys. The Fabric client libraries parse
 * `process.argv` when loaded, so they are loaded here, when needed, with a
 * CommonJS require (`import()` would stay an ES import under node16).
 */
async function bindLocalEnterpriseKeys(layout: Layout, progress: Progress): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { SwlClient } = require('@swledger/sdk') as typeof import('@swledger/sdk');
  const { localConnectionOptions } = require('./client') as typeof import('./client');
  const { bindEnterpriseKeys } = require('./enterprisekeys') as typeof import('./enterprisekeys');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const connect = (as: string) =>
    SwlClient.open(localConnectionOptions({ as, network: layout.state.name }));
  await bindEnterpriseKeys(layout, { connect }, progress);
}

/**
 * Makes the hosts of an isolated network: its namespaces, veths and bridge.
 * When none of its processes runs (a first start, a start after `down`, or
 * after a crash), whatever an earlier run left is removed first, so every
 * host starts clean; a running network keeps its namespaces.
 */
async function isolate(layout: Layout, progress: Progress): Promise<void> {
  const anyRunning = [
    ...layout.processNames(),
    ...layout.topology.peerOrgs.map((o) => `cc-${o.key}`),
  ].some((n) => runningPid(layout, n) !== undefined);
  if (!anyRunning) {
    const removed = await removeIsolation(layout.state.name);
    if (removed.length > 0) progress(`removed what an earlier run left: ${removed.join(', ')}`);
  }
  const plan = await timed(progress, 'creating one network namespace per organisation', () =>
    setupIsolation(layout),
  );
  progress(
    `hosts on bridge ${plan.bridge} (${plan.bridgeAddress}): ${plan.hosts.map((h) => `${h.orgKey} ${h.address}`).join(', ')}`,
  );
}

/** Highest ledger height among the given (running) peers; 0 when none answers. */
async function highestRunningPeer(layout: Layout, orgs: readonly PeerOrgSpec[]): Promise<number> {
  const running = orgs.filter((o) => runningPid(layout, `peer0-${o.key}`) !== undefined);
  const hs = await Promise.all(running.map((o) => ledgerHeight(layout, o).catch(() => 0)));
  return Math.max(0, ...hs);
}

async function startSupervisor(layout: Layout): Promise<void> {
  if (runningPid(layout, 'supervisor') !== undefined) return;
  for (const org of layout.topology.peerOrgs)
    if (!layout.isolated && runningPid(layout, `cc-${org.key}`) === undefined)
      await ensurePortsFree(`the chaincode server of ${org.key}`, {
        'chaincode server': layout.peerPorts(org).chaincodeServer,
      });
  startProcess(layout, {
    name: 'supervisor',
    command: process.execPath,
    args: [join(DEVNET_PACKAGE, 'dist', 'supervisor.js'), layout.state.name],
    env: {},
  });
}

async function waitDiscovery(layout: Layout, timeoutMs: number): Promise<void> {
  const want = layout.topology.peerOrgs.map((o) => o.mspId);
  let seen = new Set<string>();
  await waitFor(
    `discovery to list endorsers of ${want.join(', ')}`,
    async () => {
      for (const org of layout.topology.peerOrgs) {
        try {
          seen = await discoveredEndorsers(layout, org);
        } catch {
          return false;
        }
        if (!want.every((m) => seen.has(m))) return false;
      }
      return true;
    },
    timeoutMs,
    1000,
  );
}

async function waitPing(layout: Layout, timeoutMs: number): Promise<void> {
  let last = '';
  try {
    await waitFor(
      'the chaincode to answer system:ping on every peer',
      async () => {
        for (const org of layout.topology.peerOrgs) {
          try {
            await peerCli(layout, org, [
              'chaincode',
              'query',
              '-C',
              layout.channel,
              '-n',
              layout.topology.chaincode.name,
              '-c',
              '{"Args":["system:ping"]}',
            ]);
          } catch (err) {
            last = String(err);
            return false;
          }
        }
        return true;
      },
      timeoutMs,
      500,
    );
  } catch (err) {
    throw new Error(`${String(err)}; last error: ${last}`);
  }
}

/** Whether every tracked process runs and the chaincode is committed. */
async function fullyRunning(layout: Layout): Promise<boolean> {
  if (!layout.processNames().every((n) => runningPid(layout, n) !== undefined)) return false;
  if (runsGeth(layout) && runningPid(layout, GETH_PROCESS) === undefined) return false;
  const first = layout.topology.peerOrgs[0]!;
  try {
    return await isCommitted(layout, first);
  } catch {
    return false;
  }
}

const STOP_ORDER = ['anchor-', 'supervisor', 'cc-', 'peer', 'orderer', 'ca-', 'geth'];

/**
 * Stops exactly the processes `up` started (the PID files of the run
 * directory), dependants first; keeps the data unless `purge`.
 */
export async function down(
  opts: NetworkOptions & { purge?: boolean; progress?: Progress } = {},
): Promise<void> {
  const progress = opts.progress ?? quiet;
  const name = opts.name ?? 'dev';
  const runDir = runDirOf(name);
  const pidDir = join(runDir, 'pids');
  if (!existsSync(runDir)) progress(`no network named '${name}' in ${runDir}`);
  const procs = existsSync(pidDir)
    ? readdirSync(pidDir)
        .filter((f) => f.endsWith('.pid'))
        .map((f) => f.slice(0, -4))
    : [];
  const rank = (p: string) => STOP_ORDER.findIndex((prefix) => p.startsWith(prefix));
  procs.sort((a, b) => rank(a) - rank(b));
  const handle = { path: (...parts: string[]) => join(runDir, ...parts) };
  for (const proc of procs) {
    if (await stopProcess(handle, proc)) progress(`stopped ${proc}`);
  }
  await removeHosts(name, progress);
  if (opts.purge) {
    rmSync(runDir, { recursive: true, force: true });
    progress(`purged ${runDir}`);
  }
}

/** Removes an isolated network's namespaces, veths and bridge, if any exist (and `ip` is there to list them). */
async function removeHosts(name: string, progress: Progress): Promise<void> {
  let found: { netns: string[]; links: string[] };
  try {
    found = await leftovers(name);
  } catch {
    return;
  }
  if (found.netns.length + found.links.length === 0) return;
  const removed = await removeIsolation(name);
  progress(`removed network namespaces and links ${removed.join(', ')}`);
}

/** One row of `status`. */
export interface ProcessStatus {
  readonly name: string;
  readonly pid: number | undefined;
  readonly port: number;
  readonly health: 'OK' | 'DOWN' | 'UNHEALTHY' | 'LISTENING';
}

/** Each tracked process, its port and health (operations /healthz, CA /cainfo, TCP for chaincode servers). */
export async function status(
  opts: NetworkOptions = {},
): Promise<{ layout: Layout; rows: ProcessStatus[] } | undefined> {
  const name = opts.name ?? 'dev';
  if (!existsSync(join(runDirOf(name), 'network.json'))) return undefined;
  const { layout } = resolveLayout({ name });
  const t = layout.topology;
  const rows: ProcessStatus[] = [];
  const row = async (
    proc: string,
    port: number,
    check: () => Promise<boolean>,
    healthWord: ProcessStatus['health'] = 'OK',
  ) => {
    const pid = runningPid(layout, proc);
    const ok = pid !== undefined && (await check());
    rows.push({
      name: proc,
      pid,
      port,
      health: pid === undefined ? 'DOWN' : ok ? healthWord : 'UNHEALTHY',
    });
  };
  for (const key of [t.ordererOrg.key, ...t.peerOrgs.map((o) => o.key)]) {
    const port =
      key === t.ordererOrg.key
        ? layout.ordererCaPorts().ca
        : layout.peerPorts(layout.peerOrg(key)).ca;
    await row(`ca-${key}`, port, async () => (await caUrl(layout, key, port)) === 200);
  }
  for (const [n, proc] of layout.ordererNames().entries()) {
    const p = layout.ordererPorts(n);
    await row(proc, p.listen, () => healthy(layout, t.ordererOrg.key, p.operations));
  }
  for (const org of t.peerOrgs) {
    const p = layout.peerPorts(org);
    await row(`peer0-${org.key}`, p.peer, () => healthy(layout, org.key, p.operations));
  }
  for (const org of t.peerOrgs) {
    const port = layout.peerPorts(org).chaincodeServer;
    await row(`cc-${org.key}`, port, () => tcpOpen(layout.hostOf(org.key), port), 'LISTENING');
  }
  await row('supervisor', 0, async () => true);
  if (runsGeth(layout))
    await row(GETH_PROCESS, gethPorts(layout).http, () =>
      tcpOpen('127.0.0.1', gethPorts(layout).http),
    );
  for (const org of t.peerOrgs) {
    // REST services (`swl serve --all`) are listed while they run.
    const proc = `rest-${org.key}`;
    if (runningPid(layout, proc) === undefined) continue;
    const port = layout.peerPorts(org).rest;
    const ca = readFileSync(caCertFile(layout, org.key), 'utf8');
    await row(
      proc,
      port,
      async () => (await httpsStatus(`https://localhost:${port}/healthz`, ca)) === 200,
    );
  }
  return { layout, rows };
}

/** Log files of a network instance. */
export function logFiles(opts: NetworkOptions = {}): string[] {
  const dir = join(runDirOf(opts.name ?? 'dev'), 'logs');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.log'))
        .map((f) => join(dir, f))
    : [];
}

export { sleep };
