import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { ordererCaPorts, ordererPorts, peerOrgPorts, PeerOrgSpec, Topology } from './topology';
import { chaincodeServerEnv } from './chaincode';

/** Deployment targets `swl network render` writes. */
export const RENDER_TARGETS = ['compose', 'k8s'] as const;
export type RenderTarget = (typeof RENDER_TARGETS)[number];

/** Fabric's official images, pinned to the versions our native network runs. */
export const FABRIC_IMAGES = Object.freeze({
  ca: 'hyperledger/fabric-ca:1.5.21',
  peer: 'hyperledger/fabric-peer:2.5.9',
  orderer: 'hyperledger/fabric-orderer:2.5.9',
});

/** Options of {@link renderDeployment}. */
export interface RenderOptions {
  /** DNS domain: a node's host name is `<node>.<org>.<domain>`. */
  readonly domain: string;
  /** Raft orderers: 1, 3 or 5. */
  readonly orderers: number;
  /** Tag of `swledger/chaincode` (packages/chaincode/package.json version). */
  readonly chaincodeVersion: string;
  /** Tag of `swledger/rest` (packages/rest/package.json version). */
  readonly restVersion: string;
}

/** One rendered file, its path relative to the output directory. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

/** Secret material a component mounts: a directory of named files, never the files themselves. */
interface Mount {
  /** Short name: `msp`, `tls`, `cas`, `builder`, `client`. */
  readonly name: string;
  /** Host directory for compose, relative to the org's compose.yaml. */
  readonly hostPath: string;
  readonly target: string;
  /** Files the directory holds (Secret keys in k8s, `/` mapped to `-`). */
  readonly files: readonly string[];
  /** Programs (the builder's bin/*): mode 0755 in k8s. */
  readonly executable?: boolean;
}

/** One container of an organisation's deployment, the single source for every target. */
export interface Component {
  /** Node name in its org: `ca`, `peer0`, `ccserver`, `rest`, `orderer0`. */
  readonly node: string;
  readonly org: string;
  readonly host: string;
  readonly image: string;
  readonly kind: 'ca' | 'peer' | 'orderer' | 'chaincode' | 'rest';
  readonly env: Readonly<Record<string, string>>;
  readonly command: readonly string[];
  readonly ports: readonly number[];
  readonly mounts: readonly Mount[];
  /** A ledger that outlives the container: named volume / PVC. */
  readonly data?: { readonly target: string; readonly size: string };
}

const CFG = '/etc/hyperledger/fabric';
const CAS = '/etc/hyperledger/cas';
const MSP_FILES = ['config.yaml', 'signcerts/cert.pem', 'keystore/key.pem', 'cacerts/ca.pem'];
const TLS_FILES = ['server.crt', 'server.key', 'ca.crt'];

/** Host name of a node: `<node>.<org>.<domain>`. */
export function hostName(node: string, org: string, domain: string): string {
  return `${node}.${org}.${domain}`;
}

function orgKeys(t: Topology): string[] {
  return [t.ordererOrg.key, ...t.peerOrgs.map((o) => o.key)];
}

function casMount(t: Topology): Mount {
  return {
    name: 'cas',
    hostPath: './organizations/cas',
    target: CAS,
    files: orgKeys(t).map((k) => `${k}-ca.crt`),
  };
}

/** Every organisation's CA certificate: the client roots of mutual TLS. */
function clientRoots(t: Topology): string[] {
  return orgKeys(t).map((k) => `${CAS}/${k}-ca.crt`);
}

function nodeMounts(node: string): Mount[] {
  return [
    {
      name: 'msp',
      hostPath: `./organizations/${node}/msp`,
      target: `${CFG}/msp`,
      files: MSP_FILES,
    },
    {
      name: 'tls',
      hostPath: `./organizations/${node}/tls`,
      target: `${CFG}/tls`,
      files: TLS_FILES,
    },
  ];
}

