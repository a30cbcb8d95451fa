import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import {
  CCAAS_BUILDER_DIR,
  clientRootCaFiles,
  ordererEnv,
  peerEnv,
  renderCoreYaml,
} from '@swledger/devnet/config';
import { ccaasConnection, chaincodeClientAuth, discoverFlags } from '@swledger/devnet/chaincode';
import { clientTls, clientTlsLabel } from '@swledger/devnet/crypto';
import { fabricHome, Layout, REPO_ROOT } from '@swledger/devnet/layout';
import { ordererFlags, peerCliEnv, withOrdererClientAuth } from '@swledger/devnet/peercli';
import { connectionProfile } from '@swledger/devnet/profile';
import { clientAuthArgs } from '@swledger/devnet/supervisor';
import { loadTopology, PeerOrgSpec } from '@swledger/devnet/topology';

type Yaml = Record<string, unknown>;

/** The parts of Fabric's sample core.yaml that renderCoreYaml edits. */
const SAMPLE_CORE = `
peer:
  gateway:
    enabled: false
    endorsementTimeout: 30s
    broadcastTimeout: 30s
  tls:
    enabled: false
    clientAuthRequired: false
    clientRootCAs:
      files:
        - tls/ca.crt
vm:
  endpoint: unix:///var/run/docker.sock
chaincode:
  keepalive: 0
  externalBuilders: []
operations:
  tls:
    enabled: false
    clientAuthRequired: false
`;

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function restore(name: 'SWL_HOME' | 'SWL_FABRIC_CACHE', value: string | undefined): void {
  if (value !== undefined) process.env[name] = value;
  else if (name === 'SWL_HOME') delete process.env.SWL_HOME;
  else delete process.env.SWL_FABRIC_CACHE;
}

function at(doc: Yaml, ...path: string[]): unknown {
  let cur: unknown = doc;
  for (const p of path) cur = (cur as Yaml)[p];
  return cur;
}

