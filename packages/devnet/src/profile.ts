import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientTlsLabel } from './crypto';
import { Layout } from './layout';
import { PeerOrgSpec } from './topology';
import type { ConnectionProfile } from '@swledger/sdk/profile';

export type { ConnectionProfile };

/** Name of an organisation's peer in connection profiles. */
export function peerName(org: PeerOrgSpec): string {
  return `peer0.${org.key}`;
}

/** The connection profile an organisation's clients use: every peer, every orderer, the org's CA. */
export function connectionProfile(layout: Layout, orgKey: string): ConnectionProfile {
  const own = layout.peerOrg(orgKey);
  const pem = (key: string) => readFileSync(layout.orgCaCert(key), 'utf8');
  const organizations: ConnectionProfile['organizations'] = {};
  const peers: ConnectionProfile['peers'] = {};
  for (const org of layout.topology.peerOrgs) {
    organizations[org.mspId] = {
      mspid: org.mspId,
      peers: [peerName(org)],
      certificateAuthorities: [`ca-${org.key}`],
    };
    peers[peerName(org)] = {
      url: `grpcs://${layout.hostOf(org.key)}:${layout.peerPorts(org).peer}`,
      tlsCACerts: { pem: pem(org.key) },
      // An isolated peer's certificate names the address its URL dials: no
      // override (TLS forbids an IP address as server name).
      grpcOptions: {
        ...(layout.isolated
          ? {}
          : { 'ssl-target-name-override': 'localhost', hostnameOverride: 'localhost' }),
        'grpc.keepalive_time_ms': 120000,
      },
    };
  }
  const orderers: ConnectionProfile['orderers'] = {};
  layout.ordererNames().forEach((name, n) => {
    orderers[name] = {
      url: `grpcs://${layout.hostOf(layout.topology.ordererOrg.key)}:${layout.ordererPorts(n).listen}`,
      tlsCACerts: { pem: pem(layout.topology.ordererOrg.key) },
    };
  });
  return {
    name: `swledger-${layout.state.name}-${own.key}`,
    version: '1.0.0',
    client: {
      organization: own.mspId,
      ...(existsSync(join(layout.walletDir(), `${clientTlsLabel(own.key)}.id`))
        ? { clientTlsIdentity: clientTlsLabel(own.key) }
        : {}),
    },
    organizations,
    peers,
    orderers,
    certificateAuthorities: {
      [`ca-${own.key}`]: {
        url: `https://${layout.hostOf(own.key)}:${layout.peerPorts(own).ca}`,
        caName: `ca-${own.key}`,
        tlsCACerts: { pem: [pem(own.key)] },
        httpOptions: { verify: true },
      },
    },
  };
}
