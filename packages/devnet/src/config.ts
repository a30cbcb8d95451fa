import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Layout, fabricHome, REPO_ROOT } from './layout';
import { PeerOrgSpec } from './topology';

type Yaml = Record<string, unknown>;

function sample(file: string): Yaml {
  return parse(readFileSync(join(fabricHome(), 'sampleconfig', file), 'utf8')) as Yaml;
}

function section(doc: Yaml, ...path: string[]): Yaml {
  let cur = doc;
  for (const p of path) {
    const next = cur[p];
    if (typeof next !== 'object' || next === null)
      throw new Error(`sample config lacks ${path.join('.')}`);
    cur = next as Yaml;
  }
  return cur;
}

/** Directory of our chaincode-as-a-service external builder (bin/detect, build, release). */
export const CCAAS_BUILDER_DIR = join(REPO_ROOT, 'network', 'builders', 'ccaas');

/**
 * Variables naming the TLS pair a peer presents to its organisation's
 * chaincode server; the builder's release step puts both PEMs into the
 * connection.json the peer reads (the package holds no key).
 */
export const CCAAS_CLIENT_CERT_VAR = 'SWL_CCAAS_CLIENT_CERT_FILE';
export const CCAAS_CLIENT_KEY_VAR = 'SWL_CCAAS_CLIENT_KEY_FILE';

/**
 * Roots a peer or orderer accepts client certificates from (mutual TLS):
 * every organisation's CA, the one root of its MSP and TLS certificates.
 */
export function clientRootCaFiles(layout: Layout): string[] {
  const t = layout.topology;
  return [t.ordererOrg.key, ...t.peerOrgs.map((o) => o.key)].map((k) => layout.orgCaCert(k));
}

/**
 * core.yaml for the peers: Fabric's sample with the settings that matter
 * without Docker. Per-peer values come from CORE_* variables (peerEnv).
 */
export function renderCoreYaml(layout: Layout): string {
  const doc = sample('core.yaml');
  section(doc, 'vm').endpoint = '';
  // Mutual TLS: every client (SDK, peer CLI, other peers, orderers) shows a
  // certificate of a member organisation's CA. The operations endpoint
  // (/healthz, /metrics) stays open to probes.
  const tls = section(doc, 'peer', 'tls');
  tls.clientAuthRequired = true;
  tls.clientRootCAs = { files: clientRootCaFiles(layout) };
  section(doc, 'operations', 'tls').clientAuthRequired = false;
  const chaincode = section(doc, 'chaincode');
  chaincode.externalBuilders = [
    {
      name: 'ccaas_builder',
      path: CCAAS_BUILDER_DIR,
      propagateEnvironment: [
        'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG',
        CCAAS_CLIENT_CERT_VAR,
        CCAAS_CLIENT_KEY_VAR,
      ],
    },
  ];
  // fabric-shim 2.5.x exits when the peer sends it a keepalive: keep it off.
  chaincode.keepalive = 0;
  // Batches of 500 documents make thousands of shim round trips.
  chaincode.executetimeout = '300s';
  // The Gateway service (the SDK's default transport) plans endorsement and
  // orders for its clients. Each endorsement it asks of a peer may take as
  // long as the chaincode may run (its default, 30 s, cuts large batches off).
  const gateway = section(doc, 'peer', 'gateway');
  gateway.enabled = true;
  gateway.endorsementTimeout = chaincode.executetimeout;
  const dir = layout.path('config', 'peer');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'core.yaml'), stringify(doc));
  return dir;
}

/** orderer.yaml: Fabric's sample; per-orderer values come from ORDERER_* variables. */
export function renderOrdererYaml(layout: Layout): string {
  const doc = sample('orderer.yaml');
  const dir = layout.path('config', 'orderer');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'orderer.yaml'), stringify(doc));
  return dir;
}

