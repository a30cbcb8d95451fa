#!/usr/bin/env node
/**
 * `npm run bench:caliper`: runs Hyperledger Caliper 0.6 (Fabric peer-Gateway
 * connector, installed from npm on first use into a cache outside the
 * repository) against a running swledger network, with swledger's own
 * workload modules (noop, register, verify, batch), and prints Caliper's
 * figures as a table and JSON beside the bench's. See --help.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { enterpriseKeyFiles } from '@swledger/devnet/enterprisekeys';
import { exportOrg } from '@swledger/devnet/export';
import { domainOf, parseSigningSettings } from '@swledger/sdk/signer';
import { REPO_ROOT, resolveLayout } from '@swledger/devnet/layout';
import { num, table } from '../report';
import { BENCH_OWNER } from '../workloads';
import { declaration, type SwlWorkloadArguments } from './workload';

/** Caliper and the Fabric binding packages its `bind` would install for `fabric:2.5`. */
export const CALIPER_VERSION = '0.6.0';
const CALIPER_PACKAGES = [
  `@hyperledger/caliper-cli@${CALIPER_VERSION}`,
  `@hyperledger/caliper-core@${CALIPER_VERSION}`,
  `@hyperledger/caliper-fabric@${CALIPER_VERSION}`,
  '@hyperledger/fabric-gateway@1.5.0',
  '@grpc/grpc-js@1.10.3',
];

/** One Caliper round as swledger runs it. */
export interface CaliperRound {
  readonly label: string;
  readonly kind: SwlWorkloadArguments['kind'];
  /** Transactions kept in flight (Caliper's fixed-load rate controller). */
  readonly inFlight: number;
  readonly batchSize?: number;
}

/** A row of Caliper's result table. */
export interface CaliperResult {
  readonly label: string;
  readonly succ: number;
  readonly fail: number;
  readonly sendTps: number;
  readonly maxLatencyS: number;
  readonly minLatencyS: number;
  readonly avgLatencyS: number;
  readonly throughputTps: number;
}

function log(line: string): void {
  process.stderr.write(`[caliper] ${line}\n`);
}

function caliperHome(): string {
  return join(
    process.env.SWL_CALIPER_CACHE ?? join(homedir(), '.cache', 'swledger', 'caliper'),
    CALIPER_VERSION,
  );
}

/** Installs Caliper into its cache once (npm, a minute or two); later runs reuse it. */
export function ensureCaliper(home: string): void {
  if (existsSync(join(home, 'node_modules', '@hyperledger', 'caliper-cli', 'caliper.js'))) return;
  log(`installing Caliper ${CALIPER_VERSION} into ${home} (first run only, a minute or two) ...`);
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, 'package.json'),
    JSON.stringify({ name: 'swledger-caliper', private: true }) + '\n',
  );
  const npm = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--save-exact', ...CALIPER_PACKAGES],
    { cwd: home, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (npm.status !== 0)
    throw new Error(
      `installing Caliper failed (npm exited ${npm.status ?? npm.signal}): check that the npm registry is reachable, then run again`,
    );
}

/**
 * Parses the rows of Caliper's summary tables (`| Name | Succ | Fail | Send
 * Rate (TPS) | Max Latency (s) | Min Latency (s) | Avg Latency (s) |
 * Throughput (TPS) |`) for the given labels; the last row of each label wins.
 */
export function parseCaliperResults(output: string, labels: readonly string[]): CaliperResult[] {
  const found = new Map<string, CaliperResult>();
  for (const line of output.split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells.length !== 8 || !labels.includes(cells[0]!)) continue;
    const n = cells.slice(1).map(Number);
    if (n.some((v) => !Number.isFinite(v))) continue;
    found.set(cells[0]!, {
      label: cells[0]!,
      succ: n[0]!,
      fail: n[1]!,
      sendTps: n[2]!,
      maxLatencyS: n[3]!,
      minLatencyS: n[4]!,
      avgLatencyS: n[5]!,
      throughputTps: n[6]!,
    });
  }
  return labels.flatMap((l) => found.get(l) ?? []);
}