function caComponent(
  org: string,
  ports: { ca: number; caOperations: number },
  domain: string,
): Component {
  const host = hostName('ca', org, domain);
  return {
    node: 'ca',
    org,
    host,
    image: FABRIC_IMAGES.ca,
    kind: 'ca',
    env: {
      FABRIC_CA_HOME: '/etc/hyperledger/fabric-ca-server',
      FABRIC_CA_SERVER_CA_NAME: `ca-${org}`,
      FABRIC_CA_SERVER_PORT: String(ports.ca),
      FABRIC_CA_SERVER_TLS_ENABLED: 'true',
      FABRIC_CA_SERVER_CSR_HOSTS: host,
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `0.0.0.0:${ports.caOperations}`,
    },
    // The registrar comes from the mounted fabric-ca-server-config.yaml, not the command line.
    command: ['fabric-ca-server', 'start'],
    ports: [ports.ca, ports.caOperations],
    mounts: [
      {
        name: 'ca',
        hostPath: './organizations/ca',
        target: '/etc/hyperledger/fabric-ca-server',
        files: ['fabric-ca-server-config.yaml', 'ca-cert.pem', 'ca-key.pem'],
      },
    ],
    data: { target: '/var/hyperledger/fabric-ca-server-db', size: '1Gi' },
  };
}

/** The peer of an organisation, with the settings of our native peerEnv and core.yaml. */
export function peerComponent(t: Topology, org: PeerOrgSpec, domain: string): Component {
  const p = peerOrgPorts(t.portBase, org.index);
  const host = hostName('peer0', org.key, domain);
  const tls = `${CFG}/tls`;
  const builder = '/opt/hyperledger/ccaas_builder';
  return {
    node: 'peer0',
    org: org.key,
    host,
    image: FABRIC_IMAGES.peer,
    kind: 'peer',
    env: {
      FABRIC_LOGGING_SPEC: 'info:gossip=warn:msp=warn:grpc=warn',
      CORE_PEER_ID: host,
      CORE_PEER_ADDRESS: `${host}:${p.peer}`,
      CORE_PEER_LISTENADDRESS: `0.0.0.0:${p.peer}`,
      CORE_PEER_CHAINCODEADDRESS: `${host}:${p.chaincodeListen}`,
      CORE_PEER_CHAINCODELISTENADDRESS: `0.0.0.0:${p.chaincodeListen}`,
      CORE_PEER_GOSSIP_BOOTSTRAP: `${host}:${p.peer}`,
      CORE_PEER_GOSSIP_EXTERNALENDPOINT: `${host}:${p.peer}`,
      CORE_PEER_LOCALMSPID: org.mspId,
      CORE_PEER_MSPCONFIGPATH: `${CFG}/msp`,
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_CERT_FILE: `${tls}/server.crt`,
      CORE_PEER_TLS_KEY_FILE: `${tls}/server.key`,
      CORE_PEER_TLS_ROOTCERT_FILE: `${tls}/ca.crt`,
      CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'true',
      CORE_PEER_TLS_CLIENTROOTCAS_FILES: clientRoots(t).join(' '),
      SWL_CCAAS_CLIENT_CERT_FILE: `${tls}/server.crt`,
      SWL_CCAAS_CLIENT_KEY_FILE: `${tls}/server.key`,
      CORE_CHAINCODE_EXTERNALBUILDERS: JSON.stringify([
        {
          name: 'ccaas_builder',
          path: builder,
          propagateEnvironment: [
            'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG',
            'SWL_CCAAS_CLIENT_CERT_FILE',
            'SWL_CCAAS_CLIENT_KEY_FILE',
          ],
        },
      ]),
      CORE_CHAINCODE_KEEPALIVE: '0',
      CORE_CHAINCODE_EXECUTETIMEOUT: '300s',
      CORE_PEER_FILESYSTEMPATH: '/var/hyperledger/production',
      CORE_LEDGER_SNAPSHOTS_ROOTDIR: '/var/hyperledger/production/snapshots',
      CORE_OPERATIONS_LISTENADDRESS: `0.0.0.0:${p.operations}`,
      CORE_OPERATIONS_TLS_ENABLED: 'true',
      CORE_OPERATIONS_TLS_CERT_FILE: `${tls}/server.crt`,
      CORE_OPERATIONS_TLS_KEY_FILE: `${tls}/server.key`,
      CORE_METRICS_PROVIDER: 'prometheus',
    },
    command: ['peer', 'node', 'start'],
    ports: [p.peer, p.chaincodeListen, p.operations],
    mounts: [
      ...nodeMounts('peer0'),
      casMount(t),
      {
        name: 'builder',
        hostPath: './builders/ccaas',
        target: builder,
        files: ['bin/detect', 'bin/build', 'bin/release'],
        executable: true,
      },
    ],
    data: { target: '/var/hyperledger/production', size: '10Gi' },
  };
}