describe('network: mutual TLS in the rendered configs', () => {
  let home: string;
  let layout: Layout;
  let customs: PeerOrgSpec;
  const saved = { home: process.env.SWL_HOME, cache: process.env.SWL_FABRIC_CACHE };

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'swl-mtls-'));
    process.env.SWL_HOME = join(home, 'runs');
    process.env.SWL_FABRIC_CACHE = join(home, 'cache');
    const topology = loadTopology(join(REPO_ROOT, 'network', 'topology.json'));
    layout = new Layout({ name: 'unit-mtls', portBase: 7000, orderers: 1, topology });
    customs = layout.peerOrg('customs');
    for (const key of [topology.ordererOrg.key, ...topology.peerOrgs.map((o) => o.key)])
      put(layout.orgCaCert(key), `CA of ${key}\n`);
  });
  afterEach(() => {
    restore('SWL_HOME', saved.home);
    restore('SWL_FABRIC_CACHE', saved.cache);
    rmSync(home, { recursive: true, force: true });
  });

  /** Writes the customs client TLS pair (as ensureClientTls leaves it) and its wallet entry. */
  function enrolClientTls(): void {
    put(join(layout.orgDir('customs'), 'client', 'tls', 'client.crt'), 'cert\n');
    put(join(layout.orgDir('customs'), 'client', 'tls', 'client.key'), 'key\n');
    put(join(layout.walletDir(), `${clientTlsLabel('customs')}.id`), '{}');
  }

  it('trusts client certificates of every organisation CA, orderer included', () => {
    const roots = clientRootCaFiles(layout);

    expect(roots).to.deep.equal(
      ['orderer', 'customs', 'banka', 'bankb', 'enterprise'].map((k) => layout.orgCaCert(k)),
    );
  });

  it('core.yaml: peers require client certificates, operations do not, the builder gets the client pair', () => {
    put(join(fabricHome(), 'sampleconfig', 'core.yaml'), SAMPLE_CORE);

    const doc = parse(readFileSync(join(renderCoreYaml(layout), 'core.yaml'), 'utf8')) as Yaml;

    expect(at(doc, 'peer', 'tls', 'clientAuthRequired')).to.equal(true);
    expect(at(doc, 'peer', 'tls', 'clientRootCAs', 'files')).to.deep.equal(
      clientRootCaFiles(layout),
    );
    expect(at(doc, 'operations', 'tls', 'clientAuthRequired')).to.equal(false);
    expect(at(doc, 'chaincode', 'externalBuilders')).to.deep.equal([
      {
        name: 'ccaas_builder',
        path: CCAAS_BUILDER_DIR,
        propagateEnvironment: [
          'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG',
          'SWL_CCAAS_CLIENT_CERT_FILE',
          'SWL_CCAAS_CLIENT_KEY_FILE',
        ],
      },
    ]);
  });

  it('core.yaml: the Gateway service is on, and waits for an endorsement as long as the chaincode may run', () => {
    put(join(fabricHome(), 'sampleconfig', 'core.yaml'), SAMPLE_CORE);

    const doc = parse(readFileSync(join(renderCoreYaml(layout), 'core.yaml'), 'utf8')) as Yaml;

    expect(at(doc, 'peer', 'gateway')).to.deep.equal({
      enabled: true,
      endorsementTimeout: at(doc, 'chaincode', 'executetimeout'),
      broadcastTimeout: '30s',
    });
    expect(at(doc, 'chaincode', 'executetimeout')).to.equal('300s');
  });

  it("peer env: the peer's own TLS pair is the client pair its builder hands to the chaincode client", () => {
    const env = peerEnv(layout, customs, '/cfg');

    expect(env.SWL_CCAAS_CLIENT_CERT_FILE).to.equal(env.CORE_PEER_TLS_CERT_FILE);
    expect(env.SWL_CCAAS_CLIENT_KEY_FILE).to.equal(env.CORE_PEER_TLS_KEY_FILE);
    expect(env.CORE_PEER_TLS_CERT_FILE).to.equal(
      join(layout.nodeDir('customs', 'peer0'), 'tls', 'server.crt'),
    );
  });

  it('orderer env: the listener and the admin endpoint require client certificates, operations not', () => {
    const env = ordererEnv(layout, 0, '/cfg');

    expect(env.ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED).to.equal('true');
    expect(env.ORDERER_GENERAL_TLS_CLIENTROOTCAS).to.equal(
      `[${clientRootCaFiles(layout).join(',')}]`,
    );
    expect(env.ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED).to.equal('true');
    expect(env.ORDERER_OPERATIONS_TLS_CLIENTAUTHREQUIRED).to.equal('false');
  });

  it('peer CLI: presents the organisation client pair to peers and orderer', () => {
    enrolClientTls();
    const cert = join(layout.orgDir('customs'), 'client', 'tls', 'client.crt');
    const key = join(layout.orgDir('customs'), 'client', 'tls', 'client.key');
    const mtls = ['--clientauth', '--certfile', cert, '--keyfile', key];

    const env = peerCliEnv(layout, customs);
    const explicit = ordererFlags(layout, customs);
    const added = withOrdererClientAuth(layout, customs, [
      'channel',
      'fetch',
      ...ordererFlags(layout),
    ]);
    const kept = withOrdererClientAuth(layout, customs, explicit);
    const noOrderer = withOrdererClientAuth(layout, customs, ['channel', 'list']);

    expect(env.CORE_PEER_TLS_CLIENTAUTHREQUIRED).to.equal('true');
    expect(env.CORE_PEER_TLS_CLIENTCERT_FILE).to.equal(cert);
    expect(env.CORE_PEER_TLS_CLIENTKEY_FILE).to.equal(key);
    expect(explicit.slice(-5)).to.deep.equal(mtls);
    expect(added.slice(-5)).to.deep.equal(mtls);
    expect(kept).to.deep.equal(explicit);
    expect(noOrderer).to.deep.equal(['channel', 'list']);
  });

  it('peer CLI: a network made before mutual TLS (no client pair yet) gets no client-auth settings', () => {
    const env = peerCliEnv(layout, customs);
    const flags = withOrdererClientAuth(layout, customs, ordererFlags(layout));

    expect(env.CORE_PEER_TLS_CLIENTAUTHREQUIRED).to.equal('false');
    expect(env).not.to.have.property('CORE_PEER_TLS_CLIENTCERT_FILE');
    expect(flags).not.to.include('--clientauth');
  });

  it("orderer organisation: its client pair is the admin's TLS pair", () => {
    put(join(layout.orgDir('orderer'), 'admin', 'tls', 'server.crt'), 'c');
    put(join(layout.orgDir('orderer'), 'admin', 'tls', 'server.key'), 'k');

    const tls = clientTls(layout, 'orderer');

    expect(tls?.cert).to.equal(join(layout.orgDir('orderer'), 'admin', 'tls', 'server.crt'));
  });

  it('discover: --tlsCert/--tlsKey with the client pair', () => {
    enrolClientTls();

    const flags = discoverFlags(layout, customs);

    const i = flags.indexOf('--tlsCert');
    expect(flags.slice(i, i + 4)).to.deep.equal([
      '--tlsCert',
      join(layout.orgDir('customs'), 'client', 'tls', 'client.crt'),
      '--tlsKey',
      join(layout.orgDir('customs'), 'client', 'tls', 'client.key'),
    ]);
  });

  it('SDK profile: names the wallet TLS identity once it exists', () => {
    const before = connectionProfile(layout, 'customs');
    enrolClientTls();

    const after = connectionProfile(layout, 'customs');

    expect(before.client).to.deep.equal({ organization: 'CustomsMSP' });
    expect(after.client).to.deep.equal({
      organization: 'CustomsMSP',
      clientTlsIdentity: 'customs.tls',
    });
  });

  it('chaincode server: requires client certificates of its own org CA when its package asks the peer for one', () => {
    const conn = ccaasConnection(layout, customs);
    const pkg = join(layout.path('chaincode', 'customs'), 'connection.json');

    const none = clientAuthArgs(layout, customs);
    put(pkg, JSON.stringify({ ...conn, client_auth_required: false }));
    const old = chaincodeClientAuth(layout, customs);
    put(pkg, JSON.stringify(conn));
    const args = clientAuthArgs(layout, customs);

    expect(conn.client_auth_required).to.equal(true);
    expect(conn).not.to.have.property('client_key');
    expect(none).to.deep.equal([]);
    expect(old).to.equal(false);
    expect(args).to.deep.equal(['--chaincode-tls-client-cacert-file', layout.orgCaCert('customs')]);
  });

  describe('ccaas builder release step', () => {
    const release = join(CCAAS_BUILDER_DIR, 'bin', 'release');
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const key = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n';

    function runRelease(connection: object, env: Record<string, string>) {
      const bld = join(home, 'bld');
      const out = join(home, 'release');
      put(join(bld, 'connection.json'), JSON.stringify(connection, null, 2) + '\n');
      put(join(home, 'client.crt'), cert);
      put(join(home, 'client.key'), key);
      const res = spawnSync('sh', [release, bld, out], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
        encoding: 'utf8',
      });
      const file = join(out, 'chaincode', 'server', 'connection.json');
      return { status: res.status, stderr: res.stderr, file };
    }

    it('adds the peer client certificate and key to a client-auth connection.json', () => {
      const conn = ccaasConnection(layout, customs);

      const res = runRelease(conn, {
        SWL_CCAAS_CLIENT_CERT_FILE: join(home, 'client.crt'),
        SWL_CCAAS_CLIENT_KEY_FILE: join(home, 'client.key'),
      });

      expect(res.status, res.stderr).to.equal(0);
      expect(JSON.parse(readFileSync(res.file, 'utf8'))).to.deep.equal({
        ...conn,
        client_cert: cert,
        client_key: key,
      });
    });

    it('refuses a client-auth package when the peer names no client pair', () => {
      const res = runRelease(ccaasConnection(layout, customs), {});

      expect(res.status).to.equal(1);
      expect(res.stderr).to.match(/SWL_CCAAS_CLIENT_CERT_FILE/);
    });

    it('copies a package made before mutual TLS unchanged', () => {
      const conn = { ...ccaasConnection(layout, customs), client_auth_required: false };

      const res = runRelease(conn, {
        SWL_CCAAS_CLIENT_CERT_FILE: join(home, 'client.crt'),
        SWL_CCAAS_CLIENT_KEY_FILE: join(home, 'client.key'),
      });

      expect(res.status).to.equal(0);
      expect(JSON.parse(readFileSync(res.file, 'utf8'))).to.deep.equal(conn);
    });
  });
});
