import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  loadTopology,
  checkTopology,
  Topology,
  ordererPorts,
  ordererCaPorts,
  peerOrgPorts,
  PeerOrgSpec,
  hostAddresses,
} from './topology';

/** Fabric version the binaries are built from; the cache is keyed by it. */
export const FABRIC_VERSION = '2.5.9';
/** Fabric CA version. */
export const CA_VERSION = '1.5.21';

/**
 * Root of the source checkout (this file is packages/devnet/{src,dist}/layout.{ts,js}),
 * for what only a checkout has: network/topology.json, network/builders, scripts/.
 * Never for run directories (see {@link swlHome}) nor for a package's own files
 * (resolve those from the package, e.g. `require.resolve('@swledger/chaincode/package.json')`).
 */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** Name of the directory that holds local networks' run directories. */
export const HOME_DIR_NAME = '.swledger';

/**
 * Where local networks live: `SWL_HOME` when set; else the nearest
 * `.swledger/` directory in `cwd` or one of its parents; else
 * `<cwd>/.swledger` (created by `swl network up`). Never the installed
 * package's location.
 */
export function swlHome(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  isDir: (path: string) => boolean = isDirectory,
): string {
  if (env.SWL_HOME) return resolve(cwd, env.SWL_HOME);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, HOME_DIR_NAME);
    if (isDir(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  return join(resolve(cwd), HOME_DIR_NAME);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Directory holding the cached Fabric binaries. */
export function fabricHome(): string {
  const root = process.env.SWL_FABRIC_CACHE ?? join(homedir(), '.cache', 'swledger', 'fabric');
  return join(root, `${FABRIC_VERSION}-ca${CA_VERSION}`);
}

/** Options that pick a network instance. */
export interface NetworkOptions {
  /** Instance name: its run directory is `<home>/<name>` (home: {@link swlHome}). Default `dev`. */
  readonly name?: string;
  /** Port base; default the topology's. */
  readonly portBase?: number;
  /** Raft orderers (1 or 3, up to 5); default 1. */
  readonly orderers?: number;
  /** Topology file; default network/topology.json. */
  readonly topologyFile?: string;
  /**
   * Run each organisation in a network namespace of its own, at its host
   * address on a bridge (root only). Fixed when the network is created.
   */
  readonly isolate?: boolean;
}

/** What `up` records so later commands need no flags. */
export interface NetworkState {
  readonly name: string;
  readonly portBase: number;
  readonly orderers: number;
  readonly topology: Topology;
  /** Whether each organisation runs in its own network namespace (absent: no). */
  readonly isolate?: boolean;
}

/** All paths and ports of one network instance. */
export class Layout {
  readonly runDir: string;

  constructor(readonly state: NetworkState) {
    this.runDir = runDirOf(state.name);
  }

  /** The home the run directory is in: child processes get it as `SWL_HOME`. */
  get home(): string {
    return dirname(this.runDir);
  }

  get topology(): Topology {
    return this.state.topology;
  }
  get base(): number {
    return this.state.portBase;
  }
  get channel(): string {
    return this.topology.channel;
  }
  /** Whether each organisation runs on a host (network namespace) of its own. */
  get isolated(): boolean {
    return this.state.isolate === true;
  }

  /**
   * The name others reach an organisation's processes by, in certificates
   * (SANs), advertised endpoints, profiles and CLI flags: its host address
   * when isolated, else `localhost`.
   */
  hostOf(orgKey: string): string {
    return this.isolated ? this.addressOf(orgKey) : 'localhost';
  }

  /** The address an organisation's processes listen on: its host address when isolated, else 127.0.0.1. */
  bindOf(orgKey: string): string {
    return this.isolated ? this.addressOf(orgKey) : '127.0.0.1';
  }

  /** The organisation's host address on the host network (isolated or not). */
  addressOf(orgKey: string): string {
    const address = hostAddresses(this.topology).get(orgKey);
    if (address === undefined) throw new Error(`unknown organisation '${orgKey}'`);
    return address;
  }

  /** Network namespace of an organisation's processes; undefined when not isolated. */
  netnsOf(orgKey: string): string | undefined {
    return this.isolated ? netnsName(this.state.name, orgKey) : undefined;
  }

  path(...parts: string[]): string {
    return join(this.runDir, ...parts);
  }

  orgDir(orgKey: string): string {
    return this.path('orgs', orgKey);
  }
  orgMspDir(orgKey: string): string {
    return join(this.orgDir(orgKey), 'msp');
  }
  orgCaCert(orgKey: string): string {
    return join(this.orgMspDir(orgKey), 'cacerts', 'ca.pem');
  }
  adminMspDir(orgKey: string): string {
    return join(this.orgDir(orgKey), 'admin', 'msp');
  }
  nodeDir(orgKey: string, node: string): string {
    return join(this.orgDir(orgKey), node);
  }
  walletDir(): string {
    return this.path('wallet');
  }
  logFile(proc: string): string {
    return this.path('logs', `${proc}.log`);
  }

  ordererNames(): string[] {
    return Array.from({ length: this.state.orderers }, (_, n) => `orderer${n}`);
  }
  ordererPorts(n: number) {
    return ordererPorts(this.base, n);
  }
  ordererCaPorts() {
    return ordererCaPorts(this.base);
  }
  peerPorts(org: PeerOrgSpec) {
    return peerOrgPorts(this.base, org.index);
  }
  peerOrg(key: string): PeerOrgSpec {
    const org = this.topology.peerOrgs.find((o) => o.key === key || o.mspId === key);
    if (!org)
      throw new Error(
        `unknown organisation '${key}' (known: ${this.topology.peerOrgs.map((o) => o.key).join(', ')})`,
      );
    return org;
  }
  /** Process names, in start order. */
  processNames(): string[] {
    return [
      ...[this.topology.ordererOrg.key, ...this.topology.peerOrgs.map((o) => o.key)].map(
        (k) => `ca-${k}`,
      ),
      ...this.ordererNames(),
      ...this.topology.peerOrgs.map((o) => `peer0-${o.key}`),
      'supervisor',
    ];
  }
}

/** Network namespace of an organisation of an isolated network: `swl-<network>-<org>`. */
export function netnsName(network: string, orgKey: string): string {
  return `swl-${network}-${orgKey}`;
}

/** Where an instance lives. */
export function runDirOf(name: string): string {
  return join(swlHome(), name);
}

/**
 * The layout of an existing instance (from its state file), or a new one
 * from the topology and options when the instance was never started.
 */
export function resolveLayout(opts: NetworkOptions = {}): { layout: Layout; existing: boolean } {
  const name = opts.name ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(name))
    throw new Error(`network name '${name}' must be lower-case letters, digits and dashes`);
  const stateFile = join(runDirOf(name), 'network.json');
  if (existsSync(stateFile)) {
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as NetworkState;
    const state: NetworkState = {
      ...saved,
      topology: checkTopology(withKinds(saved.topology), stateFile),
    };
    if (opts.portBase !== undefined && opts.portBase !== state.portBase) {
      throw new Error(
        `network '${name}' was created with port base ${state.portBase}; to recreate it with ${opts.portBase}, run \`swl network down --purge -n ${name}\` first (this deletes its ledger)`,
      );
    }
    if (opts.isolate !== undefined && opts.isolate !== (state.isolate === true)) {
      throw new Error(
        `network '${name}' was created ${state.isolate === true ? 'with' : 'without'} --isolate; to recreate it ${opts.isolate ? 'with' : 'without'}, run \`swl network down --purge -n ${name}\` first (this deletes its ledger)`,
      );
    }
    if (opts.orderers !== undefined && opts.orderers !== state.orderers) {
      throw new Error(
        `network '${name}' was created with ${state.orderers} orderer(s); to recreate it with ${opts.orderers}, run \`swl network down --purge -n ${name}\` first (this deletes its ledger)`,
      );
    }
    return { layout: new Layout(state), existing: true };
  }
  const topology = loadTopology(opts.topologyFile ?? join(REPO_ROOT, 'network', 'topology.json'));
  const orderers = opts.orderers ?? 1;
  if (![1, 3, 5].includes(orderers))
    throw new Error('--orderers must be 1, 3 or 5 (Raft needs an odd count)');
  const state: NetworkState = {
    name,
    portBase: opts.portBase ?? topology.portBase,
    orderers,
    topology,
    ...(opts.isolate === true ? { isolate: true } : {}),
  };
  return { layout: new Layout(state), existing: false };
}

/**
 * Networks created before organisations had a `kind`, an `organization` or
 * a `country` in the topology: take each missing field from the repository's
 * topology file (same MSP ID); failing that, a bank named by its description
 * (or MSP ID) in country `XX` (ISO 3166's user-assigned code). Their
 * certificates were issued long ago; this only names later enrolments.
 */
function withKinds(topology: Topology): Topology {
  const complete = (o: Partial<Topology['ordererOrg']>) =>
    o.organization !== undefined && o.country !== undefined;
  if (
    complete(topology.ordererOrg) &&
    topology.peerOrgs.every((o) => o.kind !== undefined && complete(o))
  )
    return topology;
  const current = loadTopology(join(REPO_ROOT, 'network', 'topology.json'));
  const same = (msp: string) =>
    [current.ordererOrg, ...current.peerOrgs].find((o) => o.mspId === msp);
  const fill = <T extends Topology['ordererOrg']>(o: T, name: string): T => ({
    ...o,
    organization: o.organization ?? same(o.mspId)?.organization ?? name,
    country: o.country ?? same(o.mspId)?.country ?? 'XX',
  });
  return {
    ...topology,
    ordererOrg: fill(topology.ordererOrg, topology.ordererOrg.mspId),
    peerOrgs: topology.peerOrgs.map((o) => ({
      ...fill(o, o.description),
      kind: o.kind ?? current.peerOrgs.find((c) => c.mspId === o.mspId)?.kind ?? 'bank',
    })),
  };
}

/** Records the instance's state file (after its crypto material exists). */
export function saveState(layout: Layout): void {
  mkdirSync(layout.runDir, { recursive: true, mode: 0o700 });
  writeFileSync(layout.path('network.json'), JSON.stringify(layout.state, null, 2) + '\n', {
    mode: 0o600,
  });
}
