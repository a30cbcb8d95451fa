import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ccaasConnection } from '@swledger/devnet/chaincode';
import { ordererEnv, peerEnv, renderConfigtx } from '@swledger/devnet/config';
import { certHosts } from '@swledger/devnet/crypto';
import { bridgeName, inHost, isolationPlan, networkTag, ownedBy } from '@swledger/devnet/isolate';
import { Layout, REPO_ROOT, resolveLayout, saveState } from '@swledger/devnet/layout';
import { allPeerFlags, ordererFlags, peerCliEnv } from '@swledger/devnet/peercli';
import { connectionProfile } from '@swledger/devnet/profile';
import { checkTopology, hostAddresses, loadTopology, Topology } from '@swledger/devnet/topology';
import { discoveryAsLocalhost } from '@swledger/sdk/fabric';

const file = join(REPO_ROOT, 'network', 'topology.json');
const raw = (): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

describe('network/isolate: organisations on separate hosts', () => {
  const saved = process.env.SWL_HOME;
  let home: string;
  let topology: Topology;
  let isolated: Layout;
  let local: Layout;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'swl-isolate-'));
    process.env.SWL_HOME = home;
    topology = loadTopology(file);
    isolated = new Layout({
      name: 'unit-iso',
      portBase: 26000,
      orderers: 3,
      topology,
      isolate: true,
    });
    local = new Layout({ name: 'unit-local', portBase: 26000, orderers: 1, topology });
    for (const l of [isolated, local])
      for (const key of [topology.ordererOrg.key, ...topology.peerOrgs.map((o) => o.key)])
        put(l.orgCaCert(key), `CA of ${key}\n`);
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SWL_HOME;
    else process.env.SWL_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  describe('host addresses in the topology', () => {
    it('gives each organisation network + 10 + its index unless the topology names its host', () => {
      const t = raw();
      t.hostNetwork = '192.168.40.0/24';
      (t.peerOrgs as Record<string, unknown>[])[2]!.host = '192.168.40.200';

      const hosts = hostAddresses(checkTopology(t));

      expect(Object.fromEntries(hosts)).to.deep.equal({
        orderer: '192.168.40.10',
        customs: '192.168.40.11',
        banka: '192.168.40.12',
        bankb: '192.168.40.200',
        enterprise: '192.168.40.14',
      });
    });

    const broken: [string, (t: Record<string, unknown>) => void, RegExp][] = [
      ['a public host network', (t) => (t.hostNetwork = '8.8.8.0/24'), /must be private/],
      ['a /30 host network', (t) => (t.hostNetwork = '10.77.0.0/30'), /prefix must be 16 to 28/],
      [
        'a network address that is not the first of its prefix',
        (t) => (t.hostNetwork = '10.77.0.5/24'),
        /not the first address of a \/24/,
      ],
      [
        'a host network that is not CIDR',
        (t) => (t.hostNetwork = 'tenseventyseven'),
        /IPv4 network/,
      ],
      [
        'a host outside the host network',
        (t) => ((t.peerOrgs as Record<string, unknown>[])[0]!.host = '10.78.0.11'),
        /customs: host 10\.78\.0\.11 must be inside hostNetwork 10\.77\.0\.0\/24/,
      ],
      [
        "the bridge's address as a host",
        (t) => ((t.peerOrgs as Record<string, unknown>[])[0]!.host = '10.77.0.1'),
        /customs: host 10\.77\.0\.1 must be inside/,
      ],
      [
        'two organisations on one host',
        (t) => ((t.peerOrgs as Record<string, unknown>[])[1]!.host = '10.77.0.11'),
        /banka: host 10\.77\.0\.11 is customs's too/,
      ],
      [
        'a host that is not an address',
        (t) => ((t.peerOrgs as Record<string, unknown>[])[1]!.host = 'bank-a.example'),
        /banka: host 'bank-a\.example' is not an IPv4 address/,
      ],
      [
        'a host that is not a string',
        (t) => ((t.ordererOrg as Record<string, unknown>).host = 10),
        /orderer: host must be an IPv4 address string/,
      ],
    ];
    for (const [name, edit, message] of broken) {
      it(`refuses ${name}`, () => {
        const t = raw();
        edit(t);

        const check = () => checkTopology(t, 'my-topology.json');

        expect(check).to.throw(/^topology my-topology\.json: /);
        expect(check).to.throw(message);
      });
    }
  });

  it('plans one namespace and veth pair per organisation with interface names Linux accepts', () => {
    const plan = isolationPlan(isolated);
    const other = isolationPlan(
      new Layout({ name: 'unit-iso2', portBase: 26000, orderers: 1, topology, isolate: true }),
    );

    const names = [plan.bridge, ...plan.hosts.flatMap((h) => [h.vethRoot, h.vethHost])];

    expect(plan.bridgeAddress).to.equal('10.77.0.1/24');
    expect(plan.hosts.map((h) => [h.netns, h.address])).to.deep.equal([
      ['swl-unit-iso-orderer', '10.77.0.10'],
      ['swl-unit-iso-customs', '10.77.0.11'],
      ['swl-unit-iso-banka', '10.77.0.12'],
      ['swl-unit-iso-bankb', '10.77.0.13'],
      ['swl-unit-iso-enterprise', '10.77.0.14'],
    ]);
    expect(names.filter((n) => n.length > 15)).to.deep.equal([]);
    expect(new Set(names).size).to.equal(names.length);
    expect(other.bridge).to.not.equal(plan.bridge);
  });

  it("claims only its own network's namespaces and links when cleaning up", () => {
    const tag = networkTag('dev');
    const names = {
      netns: ['swl-dev-customs', 'swl-dev-x-customs', 'swl-devx-banka', 'other', 'swl-dev-'],
      links: [
        bridgeName('dev'),
        `swlr${tag}3`,
        `swlh${tag}0`,
        bridgeName('dev-x'),
        'eth0',
        `swlr${tag}`,
      ],
    };

    const owned = ownedBy('dev', names);

    expect(owned).to.deep.equal({
      netns: ['swl-dev-customs'],
      links: [bridgeName('dev'), `swlr${tag}3`, `swlh${tag}0`],
    });
  });

  it('runs a process through ip netns exec in its organisation namespace only when isolated', () => {
    const wrapped = inHost(isolated, 'banka', '/bin/peer', ['node', 'start']);
    const plain = inHost(local, 'banka', '/bin/peer', ['node', 'start']);

    expect(wrapped).to.deep.equal({
      command: 'ip',
      args: ['netns', 'exec', 'swl-unit-iso-banka', '/bin/peer', 'node', 'start'],
    });
    expect(plain).to.deep.equal({ command: '/bin/peer', args: ['node', 'start'] });
  });

  it('binds, advertises and certifies a peer at its host address, never on localhost', () => {
    const bankb = isolated.peerOrg('bankb');

    const env = peerEnv(isolated, bankb, '/cfg');
    const addressVars = Object.entries(env).filter(([k]) =>
      /ADDRESS$|BOOTSTRAP$|EXTERNALENDPOINT$/.test(k),
    );

    expect(Object.fromEntries(addressVars)).to.deep.equal({
      CORE_PEER_ADDRESS: '10.77.0.13:26351',
      CORE_PEER_LISTENADDRESS: '10.77.0.13:26351',
      CORE_PEER_CHAINCODEADDRESS: '10.77.0.13:26352',
      CORE_PEER_CHAINCODELISTENADDRESS: '10.77.0.13:26352',
      CORE_PEER_GOSSIP_BOOTSTRAP: '10.77.0.13:26351',
      CORE_PEER_GOSSIP_EXTERNALENDPOINT: '10.77.0.13:26351',
      CORE_OPERATIONS_LISTENADDRESS: '10.77.0.13:26353',
    });
    expect(certHosts(isolated, 'bankb')).to.equal('10.77.0.13');
    expect(certHosts(local, 'bankb')).to.equal('localhost,127.0.0.1');
    expect(ccaasConnection(isolated, bankb).address).to.equal('10.77.0.13:26360');
  });

  it("puts the orderers on the orderer organisation's host", () => {
    const env = ordererEnv(isolated, 2, '/cfg');

    expect(env.ORDERER_GENERAL_LISTENADDRESS).to.equal('10.77.0.10');
    expect(env.ORDERER_ADMIN_LISTENADDRESS).to.equal('10.77.0.10:26021');
    expect(env.ORDERER_OPERATIONS_LISTENADDRESS).to.equal('10.77.0.10:26022');
  });

  it('writes host addresses into the channel: orderer endpoints, Raft consenters, anchor peers', () => {
    const dir = renderConfigtx(isolated);

    const doc = parse(readFileSync(join(dir, 'configtx.yaml'), 'utf8')) as {
      Profiles: {
        TradeChannel: {
          Orderer: {
            EtcdRaft: { Consenters: { Host: string; Port: number }[] };
            Organizations: { OrdererEndpoints: string[] }[];
          };
          Application: { Organizations: { ID: string; AnchorPeers: unknown[] }[] };
        };
      };
    };
    const profile = doc.Profiles.TradeChannel;

    expect(profile.Orderer.EtcdRaft.Consenters.map((c) => `${c.Host}:${c.Port}`)).to.deep.equal([
      '10.77.0.10:26000',
      '10.77.0.10:26010',
      '10.77.0.10:26020',
    ]);
    expect(profile.Orderer.Organizations[0]!.OrdererEndpoints).to.deep.equal([
      '10.77.0.10:26000',
      '10.77.0.10:26010',
      '10.77.0.10:26020',
    ]);
    expect(profile.Application.Organizations.map((o) => [o.ID, o.AnchorPeers])).to.deep.equal([
      ['CustomsMSP', [{ Host: '10.77.0.11', Port: 26151 }]],
      ['BankAMSP', [{ Host: '10.77.0.12', Port: 26251 }]],
      ['BankBMSP', [{ Host: '10.77.0.13', Port: 26351 }]],
      ['EnterpriseMSP', [{ Host: '10.77.0.14', Port: 26451 }]],
    ]);
  });

  it('points the peer CLI at each host address', () => {
    const customs = isolated.peerOrg('customs');

    const env = peerCliEnv(isolated, customs);
    const peers = allPeerFlags(isolated).filter((_, i) => i % 4 === 1);

    expect(env.CORE_PEER_ADDRESS).to.equal('10.77.0.11:26151');
    expect(ordererFlags(isolated).slice(0, 2)).to.deep.equal(['-o', '10.77.0.10:26000']);
    expect(peers).to.deep.equal([
      '10.77.0.11:26151',
      '10.77.0.12:26251',
      '10.77.0.13:26351',
      '10.77.0.14:26451',
    ]);
  });

  it('hands out a profile that dials each host by address, without name overrides, and that the SDK does not rewrite to localhost', () => {
    const profile = connectionProfile(isolated, 'enterprise');
    const localProfile = connectionProfile(local, 'enterprise');

    const peers = Object.values(profile.peers);

    expect(peers.map((p) => p.url)).to.deep.equal([
      'grpcs://10.77.0.11:26151',
      'grpcs://10.77.0.12:26251',
      'grpcs://10.77.0.13:26351',
      'grpcs://10.77.0.14:26451',
    ]);
    expect(peers.map((p) => Object.keys(p.grpcOptions))).to.deep.equal(
      peers.map(() => ['grpc.keepalive_time_ms']),
    );
    expect(Object.values(profile.orderers).map((o) => o.url)).to.deep.equal([
      'grpcs://10.77.0.10:26000',
      'grpcs://10.77.0.10:26010',
      'grpcs://10.77.0.10:26020',
    ]);
    expect(profile.certificateAuthorities['ca-enterprise']!.url).to.equal(
      'https://10.77.0.14:26454',
    );
    expect(discoveryAsLocalhost(profile)).to.equal(false);
    expect(discoveryAsLocalhost(localProfile)).to.equal(true);
  });

  it('refuses to turn an existing network into an isolated one, or back', () => {
    saveState(local);

    const isolate = () => resolveLayout({ name: 'unit-local', isolate: true });
    const same = resolveLayout({ name: 'unit-local' });

    expect(isolate).to.throw(/created without --isolate.*down --purge -n unit-local/);
    expect(same.layout.isolated).to.equal(false);
  });
});
