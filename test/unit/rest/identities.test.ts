import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfigFile } from '@swledger/rest/configfile';
import { fileIdentities } from '@swledger/rest/identities';
import { makeIdentity } from '../sdk/provenance-fixtures';

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function walletEntry(dir: string, label: string, id: ReturnType<typeof makeIdentity>): void {
  put(
    join(dir, `${label}.id`),
    JSON.stringify({
      credentials: {
        certificate: id.certificate,
        privateKey: id.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
      mspId: id.mspId,
      type: 'X.509',
      version: 1,
    }),
  );
}

describe('rest/identities: the identities a config file names', () => {
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'swl-identities-'));
    put(
      join(root, 'profile.json'),
      JSON.stringify({
        client: { organization: 'EnterpriseMSP' },
        organizations: { EnterpriseMSP: { mspid: 'EnterpriseMSP', peers: ['p0'] } },
        peers: { p0: { url: 'grpcs://localhost:1' } },
      }),
    );
    const wallet = join(root, 'wallet');
    walletEntry(
      wallet,
      'enterprise:verifier',
      makeIdentity('EnterpriseMSP', 'verifier', { 'swl.role': 'verifier' }),
    );
    walletEntry(
      wallet,
      'enterprise:alpha',
      makeIdentity('EnterpriseMSP', 'alpha', {
        'swl.role': 'enterprise',
        'swl.entity': '91310000MA1K4A7B2X',
      }),
    );
    walletEntry(wallet, 'customs:officer1', makeIdentity('CustomsMSP', 'officer1'));
    put(
      join(root, 'rest.yaml'),
      stringify({
        org: 'enterprise',
        profile: 'profile.json',
        identity: { wallet: 'wallet', label: 'enterprise:verifier' },
        users: { wallet: 'wallet' },
        database: 'rest.sqlite',
        tls: false,
      }),
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads role and entity from the wallet certificates; the service acts as its label', () => {
    const ids = fileIdentities(loadConfigFile(join(root, 'rest.yaml')).ledger);

    const alpha = ids.identity('enterprise:alpha');

    expect(ids.serviceLabel).to.equal('enterprise:verifier');
    expect(alpha).to.deep.equal({
      label: 'enterprise:alpha',
      org: 'enterprise',
      mspId: 'EnterpriseMSP',
      role: 'enterprise',
      entity: '91310000MA1K4A7B2X',
    });
    expect(ids.identity('enterprise:verifier').role).to.equal('verifier');
  });

  it("refuses another organisation's identity and an unknown one, naming the label", () => {
    const ids = fileIdentities(loadConfigFile(join(root, 'rest.yaml')).ledger);

    expect(() => ids.identity('customs:officer1')).to.throw(
      "identity 'customs:officer1' is not available: identity 'customs:officer1' is not of enterprise",
    );
    expect(() => ids.identity('enterprise:zed')).to.throw(
      /^identity 'enterprise:zed' is not available/,
    );
  });

  it('connects with the profile, the MSP and the identity as PEM (no file-system wallet)', async () => {
    const ids = fileIdentities(loadConfigFile(join(root, 'rest.yaml')).ledger);

    const opts = await ids.connectionOptions('enterprise:alpha');

    expect(opts.walletDir).to.equal(undefined);
    expect(opts.profile.client.organization).to.equal('EnterpriseMSP');
    expect((await opts.wallet?.get(opts.identity))?.mspId).to.equal('EnterpriseMSP');
    expect([opts.channel, opts.chaincode]).to.deep.equal(['tradechannel', 'swledger']);
  });
});
