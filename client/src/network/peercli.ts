import { join } from 'node:path';
import { Layout, fabricHome } from './layout';
import { run, RunResult } from './proc';
import { PeerOrgSpec } from './topology';

/** Path of a cached Fabric binary. */
export function fabricBin(name: string): string {
  return join(fabricHome(), 'bin', name);
}

/** Environment for the `peer` CLI acting as an organisation's admin against its own peer. */
export function peerCliEnv(
  layout: Layout,
  org: PeerOrgSpec,
  mspDir = layout.adminMspDir(org.key),
): Record<string, string> {
  return {
    FABRIC_CFG_PATH: layout.path('config', 'peer'),
    FABRIC_LOGGING_SPEC: 'warning',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: mspDir,
    CORE_PEER_ADDRESS: `localhost:${layout.peerPorts(org).peer}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: layout.orgCaCert(org.key),
  };
}

/** The orderer's TLS root, for `peer` commands that talk to the ordering service. */
export function ordererCa(layout: Layout): string {
  return layout.orgCaCert(layout.topology.ordererOrg.key);
}

/** Orderer connection flags for `peer` commands. */
export function ordererFlags(layout: Layout): string[] {
  return [
    '-o',
    `localhost:${layout.ordererPorts(0).listen}`,
    '--tls',
    '--cafile',
    ordererCa(layout),
  ];
}

/** Runs the `peer` CLI as an org's admin. */
export function peerCli(
  layout: Layout,
  org: PeerOrgSpec,
  args: readonly string[],
  mspDir?: string,
): Promise<RunResult> {
  return run(fabricBin('peer'), args, peerCliEnv(layout, org, mspDir));
}

/** `--peerAddresses`/`--tlsRootCertFiles` for every organisation's peer, for commands endorsed by all. */
export function allPeerFlags(layout: Layout): string[] {
  return layout.topology.peerOrgs.flatMap((o) => [
    '--peerAddresses',
    `localhost:${layout.peerPorts(o).peer}`,
    '--tlsRootCertFiles',
    layout.orgCaCert(o.key),
  ]);
}

/** Channel, name, version and sequence of the chaincode definition, for lifecycle commands. */
export function definitionFlags(layout: Layout): string[] {
  const cc = layout.topology.chaincode;
  return ['-C', layout.channel, '-n', cc.name, '-v', cc.version, '--sequence', String(cc.sequence)];
}
