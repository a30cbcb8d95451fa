import { expect } from 'chai';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@swledger/devnet/layout';
import { createKeystore, openKeystore } from '@swledger/sdk/keystore';
import { clientAs, runSwl, TEST_NETWORK } from './harness';
import { ALPHA } from './fixtures';

/** Runs a command; resolves with its output, rejects with its stderr on a non-zero exit. */
function run(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env } };
    execFile(cmd, args, options, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Runs an installed `swl`; resolves with its exit code and output. */
function execSwl(
  swl: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      swl,
      args,
      { cwd, env: { ...process.env, SWL_AS: undefined, SWL_HOME: join(cwd, 'none') } },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** What an application written against the installed SDK does: connect with the exported files, register, verify. */
const APP = `
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { SwlClient, openKeystore } = require('@swledger/sdk');
const org = process.argv[2];
const owner = process.argv[3];
const keystore = process.argv[4];
(async () => {
  // The enterprise's own key, from its keystore; the passphrase from the environment.
  const signer = await openKeystore(keystore, process.env.SWL_KEYSTORE_PASSPHRASE);
  const client = await SwlClient.fromProfile({
    enterpriseSigning: { signer, entity: owner },
    profile: join(org, 'connection-enterprise.yaml'),
    certificate: join(org, 'users', 'alpha@enterprise', 'msp', 'signcerts', 'cert.pem'),
    privateKey: join(org, 'users', 'alpha@enterprise', 'msp', 'keystore', 'key.pem'),
    tlsClientCertificate: join(org, 'tls', 'client.crt'),
    tlsClientKey: join(org, 'tls', 'client.key'),
    commitScope: 'network',
  });
  try {
    const buffer = Buffer.from('packed:' + Date.now() + ':' + Math.random());
    const docId = 'INV-PACK-' + Date.now().toString(36);
    const facts = { seller: owner, buyer: '91440300MA5F8C6D3Y', amount: '10.00', currency: 'USD' };
    const registered = await client.documents.register(
      { type: 'COMMERCIAL_INVOICE', docId, owner, facts },
      { buffer },
    );
    const v = await client.verifier.verify({ buffer });
    console.log(JSON.stringify({ sha256: v.sha256, tx: registered.transactionId, verdict: v.verdict, provenance: v.provenance.result, issuerTx: v.issuer.transactionId }));
  } finally {
    client.close();
  }
})().catch((err) => { console.error(err); process.exit(1); });
`;

describe('the SDK and the CLI packed with npm and installed in an empty folder', function () {
  this.timeout(600_000);
  let tmp: string;
  let app: string;
  let tarballs: string;
  let exported: string;
  /** The fingerprint the installed SDK registered. */
  let sha256 = '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'swl-pack-'));
    tarballs = join(tmp, 'tarballs');
    mkdirSync(tarballs);
    const workspaces = ['@swledger/protocol', '@swledger/chaincode', '@swledger/sdk'];
    await run(
      'npm',
      ['pack', '--pack-destination', tarballs, ...workspaces.flatMap((w) => ['-w', w])],
      REPO_ROOT,
    );
    app = join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...files],
      app,
    );
    writeFileSync(join(app, 'app.js'), APP);
  });

  after(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('installs without the REST service, SQLite, the network tooling or the chaincode runtime', () => {
    const present = (name: string) => existsSync(join(app, 'node_modules', name));

    const unwanted = [
      'express',
      'better-sqlite3',
      'prom-client',
      'fabric-shim',
      '@swledger/rest',
      '@swledger/devnet',
      '@swledger/cli',
    ];

    expect(unwanted.filter(present)).to.deep.equal([]);
    expect(
      ['@swledger/sdk', '@swledger/protocol', 'fabric-network'].filter(present),
    ).to.have.length(3);
  });

  it('registers and verifies (provenance included) from the installed copy, with exported files only', async () => {
    exported = join(tmp, 'export');
    const res = await runSwl(
      [
        'network',
        'export',
        'enterprise',
        '--out',
        exported,
        '--format',
        'yaml',
        '-n',
        TEST_NETWORK,
      ],
      {},
    );
    expect(res.code, res.stderr).to.equal(0);

    // The enterprise makes its key and its bank confirms the binding, as in production.
    const keystore = join(tmp, 'alpha.json');
    await createKeystore(keystore, 'pack-passphrase', { scryptN: 1 << 12 });
    const key = await openKeystore(keystore, 'pack-passphrase');
    await (await clientAs('enterprise:alpha')).bindings.request(key, ALPHA, 'BankAMSP');
    await (await clientAs('banka:clerk1')).bindings.confirm(key.address);

    const stdout = await run(
      process.execPath,
      ['app.js', join(exported, 'enterprise'), ALPHA, keystore],
      app,
      { SWL_KEYSTORE_PASSPHRASE: 'pack-passphrase' },
    );

    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, string>;
    expect(result.verdict).to.equal('VALID');
    expect(result.provenance).to.equal('VALID');
    expect(result.issuerTx).to.equal(result.tx);
    sha256 = result.sha256 ?? '';
  });

  it('runs the installed swl against the network with a profile and an identity directory', async () => {
    const more = ['@swledger/anchor', '@swledger/devnet', '@swledger/rest', '@swledger/cli'];
    await run(
      'npm',
      ['pack', '--pack-destination', tarballs, ...more.flatMap((w) => ['-w', w])],
      REPO_ROOT,
    );
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...files],
      app,
    );
    const org = join(exported, 'enterprise');
    const swl = join(app, 'node_modules', '.bin', 'swl');

    const verified = await execSwl(
      swl,
      [
        'verify',
        sha256,
        '--profile',
        join(org, 'connection-enterprise.yaml'),
        '--identity',
        join(org, 'users', 'alpha@enterprise'),
        '--json',
      ],
      app,
    );

    expect([verified.stderr, verified.code]).to.deep.equal(['', 0]);
    expect(JSON.parse(verified.stdout)).to.deep.include({ verdict: 'VALID' });
    expect(realpathSync(swl)).to.equal(
      join(app, 'node_modules', '@swledger', 'cli', 'dist', 'main.js'),
    );
  });
});