/** The organisation's chaincode server (chaincode as a service). */
export function chaincodeComponent(t: Topology, org: PeerOrgSpec, opts: RenderOptions): Component {
  const p = peerOrgPorts(t.portBase, org.index);
  const tls = `${CFG}/tls`;
  return {
    node: 'ccserver',
    org: org.key,
    host: hostName('ccserver', org.key, opts.domain),
    image: `swledger/chaincode:${opts.chaincodeVersion}`,
    kind: 'chaincode',
    env: {
      CHAINCODE_SERVER_ADDRESS: `0.0.0.0:${p.chaincodeServer}`,
      // The package id (label:sha256) is known once the org has packaged its connection.json.
      CHAINCODE_ID: `${t.chaincode.name}_${t.chaincode.version}_${org.key}:PACKAGE_HASH`,
      CHAINCODE_TLS_CERT_FILE: `${tls}/server.crt`,
      CHAINCODE_TLS_KEY_FILE: `${tls}/server.key`,
      // Only its own peer (a certificate of the org's CA) may connect.
      CHAINCODE_TLS_CLIENT_CACERT_FILE: `${CAS}/${org.key}-ca.crt`,
      ...chaincodeServerEnv(t),
    },
    command: [],
    ports: [p.chaincodeServer],
    mounts: [...nodeMounts('ccserver'), casMount(t)],
  };
}

/** The organisation's REST service, configured by a mounted connection profile and identity. */
export function restComponent(t: Topology, org: PeerOrgSpec, opts: RenderOptions): Component {
  const p = peerOrgPorts(t.portBase, org.index);
  return {
    node: 'rest',
    org: org.key,
    host: hostName('rest', org.key, opts.domain),
    image: `swledger/rest:${opts.restVersion}`,
    kind: 'rest',
    env: {
      SWL_REST_HOST: '0.0.0.0',
      SWL_REST_PORT: String(p.rest),
      SWL_REST_DB: '/var/lib/swledger/rest.db',
    },
    command: [],
    ports: [p.rest],
    mounts: [
      {
        name: 'client',
        hostPath: './organizations/client',
        target: '/etc/swledger',
        files: ['connection.yaml', 'tls/client.crt', 'tls/client.key', 'tls/ca.crt'],
      },
    ],
    data: { target: '/var/lib/swledger', size: '1Gi' },
  };
}

/** Orderer n: channel participation (no system channel), Raft, TLS with client auth. */
export function ordererComponent(t: Topology, n: number, domain: string): Component {
  const key = t.ordererOrg.key;
  const p = ordererPorts(t.portBase, n);
  const node = `orderer${n}`;
  const tls = `${CFG}/tls`;
  const roots = `[${tls}/ca.crt]`;
  return {
    node,
    org: key,
    host: hostName(node, key, domain),
    image: FABRIC_IMAGES.orderer,
    kind: 'orderer',
    env: {
      FABRIC_LOGGING_SPEC: 'info:orderer.consensus.etcdraft=info:grpc=warn',
      ORDERER_GENERAL_LISTENADDRESS: '0.0.0.0',
      ORDERER_GENERAL_LISTENPORT: String(p.listen),
      ORDERER_GENERAL_LOCALMSPID: t.ordererOrg.mspId,
      ORDERER_GENERAL_LOCALMSPDIR: `${CFG}/msp`,
      ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
      ORDERER_GENERAL_TLS_ENABLED: 'true',
      ORDERER_GENERAL_TLS_CERTIFICATE: `${tls}/server.crt`,
      ORDERER_GENERAL_TLS_PRIVATEKEY: `${tls}/server.key`,
      ORDERER_GENERAL_TLS_ROOTCAS: roots,
      ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED: 'true',
      ORDERER_GENERAL_TLS_CLIENTROOTCAS: `[${clientRoots(t).join(',')}]`,
      ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: `${tls}/server.crt`,
      ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: `${tls}/server.key`,
      ORDERER_GENERAL_CLUSTER_ROOTCAS: roots,
      ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
      ORDERER_ADMIN_LISTENADDRESS: `0.0.0.0:${p.admin}`,
      ORDERER_ADMIN_TLS_ENABLED: 'true',
      ORDERER_ADMIN_TLS_CERTIFICATE: `${tls}/server.crt`,
      ORDERER_ADMIN_TLS_PRIVATEKEY: `${tls}/server.key`,
      ORDERER_ADMIN_TLS_ROOTCAS: roots,
      ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
      ORDERER_ADMIN_TLS_CLIENTROOTCAS: roots,
      ORDERER_FILELEDGER_LOCATION: '/var/hyperledger/production/orderer',
      ORDERER_CONSENSUS_WALDIR: '/var/hyperledger/production/orderer/etcdraft/wal',
      ORDERER_CONSENSUS_SNAPDIR: '/var/hyperledger/production/orderer/etcdraft/snapshot',
      ORDERER_OPERATIONS_LISTENADDRESS: `0.0.0.0:${p.operations}`,
      ORDERER_OPERATIONS_TLS_ENABLED: 'true',
      ORDERER_OPERATIONS_TLS_CERTIFICATE: `${tls}/server.crt`,
      ORDERER_OPERATIONS_TLS_PRIVATEKEY: `${tls}/server.key`,
      ORDERER_OPERATIONS_TLS_CLIENTAUTHREQUIRED: 'false',
      ORDERER_METRICS_PROVIDER: 'prometheus',
    },
    command: ['orderer'],
    ports: [p.listen, p.admin, p.operations],
    mounts: [...nodeMounts(node), casMount(t)],
    data: { target: '/var/hyperledger/production/orderer', size: '10Gi' },
  };
}

