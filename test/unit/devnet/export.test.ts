import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { exportFiles, exportOrg, portableProfile } from '@swledger/devnet/export';
import { Layout, REPO_ROOT } from '@swledger/devnet/layout';
import { connectionProfile } from '@swledger/devnet/profile';
import { loadTopology } from '@swledger/devnet/topology';

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function walletEntry(layout: Layout, label: string, mspId: string): void {
  put(
    join(layout.walletDir(), `${label}.id`),
    JSON.stringify({
      credentials: { certificate: `cert of ${label}\n`, privateKey: `key of ${label}\n` },
      mspId,
      type: 'X.509',
      version: 1,
    }),
  );
}

describe('network: export of an organisation (profile and identity files)', () => {
  const saved = process.env.SWL_HOME;
  let home: string;
  let out: string;
  let layout: Layout;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'swl-export-'));
    process.env.SWL_HOME = join(home, 'runs');
    out = join(home, 'out');
    const topology = loadTopology(join(REPO_ROOT, 'network', 'topology.json'));
    layout = new Layout({ name: 'unit-export', portBase: 7000, orderers: 1, topology });
    for (const key of [topology.ordererOrg.key, ...topology.peerOrgs.map((o) => o.key)])
      put(layout.orgCaCert(key), `CA of ${key}\n`);
    walletEntry(layout, 'enterprise:alpha', 'EnterpriseMSP');
    walletEntry(layout, 'enterprise:beta', 'EnterpriseMSP');
    walletEntry(layout, 'customs:officer1', 'CustomsMSP');
    walletEntry(layout, 'enterprise.tls', 'EnterpriseMSP');
    const tls = join(layout.orgDir('enterprise'), 'client', 'tls');
    put(join(tls, 'client.crt'), 'tls cert\n');
    put(join(tls, 'client.key'), 'tls key\n');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SWL_HOME;
    else process.env.SWL_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it('lays out the profile, each user in the MSP layout and the TLS pair; keys are 0600', () => {
    const files = exportFiles({
      orgKey: 'enterprise',
      profile: connectionProfile(layout, 'enterprise'),
      caCert: 'CA\n',
      users: [{ name: 'alpha', certificate: 'C\n', privateKey: 'K\n' }],
      tls: { certificate: 'TC\n', privateKey: 'TK\n' },
      formats: ['json', 'yaml'],
    });

    expect(files.map((f) => [f.path, f.mode.toString(8)])).to.deep.equal([
      ['enterprise/connection-enterprise.json', '644'],
      ['enterprise/connection-enterprise.yaml', '644'],
      ['enterprise/users/alpha@enterprise/msp/signcerts/cert.pem', '644'],
      ['enterprise/users/alpha@enterprise/msp/keystore/key.pem', '600'],
      ['enterprise/users/alpha@enterprise/msp/cacerts/ca.pem', '644'],
      ['enterprise/tls/client.crt', '644'],
      ['enterprise/tls/client.key', '600'],
      ['enterprise/tls/ca.crt', '644'],
    ]);
    expect(files.map((f) => f.content).slice(2)).to.deep.equal([
      'C\n',
      'K\n',
      'CA\n',
      'TC\n',
      'TK\n',
      'CA\n',
    ]);
    expect(parse(files[1]?.content ?? '')).to.deep.equal(JSON.parse(files[0]?.content ?? ''));
  });

  it('writes rest.yaml for swl serve --config: paths relative to it, the service acting as verifier', () => {
    const files = exportFiles({
      orgKey: 'enterprise',
      profile: connectionProfile(layout, 'enterprise'),
      caCert: 'CA\n',
      users: [{ name: 'verifier', certificate: 'C\n', privateKey: 'K\n' }],
      tls: { certificate: 'TC\n', privateKey: 'TK\n' },
      formats: ['json'],
      rest: {
        channel: 'tradechannel',
        chaincode: 'swledger',
        serviceUser: 'verifier',
        organizations: [{ msp: 'EnterpriseMSP', kind: 'enterprise' }],
        port: 7380,
        serverTls: { certificate: 'SC\n', privateKey: 'SK\n' },
      },
    });

    const rest = files.find((f) => f.path === 'enterprise/rest.yaml');
    expect(
      files
        .filter((f) => f.path.startsWith('enterprise/rest/'))
        .map((f) => [f.path, f.mode.toString(8)]),
    ).to.deep.equal([
      ['enterprise/rest/tls/server.crt', '644'],
      ['enterprise/rest/tls/server.key', '600'],
      ['enterprise/rest/tls/ca.crt', '644'],
    ]);
    expect(parse(rest?.content ?? '')).to.deep.equal({
      org: 'enterprise',
      profile: 'connection-enterprise.json',
      channel: 'tradechannel',
      chaincode: 'swledger',
      tlsClient: { certificate: 'tls/client.crt', privateKey: 'tls/client.key' },
      identity: {
        certificate: 'users/verifier@enterprise/msp/signcerts/cert.pem',
        privateKey: 'users/verifier@enterprise/msp/keystore/key.pem',
        name: 'verifier',
      },
      users: { dir: 'users' },
      organizations: [{ msp: 'EnterpriseMSP', kind: 'enterprise' }],
      database: 'rest.sqlite',
      listen: { host: '127.0.0.1', port: 7380 },
      tls: { certificate: 'rest/tls/server.crt', privateKey: 'rest/tls/server.key' },
      watch: true,
    });
  });

  it('hands out a standard profile: no wallet label, every peer with its TLS CA and host override', () => {
    const profile = portableProfile(connectionProfile(layout, 'enterprise'));

    expect(profile.client).to.deep.equal({ organization: 'EnterpriseMSP' });
    expect(Object.keys(profile.organizations)).to.deep.equal([
      'CustomsMSP',
      'BankAMSP',
      'BankBMSP',
      'EnterpriseMSP',
    ]);
    expect(profile.organizations.EnterpriseMSP).to.deep.equal({
      mspid: 'EnterpriseMSP',
      peers: ['peer0.enterprise'],
      certificateAuthorities: ['ca-enterprise'],
    });
    expect(profile.peers['peer0.bankb']?.tlsCACerts.pem).to.equal('CA of bankb\n');
    expect(profile.peers['peer0.bankb']?.grpcOptions).to.include({
      'ssl-target-name-override': 'localhost',
      hostnameOverride: 'localhost',
    });
    expect(profile.orderers.orderer0?.tlsCACerts.pem).to.equal('CA of orderer\n');
    expect(profile.certificateAuthorities['ca-enterprise']).to.include({
      caName: 'ca-enterprise',
    });
  });

  it("writes every user of the organisation from the wallet, and only that organisation's", () => {
    const res = exportOrg(layout, 'EnterpriseMSP', { out });

    expect(res.users).to.deep.equal(['alpha', 'beta']);
    const key = join(out, 'enterprise', 'users', 'beta@enterprise', 'msp', 'keystore', 'key.pem');
    expect(readFileSync(key, 'utf8')).to.equal('key of enterprise:beta\n');
    expect((statSync(key).mode & 0o777).toString(8)).to.equal('600');
    expect(readFileSync(join(out, 'enterprise', 'tls', 'client.key'), 'utf8')).to.equal(
      'tls key\n',
    );
    const written = JSON.parse(
      readFileSync(join(out, 'enterprise', 'connection-enterprise.json'), 'utf8'),
    ) as { client: unknown };
    expect(written.client).to.deep.equal({ organization: 'EnterpriseMSP' });
  });

  it('refuses an unknown organisation, an unknown user, and a non-empty directory without force', () => {
    put(join(out, 'enterprise', 'old.txt'), 'x');

    const org = () => exportOrg(layout, 'nowhere', { out });
    const user = () => exportOrg(layout, 'enterprise', { out, users: ['alpha', 'zed'] });
    const full = () => exportOrg(layout, 'enterprise', { out });
    const forced = exportOrg(layout, 'enterprise', { out, users: ['alpha'], force: true });

    expect(org).to.throw(/unknown organisation 'nowhere'/);
    expect(user).to.throw("unknown user 'zed' (known: alpha, beta)");
    expect(full).to.throw(/exists and is not empty: choose another --out, or pass --force/);
    expect(forced.users).to.deep.equal(['alpha']);
  });
});