/** Environment of one peer. */
export function peerEnv(layout: Layout, org: PeerOrgSpec, cfgDir: string): Record<string, string> {
  const p = layout.peerPorts(org);
  const host = layout.hostOf(org.key);
  const bind = layout.bindOf(org.key);
  const node = layout.nodeDir(org.key, 'peer0');
  const tls = join(node, 'tls');
  const data = layout.path('data', `peer0-${org.key}`);
  mkdirSync(data, { recursive: true });
  return {
    FABRIC_CFG_PATH: cfgDir,
    FABRIC_LOGGING_SPEC: 'info:gossip=warn:msp=warn:grpc=warn',
    CORE_PEER_ID: `peer0.${org.key}`,
    CORE_PEER_ADDRESS: `${host}:${p.peer}`,
    CORE_PEER_LISTENADDRESS: `${bind}:${p.peer}`,
    CORE_PEER_CHAINCODEADDRESS: `${host}:${p.chaincodeListen}`,
    CORE_PEER_CHAINCODELISTENADDRESS: `${bind}:${p.chaincodeListen}`,
    CORE_PEER_GOSSIP_BOOTSTRAP: `${host}:${p.peer}`,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: `${host}:${p.peer}`,
    // Peers start before they join the channel, so their first contacts with
    // other orgs fail; retry and refresh membership within seconds, not 25 s.
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: '4s',
    CORE_PEER_GOSSIP_ALIVETIMEINTERVAL: '2s',
    CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT: '10s',
    CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL: '2s',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: join(node, 'msp'),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: join(tls, 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: join(tls, 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: join(tls, 'ca.crt'),
    // Its own TLS pair is also its client certificate (gossip, deliver, chaincode servers).
    [CCAAS_CLIENT_CERT_VAR]: join(tls, 'server.crt'),
    [CCAAS_CLIENT_KEY_VAR]: join(tls, 'server.key'),
    CORE_PEER_FILESYSTEMPATH: join(data, 'production'),
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: join(data, 'snapshots'),
    CORE_OPERATIONS_LISTENADDRESS: `${bind}:${p.operations}`,
    CORE_OPERATIONS_TLS_ENABLED: 'true',
    CORE_OPERATIONS_TLS_CERT_FILE: join(tls, 'server.crt'),
    CORE_OPERATIONS_TLS_KEY_FILE: join(tls, 'server.key'),
    CORE_METRICS_PROVIDER: 'prometheus',
  };
}

/** Environment of orderer n. */
export function ordererEnv(layout: Layout, n: number, cfgDir: string): Record<string, string> {
  const key = layout.topology.ordererOrg.key;
  const p = layout.ordererPorts(n);
  const bind = layout.bindOf(key);
  const node = layout.nodeDir(key, `orderer${n}`);
  const tls = join(node, 'tls');
  const data = layout.path('data', `orderer${n}`);
  mkdirSync(data, { recursive: true });
  const roots = `[${join(tls, 'ca.crt')}]`;
  return {
    FABRIC_CFG_PATH: cfgDir,
    FABRIC_LOGGING_SPEC: 'info:orderer.consensus.etcdraft=info:grpc=warn',
    ORDERER_GENERAL_LISTENADDRESS: bind,
    ORDERER_GENERAL_LISTENPORT: String(p.listen),
    ORDERER_GENERAL_LOCALMSPID: layout.topology.ordererOrg.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: join(node, 'msp'),
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_GENERAL_TLS_PRIVATEKEY: join(tls, 'server.key'),
    ORDERER_GENERAL_TLS_ROOTCAS: roots,
    // Mutual TLS on the listener: peers, clients and the other orderers show a member CA's certificate.
    ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_GENERAL_TLS_CLIENTROOTCAS: `[${clientRootCaFiles(layout).join(',')}]`,
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: join(tls, 'server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: join(tls, 'server.key'),
    ORDERER_GENERAL_CLUSTER_ROOTCAS: roots,
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_ADMIN_LISTENADDRESS: `${bind}:${p.admin}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: join(tls, 'server.key'),
    ORDERER_ADMIN_TLS_ROOTCAS: roots,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: roots,
    ORDERER_FILELEDGER_LOCATION: join(data, 'ledger'),
    ORDERER_CONSENSUS_WALDIR: join(data, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(data, 'etcdraft', 'snapshot'),
    ORDERER_OPERATIONS_LISTENADDRESS: `${bind}:${p.operations}`,
    ORDERER_OPERATIONS_TLS_ENABLED: 'true',
    ORDERER_OPERATIONS_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_OPERATIONS_TLS_PRIVATEKEY: join(tls, 'server.key'),
    // /metrics and /logspec answer clients with a certificate of the orderer org; /healthz anyone.
    ORDERER_OPERATIONS_TLS_CLIENTAUTHREQUIRED: 'false',
    ORDERER_OPERATIONS_TLS_CLIENTROOTCAS: roots,
    ORDERER_METRICS_PROVIDER: 'prometheus',
  };
}

function signature(rule: string): Yaml {
  return { Type: 'Signature', Rule: rule };
}

function implicit(rule: string): Yaml {
  return { Type: 'ImplicitMeta', Rule: rule };
}

/**
 * configtx.yaml with one profile, `TradeChannel`: an application channel
 * (no system channel) with a Raft ordering service and every peer org.
 * BatchTimeout comes from the topology (50 ms by default, chosen from a
 * measured sweep: a lone transaction's block comes quickly and saturation
 * throughput does not drop; README, "Block cutting").
 */
export function renderConfigtx(layout: Layout): string {
  const t = layout.topology;
  const ordererKey = t.ordererOrg.key;
  const o = t.ordererOrg.mspId;
  const ordererOrg: Yaml = {
    Name: o,
    ID: o,
    MSPDir: layout.orgMspDir(ordererKey),
    Policies: {
      Readers: signature(`OR('${o}.member')`),
      Writers: signature(`OR('${o}.member')`),
      Admins: signature(`OR('${o}.admin')`),
    },
    OrdererEndpoints: layout
      .ordererNames()
      .map((_, n) => `${layout.hostOf(ordererKey)}:${layout.ordererPorts(n).listen}`),
  };
  const peerOrgs = t.peerOrgs.map((org) => {
    const m = org.mspId;
    return {
      Name: m,
      ID: m,
      MSPDir: layout.orgMspDir(org.key),
      Policies: {
        Readers: signature(`OR('${m}.admin', '${m}.peer', '${m}.client')`),
        Writers: signature(`OR('${m}.admin', '${m}.client')`),
        Admins: signature(`OR('${m}.admin')`),
        Endorsement: signature(`OR('${m}.peer')`),
      },
      AnchorPeers: [{ Host: layout.hostOf(org.key), Port: layout.peerPorts(org).peer }],
    };
  });
  const tls = (n: number) => join(layout.nodeDir(ordererKey, `orderer${n}`), 'tls', 'server.crt');
  const standard = {
    Readers: implicit('ANY Readers'),
    Writers: implicit('ANY Writers'),
    Admins: implicit('MAJORITY Admins'),
  };
  const profile: Yaml = {
    Policies: standard,
    Capabilities: { V2_0: true },
    Orderer: {
      OrdererType: 'etcdraft',
      BatchTimeout: t.batchTimeout,
      BatchSize: { MaxMessageCount: 100, AbsoluteMaxBytes: '10 MB', PreferredMaxBytes: '2 MB' },
      EtcdRaft: {
        Consenters: layout.ordererNames().map((_, n) => ({
          Host: layout.hostOf(ordererKey),
          Port: layout.ordererPorts(n).listen,
          ClientTLSCert: tls(n),
          ServerTLSCert: tls(n),
        })),
        Options: {
          TickInterval: '500ms',
          ElectionTick: 10,
          HeartbeatTick: 1,
          MaxInflightBlocks: 5,
          SnapshotIntervalSize: '16 MB',
        },
      },
      Organizations: [ordererOrg],
      Policies: { ...standard, BlockValidation: implicit('ANY Writers') },
      Capabilities: { V2_0: true },
    },
    Application: {
      Organizations: peerOrgs,
      Policies: {
        ...standard,
        LifecycleEndorsement: implicit('MAJORITY Endorsement'),
        Endorsement: implicit('MAJORITY Endorsement'),
      },
      Capabilities: { V2_5: true },
    },
  };
  const dir = layout.path('config', 'configtx');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'configtx.yaml'), stringify({ Profiles: { TradeChannel: profile } }));
  return dir;
}

/** Copies a file creating its directory. */
export function copyInto(src: string, dest: string): void {
  mkdirSync(join(dest, '..'), { recursive: true });
  copyFileSync(src, dest);
}