/**
 * Every component of one organisation.
 * @throws Error for an organisation key that is not in the topology
 */
export function orgComponents(t: Topology, orgKey: string, opts: RenderOptions): Component[] {
  if (orgKey === t.ordererOrg.key) {
    return [
      caComponent(orgKey, ordererCaPorts(t.portBase), opts.domain),
      ...Array.from({ length: opts.orderers }, (_, n) => ordererComponent(t, n, opts.domain)),
    ];
  }
  const org = t.peerOrgs.find((o) => o.key === orgKey);
  if (!org) throw new Error(`no organisation '${orgKey}' in the topology`);
  return [
    caComponent(org.key, peerOrgPorts(t.portBase, org.index), opts.domain),
    peerComponent(t, org, opts.domain),
    chaincodeComponent(t, org, opts),
    restComponent(t, org, opts),
  ];
}

/** Compose service name of a component. */
export function serviceName(c: Component): string {
  return `${c.node}-${c.org}`;
}

const NETWORK = 'swledger';

function composeService(c: Component): Record<string, unknown> {
  const volumes = c.mounts.map((m) => `${m.hostPath}:${m.target}:ro`);
  if (c.data) volumes.push(`${serviceName(c)}-data:${c.data.target}`);
  return {
    image: c.image,
    container_name: c.host,
    hostname: c.host,
    ...(c.command.length > 0 ? { command: [...c.command] } : {}),
    environment: { ...c.env },
    ports: c.ports.map((p) => ({ target: p, published: p, protocol: 'tcp' })),
    volumes,
    networks: { [NETWORK]: { aliases: [c.host] } },
    restart: 'unless-stopped',
  };
}

/** `compose/<org>/compose.yaml`. */
export function renderCompose(components: readonly Component[]): string {
  const services: Record<string, unknown> = {};
  const volumes: Record<string, null> = {};
  for (const c of components) {
    services[serviceName(c)] = composeService(c);
    if (c.data) volumes[`${serviceName(c)}-data`] = null;
  }
  return stringify({
    name: `swledger-${components[0]?.org ?? ''}`,
    services,
    volumes,
    networks: { [NETWORK]: { name: NETWORK } },
  });
}

