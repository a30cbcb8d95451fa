import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@swledger/devnet/layout';
import { Command } from 'commander';
import { program } from '@swledger/cli/main';
import { CliRun, runSwl, TEST_NETWORK } from './harness';
import { ALPHA, BETA, uniqueId } from './fixtures';

function swl(...args: string[]): Promise<CliRun> {
  return runSwl(args);
}

/** `--fact key=value` for each fact. */
function factArgs(facts: Record<string, string>): string[] {
  return Object.entries(facts).flatMap(([key, value]) => ['--fact', `${key}=${value}`]);
}

describe('swl CLI (the built binary as a subprocess)', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'swl-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is linked as node_modules/.bin/swl, where `npx swl` finds it', async () => {
    const run = await new Promise<CliRun>((resolve) => {
      execFile(join(REPO_ROOT, 'node_modules/.bin/swl'), ['--help'], (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('Usage: swl');
  });

  it('has --help, with a description, on every command and subcommand', async () => {
    const paths: string[][] = [];
    const walk = (cmd: Command, path: string[]): void => {
      paths.push(path);
      for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
    };
    walk(program(), []);
    expect(paths.length).to.be.greaterThan(25);

    const runs: CliRun[] = [];
    for (let i = 0; i < paths.length; i += 4)
      runs.push(...(await Promise.all(paths.slice(i, i + 4).map((c) => swl(...c, '--help')))));

    runs.forEach((r, i) => {
      const name = ['swl', ...paths[i]!].join(' ');
      expect(r.code, name).to.equal(0);
      expect(r.stdout, name).to.include(`Usage: ${name}`);
      expect(r.stdout.split('\n')[2]?.trim(), `${name} describes itself`).to.not.equal('');
    });
  });

  it('registers, shows, moves and lists a document; verify exits 0 for valid, 1 for tampered, 2 for errors', async () => {
    const file = join(dir, 'invoice.pdf');
    writeFileSync(file, `invoice ${uniqueId('x')}`);
    const docId = uniqueId('CLI');
    const facts = factArgs({ seller: ALPHA, buyer: BETA, amount: '2500', currency: 'EUR' });

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
    const afterRefusal = await swl(
      'doc',
      'show',
      'COMMERCIAL_INVOICE',
      docId,
      '--as',
      'customs:auditor1',
      '--json',
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
    const view = JSON.parse(afterRefusal.stdout) as {
      state: { financed: string };
      financings: { financingId: string }[];
    };
    expect(view.state.financed).to.equal('2500.00');
    expect(view.financings.map((f) => f.financingId)).to.deep.equal(['F1']);
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

  it('never picks an identity for a write: financing, guarantee moves and events need --as', async () => {
    const docId = uniqueId('CLI-NOAS');
    const runs = await Promise.all([
      swl('invoice', 'finance', docId, 'F1', '10'),
      swl('invoice', 'settle', docId, 'F1'),
      swl('guarantee', 'issue', docId),
      swl('guarantee', 'draw', docId, 'D1', 'DEC-1', '10'),
      swl('events', '--idle-ms', '100'),
    ]);

    for (const run of runs) {
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('choose an identity with --as');
    }
  });

  it('prints events and resumes from a checkpoint file without repeating', async () => {
    const cp = join(dir, 'cp.json');
    const registerContract = async (docId: string): Promise<void> => {
      const file = join(dir, `${docId}.pdf`);
      writeFileSync(file, `contract ${docId}`);
      const run = await swl(
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
        ...factArgs({ seller: BETA, buyer: ALPHA, amount: '1', currency: 'CNY' }),
      );
      expect(run.code, run.stderr).to.equal(0);
    };
    const events = (...extra: string[]) =>
      swl(
        'events',
        '--as',
        'customs:auditor1',
        '--checkpoint',
        cp,
        '--json',
        '--idle-ms',
        '3000',
        ...extra,
      );
    const docIds = (run: CliRun) =>
      run.stdout
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { docId: string }).docId);
    const docId = uniqueId('CLI-EV');
    const later = uniqueId('CLI-EV2');
    await registerContract(docId);

    const first = await events('--from-block', '1');
    const second = await events();
    await registerContract(later);
    const third = await events();

    expect([first.code, second.code, third.code]).to.deep.equal([0, 0, 0]);
    expect(docIds(first)).to.include(docId);
    expect(docIds(second)).to.deep.equal([]);
    expect(docIds(third)).to.deep.equal([later]);
  });
});

describe('npm run demo', function () {
  this.timeout(300_000);

  it('plays the single-window story on the network and exits 0', async () => {
    const run = await new Promise<CliRun>((resolve) => {
      execFile(
        process.execPath,
        [join(REPO_ROOT, 'tools/demo/dist/main.js'), '--network', TEST_NETWORK],
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });

    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('refused: ALREADY_FINANCED');
    expect(run.stdout).to.include('refused: ALREADY_REMITTED, left 180000.00 USD');
    expect(run.stdout).to.include('recomputes it from the listed inputs: agrees');
    // ISSUED on a fresh network; REFERRED when earlier tests claimed one of the enterprise's guarantees.
    expect(run.stdout).to.match(
      /approver decides it\n\s+(ISSUED|REFERRED \(failing [A-Z_, ]+\)) in /,
    );
    expect(run.stdout).to.match(/verdict INVALID/);
    expect(run.stdout).to.include('The single-window story completed.');
  });
});
