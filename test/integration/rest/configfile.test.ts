import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { SWL_MAIN } from '@swledger/rest/process';
import { ALPHA, declaration, newFile, uniqueId } from '../fixtures';
import { enterpriseKeyFiles } from '@swledger/devnet/enterprisekeys';
import { clientAs, CliRun, runSwl, TEST_NETWORK, testLayout } from '../harness';
import { tempDir } from './harness';

/** A JSON request over HTTPS trusting only `ca`. */
function httpsJson(
  url: string,
  ca: string,
  opts: { method?: string; token?: string; body?: unknown } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
): Promise<{ status: number; body: any }> {
  const data = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? (data ? 'POST' : 'GET'),
        ca,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(data ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.once('error', reject);
    req.end(data);
  });
}

/** `swl serve --config` as a child process in `cwd`; resolves with its URL once it listens. */
function serve(
  config: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [SWL_MAIN, 'serve', '--config', config, '--port', '0'], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`swl serve --config did not listen within 30 s: ${output}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const url = /REST service of \S+ \(.*\) on (https?:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData).resume();
      child.stderr?.resume();
      resolve({ child, url });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`swl serve --config exited with ${String(code)}: ${output}`));
    });
  });
}

describe('REST service and CLI from a config file only (swl serve --config, --config, --profile)', function () {
  this.timeout(180_000);
  let tmp: string;
  /** The copy of the exported `<out>/enterprise`: all the service and the CLI get. */
  let org: string;
  /** An empty working directory: nothing can come from the checkout. */
  let cwd: string;
  /** The children's environment: no network, no config, a home that does not exist. */
  let env: NodeJS.ProcessEnv;
  let service: { child: ChildProcess; url: string } | undefined;
  let ca: string;
  let token: string;

  const swl = (...args: string[]): Promise<CliRun> => runSwl(args, env, cwd);

  before(async () => {
    tmp = tempDir('configfile');
    const exported = await runSwl(
      [
        'network',
        'export',
        'enterprise',
        '--out',
        join(tmp, 'out'),
        '--format',
        'yaml',
        '-n',
        TEST_NETWORK,
      ],
      {},
    );
    expect(exported.stderr).to.equal('');
    expect(exported.code).to.equal(0);
    org = join(tmp, 'enterprise');
    cpSync(join(tmp, 'out', 'enterprise'), org, { recursive: true });
    rmSync(join(tmp, 'out'), { recursive: true });
    cwd = join(tmp, 'cwd');
    mkdirSync(cwd);
    env = {
      SWL_HOME: join(tmp, 'no-swledger-here'),
      SWL_NETWORK: undefined,
      SWL_CONFIG: undefined,
    };
    ca = readFileSync(join(org, 'rest', 'tls', 'ca.crt'), 'utf8');
    const created = await swl(
      'user',
      'token',
      'create',
      'enterprise:alpha',
      '--config',
      '../enterprise/rest.yaml',
      '--json',
    );
    expect(created.stderr).to.equal('');
    token = (JSON.parse(created.stdout) as { token: string }).token;
    // Enterprise Alpha runs this service itself, so its own keystore signs its writes.
    const files = enterpriseKeyFiles(testLayout(), 'alpha');
    mkdirSync(join(org, 'keys'), { mode: 0o700 });
    copyFileSync(files.keystore, join(org, 'keys', 'alpha.json'));
    chmodSync(join(org, 'keys', 'alpha.json'), 0o600);
    service = await serve('../enterprise/rest.yaml', cwd, {
      ...env,
      SWL_ENTERPRISE_KEYS: join(org, 'keys'),
      SWL_KEYSTORE_PASSPHRASE: readFileSync(files.passphrase, 'utf8').trim(),
    });
  });

  after(async () => {
    if (service && service.child.exitCode === null) {
      const child = service.child;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it('registers as enterprise alpha over HTTPS and verifies VALID anonymously, provenance included', async () => {
    const f = newFile();
    const docId = uniqueId('CFG');
    const { type, facts } = declaration(ALPHA, docId);
    const body = { type, docId, sha256: f.sha256, facts };

    const registered = await httpsJson(`${service?.url ?? ''}/api/v1/documents`, ca, {
      token,
      body,
    });
    const verified = await httpsJson(`${service?.url ?? ''}/api/v1/verify/${f.sha256}`, ca);

    expect(registered.status).to.equal(201);
    expect(registered.body.record).to.include({ docId, owner: ALPHA, sha256: f.sha256 });
    expect(verified.status).to.equal(200);
    expect(verified.body).to.include({ verdict: 'VALID', access: 'public' });
    expect(verified.body.issuer.transactionId).to.equal(registered.body.transactionId);
    expect(verified.body.provenance.result).to.equal('VALID');
    expect(readdirSync(cwd)).to.deep.equal([]);
    expect(existsSync(env.SWL_HOME ?? '')).to.equal(false);
    expect(existsSync(join(org, 'rest.sqlite'))).to.equal(true);
  });

  it('a ledger command with --config (as a user of the file) and with --profile --identity, from the empty directory', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const docId = uniqueId('CLI');
    await alpha.documents.register(declaration(ALPHA, docId), { buffer: newFile().buffer });

    const byConfig = await swl(
      'doc',
      'show',
      'CUSTOMS_DECLARATION',
      docId,
      '--config',
      '../enterprise/rest.yaml',
      '--as',
      'alpha',
      '--json',
    );
    const byProfile = await swl(
      'doc',
      'show',
      'CUSTOMS_DECLARATION',
      docId,
      '--profile',
      '../enterprise/connection-enterprise.yaml',
      '--identity',
      '../enterprise/users/alpha@enterprise',
      '--json',
    );

    expect([byConfig.stderr, byConfig.code]).to.deep.equal(['', 0]);
    expect(JSON.parse(byConfig.stdout)).to.include({ docId, owner: ALPHA, access: 'full' });
    expect([byProfile.stderr, byProfile.code]).to.deep.equal(['', 0]);
    expect(JSON.parse(byProfile.stdout)).to.include({ docId, owner: ALPHA });
    expect(readdirSync(cwd)).to.deep.equal([]);
  });

  it('without --config or SWL_CONFIG, the same command looks for a local network and finds none', async () => {
    const res = await swl('doc', 'show', 'CUSTOMS_DECLARATION', 'X', '--as', 'enterprise:alpha');

    expect(res.code).to.equal(2);
    expect(res.stderr).to.equal("swl: no network named 'dev': start it with 'swl network up'\n");
  });

  it("refuses a config whose key is not the certificate's: CONFIG_KEY_MISMATCH, exit 2, the ledger unchanged", async () => {
    const config = parse(readFileSync(join(org, 'rest.yaml'), 'utf8')) as {
      identity: Record<string, string>;
    };
    config.identity.privateKey = 'users/alpha@enterprise/msp/keystore/key.pem';
    writeFileSync(join(org, 'bad.yaml'), stringify(config));
    const verifier = await clientAs('customs:verifier');
    const height = await verifier.connection.ledgerHeight();

    const res = await swl('serve', '--config', '../enterprise/bad.yaml', '--port', '0');

    expect(res.code).to.equal(2);
    expect(res.stderr).to.match(
      /^swl: CONFIG_KEY_MISMATCH: identity: the private key of .*verifier@enterprise.* does not belong to its certificate/,
    );
    expect(await verifier.connection.ledgerHeight()).to.equal(height);
  });
});