function positive(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

/** The command line. */
export function program(): Command {
  return new Command('bench:caliper')
    .description(
      `Run Hyperledger Caliper ${CALIPER_VERSION} (peer-Gateway connector, mutual TLS) against a running swledger network with swledger's workload modules: noop and register at 32 and 128 in flight, verify (the record by SHA-256) at 8, batches. Caliper is installed from npm on first use into ~/.cache/swledger/caliper.`,
    )
    .option('--network <name>', 'the running network to measure', 'dev')
    .option('--duration <s>', 'seconds per round', positive('--duration'), 20)
    .option('--workers <n>', 'Caliper worker processes', positive('--workers'), 1)
    .option('--batch-size <n>', 'documents per batch transaction', positive('--batch-size'), 100)
    .option('--out <dir>', 'directory of the JSON results', join(REPO_ROOT, 'bench-results'))
    .addHelpText(
      'after',
      '\nExamples:\n  npm start && npm run bench:caliper\n  npm run bench:caliper -- --network bench --duration 30\n',
    );
}

/** Documents one transaction of a round registers (0 for noop and verify). */
export function documentsPerTx(round: CaliperRound): number {
  return round.kind === 'batch' ? (round.batchSize ?? 0) : round.kind === 'register' ? 1 : 0;
}

/** The rounds of a run. */
export function caliperRounds(batchSize: number): CaliperRound[] {
  return [
    { label: 'noop-32', kind: 'noop', inFlight: 32 },
    { label: 'register-32', kind: 'register', inFlight: 32 },
    { label: 'noop-128', kind: 'noop', inFlight: 128 },
    { label: 'register-128', kind: 'register', inFlight: 128 },
    { label: 'verify-8', kind: 'verify', inFlight: 8 },
    { label: `batch-${batchSize}`, kind: 'batch', inFlight: 2, batchSize },
  ];
}

async function main(): Promise<void> {
  const opts = program().parse(process.argv).opts<{
    network: string;
    duration: number;
    workers: number;
    batchSize: number;
    out: string;
  }>();
  const { layout, existing } = resolveLayout({ name: opts.network });
  if (!existing)
    throw new Error(`no network named '${opts.network}': start one with 'npm start' first`);
  const home = caliperHome();
  ensureCaliper(home);

  const ws = mkdtempSync(join(tmpdir(), 'swl-caliper-'));
  try {
    log(`exporting the identities Caliper uses into ${ws} ...`);
    const writer = exportOrg(layout, 'enterprise', { out: ws, users: ['alpha'] });
    const reader = exportOrg(layout, 'banka', { out: ws, users: ['verifier'] });
    const msp = (org: string) => layout.topology.peerOrgs.find((o) => o.key === org)!.mspId;

    log('registering documents for the verify round ...');
    const { connectLocal } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@swledger/devnet/client') as typeof import('@swledger/devnet/client');
    const alpha = await connectLocal({ as: 'enterprise:alpha', network: opts.network });
    const hashes: string[] = [];
    let signing: SwlWorkloadArguments['signing'];
    try {
      const settings = parseSigningSettings(
        await alpha.connection.evaluate('system', 'signing', []),
      );
      const files = enterpriseKeyFiles(layout, 'alpha');
      if (settings)
        signing = {
          keystore: files.keystore,
          passphraseFile: files.passphrase,
          domain: domainOf(settings, layout.topology.channel),
        };
      for (let i = 0; i < 20; i++) {
        const doc = declaration(`seed-${Date.now().toString(36)}`, i, BENCH_OWNER);
        await alpha.documents.register(doc, { sha256: doc.sha256 });
        hashes.push(doc.sha256);
      }
    } finally {
      alpha.close();
    }

    const identity = (dir: string, user: string, org: string) => ({
      name: user,
      clientPrivateKey: {
        path: join(dir, 'users', `${user}@${org}`, 'msp', 'keystore', 'key.pem'),
      },
      clientSignedCert: {
        path: join(dir, 'users', `${user}@${org}`, 'msp', 'signcerts', 'cert.pem'),
      },
    });
    const network = {
      name: 'swledger',
      version: '2.0.0',
      caliper: { blockchain: join(__dirname, 'connector.js') },
      channels: [
        {
          channelName: layout.topology.channel,
          contracts: [{ id: layout.topology.chaincode.name }],
        },
      ],
      organizations: [
        {
          mspid: msp('enterprise'),
          identities: { certificates: [identity(writer.dir, 'alpha', 'enterprise')] },
          connectionProfile: { path: writer.profiles[0], discover: true },
        },
        {
          mspid: msp('banka'),
          identities: { certificates: [identity(reader.dir, 'verifier', 'banka')] },
          connectionProfile: { path: reader.profiles[0], discover: true },
        },
      ],
    };
    const rounds = caliperRounds(opts.batchSize);
    const args = (r: CaliperRound): SwlWorkloadArguments => ({
      kind: r.kind,
      chaincode: layout.topology.chaincode.name,
      writer: { msp: msp('enterprise'), user: 'alpha' },
      reader: { msp: msp('banka'), user: 'verifier' },
      owner: BENCH_OWNER,
      hashes,
      ...(r.batchSize ? { batchSize: r.batchSize } : {}),
      ...(signing ? { signing } : {}),
    });
    const benchmark = {
      test: {
        name: 'swledger',
        description: 'swledger workloads on the peer Gateway',
        workers: { number: opts.workers },
        rounds: rounds.map((r) => ({
          label: r.label,
          txDuration: opts.duration,
          rateControl: {
            type: 'fixed-load',
            opts: { transactionLoad: r.inFlight, startingTps: 10 },
          },
          workload: { module: join(__dirname, 'workload.js'), arguments: args(r) },
        })),
      },
    };
    // JSON is YAML: Caliper reads both files with its YAML parser.
    writeFileSync(join(ws, 'network.yaml'), JSON.stringify(network, null, 2));
    writeFileSync(join(ws, 'benchmark.yaml'), JSON.stringify(benchmark, null, 2));

    log(
      `running ${rounds.length} rounds of ${opts.duration}s (${rounds.map((r) => r.label).join(', ')}) ...`,
    );
    const output = await runCaliper(home, ws, {
      SWL_CALIPER_HOME: home,
      SWL_CALIPER_TLS_CERT: join(writer.dir, 'tls', 'client.crt'),
      SWL_CALIPER_TLS_KEY: join(writer.dir, 'tls', 'client.key'),
    });
    const results = parseCaliperResults(
      output,
      rounds.map((r) => r.label),
    );
    if (results.length === 0)
      throw new Error(`Caliper reported no result; its log: ${join(ws, 'caliper.log')}`);
    process.stdout.write(
      [
        '',
        `Caliper ${CALIPER_VERSION} (peer Gateway, ${opts.workers} worker(s), ${opts.duration}s per round) on '${opts.network}'`,
        '',
        table(
          [
            'round',
            'in flight',
            'succ',
            'fail',
            'send tx/s',
            'throughput tx/s',
            'documents/s',
            'avg s',
            'max s',
          ],
          results.map((r) => [
            r.label,
            String(rounds.find((x) => x.label === r.label)!.inFlight),
            String(r.succ),
            String(r.fail),
            num(r.sendTps),
            num(r.throughputTps),
            num(r.throughputTps * documentsPerTx(rounds.find((x) => x.label === r.label)!)),
            num(r.avgLatencyS, 2),
            num(r.maxLatencyS, 2),
          ]),
        ),
        '',
      ].join('\n') + '\n',
    );
    mkdirSync(opts.out, { recursive: true });
    const file = join(opts.out, `caliper-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        { caliper: CALIPER_VERSION, network: opts.network, options: opts, rounds, results },
        null,
        2,
      ) + '\n',
    );
    log(`results written to ${file}`);
    rmSync(ws, { recursive: true, force: true });
  } catch (err) {
    log(`workspace kept for inspection: ${ws}`);
    throw err;
  }
}

/** Runs Caliper's manager in the workspace; its whole output (also in caliper.log). */
function runCaliper(home: string, ws: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(home, 'node_modules', '@hyperledger', 'caliper-cli', 'caliper.js'),
        'launch',
        'manager',
        '--caliper-workspace',
        ws,
        '--caliper-networkconfig',
        'network.yaml',
        '--caliper-benchconfig',
        'benchmark.yaml',
        '--caliper-flow-only-test',
        '--caliper-report-path',
        join(ws, 'report.html'),
      ],
      { cwd: ws, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      for (const line of chunk.toString('utf8').split('\n'))
        if (/Started round|Finished round|error/i.test(line)) log(line.trim().slice(0, 200));
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => {
      writeFileSync(join(ws, 'caliper.log'), output);
      if (code === 0) resolve(output);
      else reject(new Error(`Caliper exited ${code}; its log: ${join(ws, 'caliper.log')}`));
    });
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:caliper: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
