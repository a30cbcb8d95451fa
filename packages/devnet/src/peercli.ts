import { join } from 'node:path';
import { clientTls } from './crypto';
import { Layout, fabricHome } from './layout';
import { run, RunResult } from './proc';
import { PeerOrgSpec } from './topology';

/** Path of a cached Fabric binary. */
export function fabricBin(name: string): string {
  return join(fabricHome(), 'bin', name);
}

/**
 * Environment for the `peer` CLI acting as an organisation's admin against
 * its own peer. Peers require client certificates (mutual TLS): the CLI
 * presents the organisation's client TLS pair (`orgs/<org>/client/tls`),
 * for every peer it talks to (`--peerAddresses` included).
 */
export function peerCliEnv(
  layout: Layout,
  org: PeerOrgSpec,
  mspDir = layout.adminMspDir(org.key),
): Record<string, string> {
  const tls = clientTls(layout, org.key);
  return {
    FABRIC_CFG_PATH: layout.path('config', 'peer'),
    FABRIC_LOGGING_SPEC: 'warning',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: mspDir,
    CORE_PEER_ADDRESS: `${layout.hostOf(org.key)}:${layout.peerPorts(org).peer}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: layout.orgCaCert(org.key),
    // A network made before mutual TLS and not restarted since has no client pair (nor needs one).
    ...(tls
      ? {
          CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'true',
          CORE_PEER_TLS_CLIENTCERT_FILE: tls.cert,
          CORE_PEER_TLS_CLIENTKEY_FILE: tls.key,
        }
      : { CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'false' }),
  };
}

/** The orderer's TLS root, for `peer` commands that talk to the ordering service. */
export function ordererCa(layout: Layout): string {
  return layout.orgCaCert(layout.topology.ordererOrg.key);
}

/**
 * Orderer connection flags for `peer` commands. With `org`, they include the
 * mutual TLS flags (`--clientauth --certfile --keyfile`, the organisation's
 * client TLS pair); without, `peerCli` adds them for the org it runs as.
 */
export function ordererFlags(layout: Layout, org?: PeerOrgSpec): string[] {
  return [
    '-o',
    `${layout.hostOf(layout.topology.ordererOrg.key)}:${layout.ordererPorts(0).listen}`,
    '--tls',
    '--cafile',
    ordererCa(layout),
    ...(org ? ordererClientAuthFlags(layout, org) : []),
  ];
}

/** `--clientauth --certfile --keyfile` with the org's client TLS pair; none when it has none. */
export function ordererClientAuthFlags(layout: Layout, org: PeerOrgSpec): string[] {
  const tls = clientTls(layout, org.key);
  return tls ? ['--clientauth', '--certfile', tls.cert, '--keyfile', tls.key] : [];
}

/**
 * Adds the orderer mutual TLS flags to a `peer` command that names an
 * orderer (`-o`/`--orderer`) without them.
 */
export function withOrdererClientAuth(
  layout: Layout,
  org: PeerOrgSpec,
  args: readonly string[],
): string[] {
  const namesOrderer = args.includes('-o') || args.includes('--orderer');
  if (!namesOrderer || args.includes('--clientauth')) return [...args];
  return [...args, ...ordererClientAuthFlags(layout, org)];
}

/** Runs the `peer` CLI as an org's admin (or the given MSP), with mutual TLS to peers and orderer. */
export function peerCli(
  layout: Layout,
  org: PeerOrgSpec,
  args: readonly string[],
  mspDir?: string,
): Promise<RunResult> {
  return run(
    fabricBin('peer'),
    withOrdererClientAuth(layout, org, args),
    peerCliEnv(layout, org, mspDir),
  );
}

/** `--peerAddresses`/`--tlsRootCertFiles` for every organisation's peer, for commands endorsed by all. */
export function allPeerFlags(layout: Layout): string[] {
  return layout.topology.peerOrgs.flatMap((o) => [
    '--peerAddresses',
    `${layout.hostOf(o.key)}:${layout.peerPorts(o).peer}`,
    '--tlsRootCertFiles',
    layout.orgCaCert(o.key),
  ]);
}

/** Channel, name, version and sequence of the chaincode definition, for lifecycle commands. */
export function definitionFlags(layout: Layout): string[] {
  const cc = layout.topology.chaincode;
  return ['-C', layout.channel, '-n', cc.name, '-v', cc.version, '--sequence', String(cc.sequence)];
}
