import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Layout } from './layout';
import { allPeerFlags, definitionFlags, fabricBin, ordererFlags, peerCli } from './peercli';
import { run } from './proc';
import { PeerOrgSpec } from './topology';

/** How long the peer waits to dial a chaincode server: short, so a dead server fails fast. */
const DIAL_TIMEOUT = '3s';

function pkgDir(layout: Layout, org: PeerOrgSpec): string {
  return layout.path('chaincode', org.key);
}

/** Package id (label:hash) of the organisation's chaincode package, once packaged. */
export function packageId(layout: Layout, org: PeerOrgSpec): string {
  return readFileSync(join(pkgDir(layout, org), 'package-id'), 'utf8').trim();
}

/**
 * Builds the organisation's chaincode-as-a-service package: metadata.json
 * (type ccaas) and code.tar.gz holding connection.json, which points at the
 * org's own chaincode server over TLS. Made once: its hash is the package id.
 */
export async function packageChaincode(layout: Layout, org: PeerOrgSpec): Promise<string> {
  const dir = pkgDir(layout, org);
  if (existsSync(join(dir, 'package-id'))) return packageId(layout, org);
  mkdirSync(dir, { recursive: true });
  const cc = layout.topology.chaincode;
  const label = `${cc.name}_${cc.version}_${org.key}`;
  const connection = {
    address: `localhost:${layout.peerPorts(org).chaincodeServer}`,
    dial_timeout: DIAL_TIMEOUT,
    tls_required: true,
    client_auth_required: false,
    root_cert: readFileSync(layout.orgCaCert(org.key), 'utf8'),
  };
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
      ...ordererFlags(layout),
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
    ...ordererFlags(layout),
    ...definitionFlags(layout),
    ...allPeerFlags(layout),
    '--waitForEvent',
  ]);
}

/** MSP IDs that service discovery offers as endorsers of the chaincode, asked of one org's peer. */
export async function discoveredEndorsers(layout: Layout, org: PeerOrgSpec): Promise<Set<string>> {
  const msp = layout.adminMspDir(org.key);
  const { stdout } = await run(fabricBin('discover'), [
    'endorsers',
    '--channel',
    layout.channel,
    '--chaincode',
    layout.topology.chaincode.name,
    '--server',
    `localhost:${layout.peerPorts(org).peer}`,
    '--peerTLSCA',
    layout.orgCaCert(org.key),
    '--userKey',
    join(msp, 'keystore', 'key.pem'),
    '--userCert',
    join(msp, 'signcerts', 'cert.pem'),
    '--MSP',
    org.mspId,
  ]);
  const found = new Set<string>();
  for (const m of stdout.matchAll(/"MSPID":\s*"([^"]+)"/g)) if (m[1]) found.add(m[1]);
  return found;
}
