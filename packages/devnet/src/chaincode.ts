import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientTls } from './crypto';
import { Layout } from './layout';
import { allPeerFlags, definitionFlags, fabricBin, ordererFlags, peerCli } from './peercli';
import { run } from './proc';
import { PeerOrgSpec, Topology } from './topology';

/** How long the peer waits to dial a chaincode server: short, so a dead server fails fast. */
const DIAL_TIMEOUT = '3s';

function pkgDir(layout: Layout, org: PeerOrgSpec): string {
  return layout.path('chaincode', org.key);
}

/**
 * The environment every chaincode server of the network runs with, native
 * or rendered: the shim logs warnings and errors only (at `info` it writes a
 * line for every transaction it endorses), and the chaincode's organisation
 * list (majorities, accountable organisations) comes from the topology, the
 * same value on every peer.
 */
export function chaincodeServerEnv(topology: Topology): Record<string, string> {
  return {
    CORE_CHAINCODE_LOGGING_LEVEL: 'warning',
    SWL_PEER_ORGS: JSON.stringify(topology.peerOrgs.map((o) => ({ msp: o.mspId, kind: o.kind }))),
  };
}

/** Package id (label:hash) of the organisation's chaincode package, once packaged. */
export function packageId(layout: Layout, org: PeerOrgSpec): string {
  return readFileSync(join(pkgDir(layout, org), 'package-id'), 'utf8').trim();
}

/** The fields of a CCaaS connection.json that swledger writes into its packages. */
export interface CcaasConnection {
  readonly address: string;
  readonly dial_timeout: string;
  readonly tls_required: boolean;
  readonly client_auth_required: boolean;
  readonly root_cert: string;
}

/**
 * The connection.json of an organisation's package: the org's own chaincode
 * server over TLS, which requires the peer's client certificate (mutual
 * TLS). The client pair is not in the package: the builder's release step
 * adds the peer's TLS certificate and key (network/builders/ccaas/bin/release).
 */
export function ccaasConnection(layout: Layout, org: PeerOrgSpec): CcaasConnection {
  return {
    address: `${layout.hostOf(org.key)}:${layout.peerPorts(org).chaincodeServer}`,
    dial_timeout: DIAL_TIMEOUT,
    tls_required: true,
    client_auth_required: true,
    root_cert: readFileSync(layout.orgCaCert(org.key), 'utf8'),
  };
}

/**
 * Whether the org's packaged connection.json asks the peer for a client
 * certificate, so its chaincode server must require one. False for packages
 * made before mutual TLS: their package id (and so their connection.json)
 * is fixed by the committed definition.
 */
export function chaincodeClientAuth(layout: Layout, org: PeerOrgSpec): boolean {
  const file = join(pkgDir(layout, org), 'connection.json');
  if (!existsSync(file)) return false;
  const conn = JSON.parse(readFileSync(file, 'utf8')) as Partial<CcaasConnection>;
  return conn.client_auth_required === true;
}

/**
 * Builds the organisation's chaincode-as-a-service package: metadata.json
 * (type ccaas) and code.tar.gz holding connection.json (ccaasConnection).
 * Made once: its hash is the package id.
 */
export async function packageChaincode(layout: Layout, org: PeerOrgSpec): Promise<string> {
  const dir = pkgDir(layout, org);
  if (existsSync(join(dir, 'package-id'))) return packageId(layout, org);
  mkdirSync(dir, { recursive: true });
  const cc = layout.topology.chaincode;
  const label = `${cc.name}_${cc.version}_${org.key}`;
  const connection = ccaasConnection(layout, org);
  writeFileSync(join(dir, 'connection.json'), JSON.stringify(connection, null, 2) + '\n');
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }) + '\n');
  await run('tar', ['-czf', 'code.tar.gz', 'connection.json'], {}, dir);
  await run('tar', ['-czf', 'package.tar.gz', 'metadata.json', 'code.tar.gz'], {}, dir);
  const { stdout } = await run(
    fabricBin('peer'),
    ['lifecycle', 'chaincode', 'calculatepackageid', join(dir, 'package.tar.gz')],
    {
      FABRIC_CFG_PATH: layout.path('config', 'peer'),
    },
  );
  const id = stdout.trim();
  writeFileSync(join(dir, 'package-id'), id + '\n');
  return id;
}

