import { expect } from 'chai';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileError, ProfileOptions, SwlClient } from '@swledger/sdk';
import { localEnterpriseSigner } from '@swledger/devnet/enterprisekeys';
import { type WriteSigner } from '@swledger/sdk/signer';
import { CliRun, clientAs, runSwl, TEST_NETWORK, testLayout } from '../harness';
import { ALPHA, invoice, newFile } from '../fixtures';

/** The built CLI as a subprocess; the network is named by each call's -n. */
function swl(...args: string[]): Promise<CliRun> {
  return runSwl(args, {});
}

async function profileError(opts: ProfileOptions): Promise<ProfileError> {
  try {
    (await SwlClient.fromProfile(opts)).close();
  } catch (err) {
    if (err instanceof ProfileError) return err;
    throw err;
  }
  throw new Error('fromProfile connected');
}

describe('SDK: connect with an exported connection profile and identity files only', function () {
  this.timeout(180_000);
  let tmp: string;
  /** The fresh copy of `<out>/enterprise`, all the client gets. */
  let org: string;
  let savedHome: string | undefined;
  /** Alpha's own key (its keystore, opened before the network directory is hidden). */
  let signer: WriteSigner | undefined;

  const alpha = (): ProfileOptions => ({
    profile: join(org, 'connection-enterprise.json'),
    certificate: join(org, 'users', 'alpha@enterprise', 'msp', 'signcerts', 'cert.pem'),
    privateKey: join(org, 'users', 'alpha@enterprise', 'msp', 'keystore', 'key.pem'),
    tlsClientCertificate: join(org, 'tls', 'client.crt'),
    tlsClientKey: join(org, 'tls', 'client.key'),
    commitScope: 'network',
    ...(signer === undefined ? {} : { enterpriseSigning: { signer, entity: ALPHA } }),
  });

  before(async () => {
    signer = await localEnterpriseSigner(testLayout(), 'alpha');
    tmp = mkdtempSync(join(tmpdir(), 'swl-profile-'));
    const exported = await swl(
      'network',
      'export',
      'enterprise',
      '--out',
      join(tmp, 'out'),
      '--format',
      'json,yaml',
      '-n',
      TEST_NETWORK,
    );
    expect(exported.stderr).to.equal('');
    expect(exported.code).to.equal(0);
    cpSync(join(tmp, 'out', 'enterprise'), join(tmp, 'fresh'), { recursive: true });
    rmSync(join(tmp, 'out'), { recursive: true });
    org = join(tmp, 'fresh');
    // No network directory to fall back on while the profile clients run.
    savedHome = process.env.SWL_HOME;
    process.env.SWL_HOME = join(tmp, 'no-swledger-here');
  });

  after(() => {
    if (savedHome === undefined) delete process.env.SWL_HOME;
    else process.env.SWL_HOME = savedHome;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('exports the profile, the MSP layout and the mutual-TLS pair, keys 0600', () => {
    const alphaMsp = join(org, 'users', 'alpha@enterprise', 'msp');

    const modes = [
      join(alphaMsp, 'keystore', 'key.pem'),
      join(org, 'tls', 'client.key'),
      join(alphaMsp, 'signcerts', 'cert.pem'),
    ].map((f) => (statSync(f).mode & 0o777).toString(8));

    expect(modes).to.deep.equal(['600', '600', '644']);
    expect(statSync(join(org, 'connection-enterprise.yaml')).isFile()).to.equal(true);
    expect(statSync(join(alphaMsp, 'cacerts', 'ca.pem')).isFile()).to.equal(true);
    expect(statSync(join(org, 'tls', 'ca.crt')).isFile()).to.equal(true);
  });

  it('registers as enterprise alpha and verifies VALID, provenance included', async () => {
    const client = await SwlClient.fromProfile(alpha());
    const file = newFile();
    try {
      const registered = await client.documents.register(invoice(ALPHA), { buffer: file.buffer });

      const v = await client.verifier.verify({ buffer: file.buffer });

      expect(client.mspId).to.equal('EnterpriseMSP');
      expect(v.verdict).to.equal('VALID');
      expect(v.provenance.result).to.equal('VALID');
      expect(v.issuer.msp).to.equal('EnterpriseMSP');
      expect(v.issuer.transactionId).to.equal(registered.transactionId);
    } finally {
      client.close();
    }
  });

  it('connects with the YAML profile too', async () => {
    const client = await SwlClient.fromProfile({
      ...alpha(),
      profile: join(org, 'connection-enterprise.yaml'),
    });
    try {
      const ping = await client.system.ping();

      expect(ping).to.be.an('object');
      expect(client.mspId).to.equal('EnterpriseMSP');
    } finally {
      client.close();
    }
  });

  it('refuses a key that does not belong to the certificate: KEY_MISMATCH, nothing written', async () => {
    const beta = join(org, 'users', 'beta@enterprise', 'msp', 'keystore', 'key.pem');
    const verifier = await withHome(savedHome, () => clientAs('customs:verifier'));
    const before = await verifier.connection.ledgerHeight();

    const err = await profileError({ ...alpha(), privateKey: beta });

    expect(err.code).to.equal('KEY_MISMATCH');
    expect(err.path).to.equal(beta);
    expect(err.message).to.match(
      /^KEY_MISMATCH: the private key .* does not belong to the certificate/,
    );
    expect(await verifier.connection.ledgerHeight()).to.equal(before);
  });

  it('refuses a missing file and an MSP the profile does not have, with their codes', async () => {
    const missing = join(org, 'users', 'nobody@enterprise', 'msp', 'signcerts', 'cert.pem');

    const noFile = await profileError({ ...alpha(), certificate: missing });
    const noMsp = await profileError({ ...alpha(), mspId: 'NowhereMSP' });

    expect([noFile.code, noFile.path]).to.deep.equal(['FILE_NOT_FOUND', missing]);
    expect(noMsp.code).to.equal('MSP_NOT_IN_PROFILE');
    expect(noMsp.message).to.contain("MSP 'NowhereMSP' is not an organisation of");
  });
});

/** Runs `fn` with SWL_HOME set to `home` (unset when undefined), then puts it back. */
async function withHome<T>(home: string | undefined, fn: () => Promise<T>): Promise<T> {
  const current = process.env.SWL_HOME;
  if (home === undefined) delete process.env.SWL_HOME;
  else process.env.SWL_HOME = home;
  try {
    return await fn();
  } finally {
    if (current === undefined) delete process.env.SWL_HOME;
    else process.env.SWL_HOME = current;
  }
}