function secretKey(file: string): string {
  return file.replace(/\//g, '-');
}

function labels(c: Component): Record<string, string> {
  return { app: c.node, 'app.kubernetes.io/part-of': 'swledger', 'swledger/org': c.org };
}

function podSpec(c: Component): Record<string, unknown> {
  const volumeMounts: Record<string, unknown>[] = c.mounts.map((m) => ({
    name: m.name,
    mountPath: m.target,
    readOnly: true,
  }));
  if (c.data) volumeMounts.push({ name: 'data', mountPath: c.data.target });
  const secretName = (m: Mount) => (m.name === 'cas' ? 'cas' : `${c.node}-${m.name}`);
  return {
    containers: [
      {
        name: c.node,
        image: c.image,
        ...(c.command.length > 0 ? { command: [...c.command] } : {}),
        envFrom: [{ configMapRef: { name: `${c.node}-env` } }],
        ports: c.ports.map((p) => ({ containerPort: p })),
        volumeMounts,
      },
    ],
    volumes: c.mounts.map((m) => ({
      name: m.name,
      secret: {
        secretName: secretName(m),
        items: m.files.map((f) => ({ key: secretKey(f), path: f })),
        ...(m.executable === true ? { defaultMode: 0o755 } : {}),
      },
    })),
  };
}

function workload(c: Component, namespace: string): Record<string, unknown> {
  const meta = { name: c.node, namespace, labels: labels(c) };
  const template = { metadata: { labels: labels(c) }, spec: podSpec(c) };
  const selector = { matchLabels: labels(c) };
  if (c.data) {
    return {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta,
      spec: {
        serviceName: c.node,
        replicas: 1,
        selector,
        template,
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: c.data.size } },
            },
          },
        ],
      },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta,
    spec: { replicas: 1, selector, template },
  };
}

function placeholderSecret(
  name: string,
  namespace: string,
  files: readonly string[],
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      annotations: { 'swledger/keys': files.map(secretKey).join(',') },
    },
    type: 'Opaque',
  };
}

function k8sComponent(c: Component, namespace: string): string {
  const docs: Record<string, unknown>[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${c.node}-env`, namespace },
      data: { ...c.env },
    },
    ...c.mounts
      .filter((m) => m.name !== 'cas')
      .map((m) => placeholderSecret(`${c.node}-${m.name}`, namespace, m.files)),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: c.node, namespace, labels: labels(c) },
      spec: {
        selector: labels(c),
        ports: c.ports.map((p) => ({ name: `p${p}`, port: p, targetPort: p })),
      },
    },
    workload(c, namespace),
  ];
  return docs.map((d) => stringify(d)).join('---\n');
}

/** `k8s/<org>/*.yaml`: namespace (the org key), shared CA roots, then one file per component. */
export function renderK8s(t: Topology, components: readonly Component[]): RenderedFile[] {
  const ns = components[0]?.org;
  if (ns === undefined) return [];
  const cas = components.flatMap((c) => c.mounts).find((m) => m.name === 'cas') ?? casMount(t);
  return [
    {
      path: `k8s/${ns}/00-namespace.yaml`,
      content: [
        stringify({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns, labels: { 'app.kubernetes.io/part-of': 'swledger' } },
        }),
        stringify(placeholderSecret('cas', ns, cas.files)),
      ].join('---\n'),
    },
    ...components.map((c) => ({ path: `k8s/${ns}/${c.node}.yaml`, content: k8sComponent(c, ns) })),
  ];
}

/**
 * Deployment files of every organisation for one target: pure, topology in, files out.
 * @throws Error when orderers is not 1, 3 or 5
 * @example renderDeployment(loadTopology('network/topology.json'), 'compose', { domain: 'example.com', orderers: 1, chaincodeVersion: '0.1.0', restVersion: '0.1.0' })
 */
export function renderDeployment(
  t: Topology,
  target: RenderTarget,
  opts: RenderOptions,
): RenderedFile[] {
  if (![1, 3, 5].includes(opts.orderers)) throw new Error('orderers must be 1, 3 or 5');
  return orgKeys(t).flatMap((key) => {
    const components = orgComponents(t, key, opts);
    return target === 'compose'
      ? [{ path: `compose/${key}/compose.yaml`, content: renderCompose(components) }]
      : renderK8s(t, components);
  });
}

/**
 * Image tags from the packages' versions (the one I/O step, kept out of
 * rendering): the chaincode package as installed, and this package's for
 * the REST image (the packages are versioned together; this file is
 * packages/devnet/{src,dist}/render.{ts,js}).
 */
export function imageVersions(
  chaincodePackage = require.resolve('@swledger/chaincode/package.json'),
  clientPackage = resolve(__dirname, '..', 'package.json'),
): { chaincodeVersion: string; restVersion: string } {
  const version = (file: string) =>
    (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  return { chaincodeVersion: version(chaincodePackage), restVersion: version(clientPackage) };
}

/** Whether a string names a render target. */
export function isRenderTarget(s: string): s is RenderTarget {
  return (RENDER_TARGETS as readonly string[]).includes(s);
}
