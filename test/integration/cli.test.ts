import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../client/src/network/layout';
import { TEST_NETWORK } from './harness';
import { ALPHA, BETA, uniqueId } from './fixtures';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function swl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'client/dist/cli/main.js'), ...args],
      { env: { ...process.env, SWL_NETWORK: TEST_NETWORK } },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('swl CLI (the built binary as a subprocess)', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'swl-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has --help on every command', async () => {
    const commands = [
      [],
      ['network'],
      ['network', 'up'],
      ['doc'],
      ['doc', 'register'],
      ['doc', 'list'],
      ['verify'],
      ['guarantee', 'draw'],
      ['invoice', 'finance'],
      ['user', 'enroll'],
      ['events'],
    ];

    const runs = await Promise.all(commands.map((c) => swl(...c, '--help')));

    runs.forEach((r, i) => {
      expect(r.code, commands[i]!.join(' ')).to.equal(0);
      expect(r.stdout).to.match(/Usage: swl/);
    });
  });

  it('registers, shows, moves and lists a document; verify exits 0 for valid, 1 for tampered, 2 for errors', async () => {
    const file = join(dir, 'invoice.pdf');
    writeFileSync(file, `invoice ${uniqueId('x')}`);
    const docId = uniqueId('CLI');
    const facts = [
      '--fact',
      `seller=${ALPHA}`,
      '--fact',
      `buyer=${BETA}`,
      '--fact',
      'amount=2500',
      '--fact',
      'currency=EUR',
    ];

    const reg = await swl(
      'doc',
      'register',
      file,
      '--as',
      'enterprise:alpha',
      '--type',
      'COMMERCIAL_INVOICE',
      '--id',
      docId,
      '--owner',
      ALPHA,
      ...facts,
      '--json',
    );
    const valid = await swl('verify', file, '--as', 'bankb:verifier');
    writeFileSync(file, 'tampered');
    const tampered = await swl('verify', file, '--as', 'bankb:verifier', '--json');
    const missing = await swl('verify', join(dir, 'no-such-file'));
    const financed = await swl('invoice', 'finance', docId, 'F1', '2500', '--as', 'banka:clerk1');
    const again = await swl('invoice', 'finance', docId, 'F2', '1', '--as', 'bankb:clerk1');
    const shown = await swl(
      'doc',
      'show',
      'COMMERCIAL_INVOICE',
      docId,
      '--as',
      'customs:auditor1',
      '--peer',
      'BankBMSP',
    );
    const listed = await swl(
      'doc',
      'list',
      ALPHA,
      '--as',
      'enterprise:alpha',
      '--type',
      'COMMERCIAL_INVOICE',
      '--status',
      'FINANCED',
      '--all',
      '--json',
    );
    const history = await swl(
      'doc',
      'history',
      'COMMERCIAL_INVOICE',
      docId,
      '--as',
      'customs:auditor1',
    );

    expect(reg.code, reg.stderr).to.equal(0);
    expect((JSON.parse(reg.stdout) as { docId: string; status: string }).status).to.equal(
      'REGISTERED',
    );
    expect(valid.code).to.equal(0);
    expect(valid.stdout).to.match(/verdict\s+VALID/);
    expect(tampered.code).to.equal(1);
    expect(
      (JSON.parse(tampered.stdout) as { integrity: { result: string } }).integrity.result,
    ).to.equal('INVALID');
    expect(missing.code).to.equal(2);
    expect(financed.code, financed.stderr).to.equal(0);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.match(/^swl: ALREADY_FINANCED: /);
    expect(shown.stdout).to.match(/status\s+FINANCED/);
    expect(
      (JSON.parse(listed.stdout) as { records: { docId: string }[] }).records.map((r) => r.docId),
    ).to.include(docId);
    expect(history.stdout.split('\n')[0]).to.match(/^TIME\s+STATUS\s+BY\s+TX/);
    expect(history.stdout).to.include('BankAMSP/clerk');
  });

  it('refuses a command without an identity, with a hint and exit code 2', async () => {
    const run = await swl('doc', 'show', 'CONTRACT', 'X');

    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('--as <org>:<user>');
  });

  it('prints events and resumes from a checkpoint file without repeating', async () => {
    const cp = join(dir, 'cp.json');
    const file = join(dir, 'c.pdf');
    writeFileSync(file, `contract ${uniqueId('c')}`);
    const docId = uniqueId('CLI-EV');
    await swl(
      'doc',
      'register',
      file,
      '--as',
      'enterprise:beta',
      '--type',
      'CONTRACT',
      '--id',
      docId,
      '--owner',
      BETA,
      '--fact',
      `seller=${BETA}`,
      '--fact',
      `buyer=${ALPHA}`,
      '--fact',
      'amount=1',
      '--fact',
      'currency=CNY',
    );

    const first = await swl(
      'events',
      '--as',
      'customs:auditor1',
      '--from-block',
      '1',
      '--checkpoint',
      cp,
      '--json',
      '--idle-ms',
      '3000',
    );
    const second = await swl(
      'events',
      '--as',
      'customs:auditor1',
      '--checkpoint',
      cp,
      '--json',
      '--idle-ms',
      '3000',
    );

    const lines = first.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { docId: string });
    expect(lines.some((e) => e.docId === docId)).to.equal(true);
    expect(second.stdout.trim()).to.equal('');
  });
});

describe('npm run demo', function () {
  this.timeout(300_000);

  it('plays the single-window story on the network and exits 0', async () => {
    const run = await new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        [join(REPO_ROOT, 'client/dist/demo/main.js'), '--network', TEST_NETWORK],
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });

    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('refused: ALREADY_FINANCED');
    expect(run.stdout).to.match(/verdict INVALID/);
    expect(run.stdout).to.include('The single-window story completed.');
  });
});