/** Whether the chaincode definition is committed on the channel (asked of one org's peer). */
export async function isCommitted(layout: Layout, org: PeerOrgSpec): Promise<boolean> {
  const cc = layout.topology.chaincode;
  try {
    const { stdout } = await peerCli(layout, org, [
      'lifecycle',
      'chaincode',
      'querycommitted',
      '-C',
      layout.channel,
      '-n',
      cc.name,
      '-O',
      'json',
    ]);
    const seq = (JSON.parse(stdout) as { sequence?: number }).sequence;
    return seq !== undefined && seq >= cc.sequence;
  } catch (err) {
    if (String(err).includes('not found') || String(err).includes('404')) return false;
    throw err;
  }
}

/** Installs the org's package on its peer, unless installed. */
export async function installChaincode(layout: Layout, org: PeerOrgSpec): Promise<void> {
  const id = packageId(layout, org);
  const { stdout } = await peerCli(layout, org, [
    'lifecycle',
    'chaincode',
    'queryinstalled',
    '-O',
    'json',
  ]);
  if (stdout.includes(id)) return;
  await peerCli(layout, org, [
    'lifecycle',
    'chaincode',
    'install',
    join(pkgDir(layout, org), 'package.tar.gz'),
  ]);
}

/** Approves the definition for the org with its own package id. */
export async function approveChaincode(layout: Layout, org: PeerOrgSpec): Promise<void> {
  try {
    await peerCli(layout, org, [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...ordererFlags(layout, org),
      ...definitionFlags(layout),
      '--package-id',
      packageId(layout, org),
      '--waitForEvent',
    ]);
  } catch (err) {
    if (!String(err).includes('unchanged content')) throw err;
  }
}

/**
 * Commits the definition with the channel's default endorsement policy
 * (MAJORITY Endorsement), endorsed by every org's peer.
 */
export async function commitChaincode(layout: Layout, via: PeerOrgSpec): Promise<void> {
  await peerCli(layout, via, [
    'lifecycle',
    'chaincode',
    'commit',
    ...ordererFlags(layout, via),
    ...definitionFlags(layout),
    ...allPeerFlags(layout),
    '--waitForEvent',
  ]);
}

/**
 * `discover` flags to ask an org's peer as its admin: the peer's TLS root
 * and, for mutual TLS, the org's client TLS pair (also bound into the
 * request: discovery checks the hash of the connection's certificate).
 */
export function discoverFlags(layout: Layout, org: PeerOrgSpec): string[] {
  const msp = layout.adminMspDir(org.key);
  const tls = clientTls(layout, org.key);
  return [
    '--server',
    `${layout.hostOf(org.key)}:${layout.peerPorts(org).peer}`,
    '--peerTLSCA',
    layout.orgCaCert(org.key),
    ...(tls ? ['--tlsCert', tls.cert, '--tlsKey', tls.key] : []),
    '--userKey',
    join(msp, 'keystore', 'key.pem'),
    '--userCert',
    join(msp, 'signcerts', 'cert.pem'),
    '--MSP',
    org.mspId,
  ];
}

/** MSP IDs that service discovery offers as endorsers of the chaincode, asked of one org's peer. */
export async function discoveredEndorsers(layout: Layout, org: PeerOrgSpec): Promise<Set<string>> {
  const { stdout } = await run(fabricBin('discover'), [
    'endorsers',
    '--channel',
    layout.channel,
    '--chaincode',
    layout.topology.chaincode.name,
    ...discoverFlags(layout, org),
  ]);
  const found = new Set<string>();
  for (const m of stdout.matchAll(/"MSPID":\s*"([^"]+)"/g)) if (m[1]) found.add(m[1]);
  return found;
}
