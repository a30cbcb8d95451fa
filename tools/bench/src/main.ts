#!/usr/bin/env node
/**
 * `npm run bench`: measures swledger against the network's own baseline
 * (system:noop, system:ping, Node's crypto) on one network, and prints the
 * figures as a table and JSON. See --help.
 */
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { down, up } from '@swledger/devnet/network';
import { REPO_ROOT, resolveLayout } from '@swledger/devnet/layout';
import { benchHashing, HashingFigure } from './hashing';
import { restPair, startRest } from './rest';
import { FIGURE_HEADERS, figureRow, num, table } from './report';
import { instrumentSigning, nodeSignMs } from './signing';
import { Figure, ratio } from './stats';
import { TransportFigures, transportPair, transportRatios } from './transports';
import { AnchorFigures, benchAnchoring } from './anchoring';
import { anchoringOf } from '@swledger/devnet/evm';
import { isBatchTimeout, topologyWith } from './topologyfile';
import { NetworkCpu } from './procstat';
import {
  batchRounds,
  DocFactory,
  measureNetworkCpu,
  readPair,
  ReadFigures,
  registerRateSweep,
  RoundPlan,
  submitPair,
} from './workloads';

/** Everything a run can change. */
export interface BenchOptions {
  readonly network?: string;
  readonly name: string;
  readonly portBase: number;
  readonly quick: boolean;
  readonly rounds: number;
  readonly duration: number;
  readonly concurrency: number[];
  readonly readConcurrency: number;
  readonly docs: number;
  readonly batchSize: number;
  /** Batch transactions in flight, one figure each; the best is set beside single registration. */
  readonly batchConcurrency: number[];
  readonly fileMb: number;
  readonly out: string;
  readonly keep: boolean;
  readonly rest: boolean;
  readonly transports: boolean;
  /** The orderer's BatchTimeout of the network the bench starts (default the topology's). */
  readonly batchTimeout?: string;
  /** Offered registration rates of the open-loop sweep; empty skips it. */
  readonly rates: number[];
  /** Measure anchoring (when the network anchors). */
  readonly anchoring: boolean;
  /** Documents registered before each anchor. */
  readonly anchorDocs: number;
}

const QUICK = {
  rounds: 2,
  duration: 3,
  concurrency: [1, 8],
  docs: 500,
  batchConcurrency: [1],
  fileMb: 32,
  rates: [5, 10],
};
const FULL = {
  rounds: 3,
  duration: 10,
  concurrency: [1, 4, 16, 32, 64, 128, 256],
  docs: 1000,
  batchConcurrency: [1, 2, 4],
  fileMb: 256,
  rates: [10, 20, 40, 60, 80, 100, 120, 150, 200],
};

function positive(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be positive`);
    return n;
  };
}

function levels(flag: string, example: string) {
  return (v: string): number[] => {
    const out = v.split(',').map((s) => Number(s.trim()));
    if (out.length === 0 || out.some((n) => !Number.isInteger(n) || n <= 0))
      throw new InvalidArgumentError(`${flag} takes positive integers, e.g. ${example}`);
    return out;
  };
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** The command line. */
export function program(): Command {
  return new Command('bench')
    .description(
      'Measure swledger against its own baseline on one network: noop vs registration, ping vs verification, batches, file hashing, client CPU and signing. Every figure is the median over rounds; failures never count as throughput.',
    )
    .option(
      '--network <name>',
      'use this running network instead of starting one (it is left running)',
    )
    .option('--name <name>', 'name of the network the bench starts and purges', 'bench')
    .option(
      '--port-base <port>',
      'port base of the network the bench starts',
      positive('--port-base'),
      27000,
    )
    .option('--quick', `smoke run in under 2 minutes (${JSON.stringify(QUICK)})`)
    .option('--rounds <n>', `rounds per figure (default ${FULL.rounds})`, positive('--rounds'))
    .option(
      '--duration <s>',
      `seconds per round (default ${FULL.duration})`,
      positive('--duration'),
    )
    .option(
      '--concurrency <list>',
      `concurrency levels of the submit comparison (default ${FULL.concurrency.join(',')})`,
      levels('--concurrency', '1,8,32'),
    )
    .option(
      '--rates <list>',
      `offered registrations per second of the open-loop sweep, which stops past the knee (default ${FULL.rates.join(',')})`,
      levels('--rates', '10,20,40'),
    )
    .option('--no-open-loop', 'skip the open-loop registration sweep')
    .option(
      '--batch-timeout <duration>',
      "the orderer's BatchTimeout (e.g. 50ms) of the network the bench starts: `npm run bench:block-cutting` sweeps several",
      (v: string) => {
        if (!isBatchTimeout(v))
          throw new InvalidArgumentError('--batch-timeout looks like 50ms or 1s');
        return v;
      },
    )
    .option(
      '--read-concurrency <n>',
      'concurrency of ping and verify (default 8)',
      positive('--read-concurrency'),
    )
    .option('--docs <n>', `documents per batch round (default ${FULL.docs})`, positive('--docs'))
    .option(
      '--batch-size <n>',
      'documents per batch transaction (max 500)',
      positive('--batch-size'),
      500,
    )
    .option(
      '--batch-concurrency <list>',
      `batch transactions in flight, one figure each (default ${FULL.batchConcurrency.join(',')}; --quick ${QUICK.batchConcurrency.join(',')})`,
      levels('--batch-concurrency', '1,4'),
    )
    .option(
      '--file-mb <n>',
      `size of the hashed file in MiB (default ${FULL.fileMb})`,
      positive('--file-mb'),
    )
    .option('--out <dir>', 'directory of the JSON results', join(REPO_ROOT, 'bench-results'))
    .option('--keep', 'leave the started network running (and its data) at the end')
    .option('--no-rest', 'skip the REST service against SDK comparison')
    .option('--no-transports', 'skip the Gateway against fabric-network comparison')
    .option('--no-anchoring', 'skip the public anchoring figures')
    .option(
      '--anchor-docs <n>',
      'documents registered before each anchor (default 100)',
      positive('--anchor-docs'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  npm run bench -- --quick\n  npm run bench -- --network dev --rounds 5 --duration 20\n',
    );
}

function resolveOptions(raw: Record<string, unknown>): BenchOptions {
  const base = raw.quick ? QUICK : FULL;
  const pick = <T>(k: string, d: T): T => (raw[k] === undefined ? d : (raw[k] as T));
  return {
    network: raw.network as string | undefined,
    name: raw.name as string,
    portBase: raw.portBase as number,
    quick: Boolean(raw.quick),
    rounds: Math.round(pick('rounds', base.rounds)),
    duration: pick('duration', base.duration),
    concurrency: pick('concurrency', base.concurrency),
    readConcurrency: Math.round(pick('readConcurrency', 8)),
    docs: Math.round(pick('docs', base.docs)),
    batchSize: Math.min(500, Math.round(raw.batchSize as number)),
    batchConcurrency: pick('batchConcurrency', base.batchConcurrency),
    fileMb: Math.round(pick('fileMb', base.fileMb)),
    out: raw.out as string,
    keep: Boolean(raw.keep),
    rest: raw.rest !== false,
    transports: raw.transports !== false,
    rates: raw.openLoop === false ? [] : pick('rates', base.rates),
    batchTimeout: raw.batchTimeout as string | undefined,
    anchoring: raw.anchoring !== false,
    anchorDocs: Math.min(500, Math.round(pick('anchorDocs', 100))),
  };
}

/** Runs every workload; returns the report written as JSON. */
export async function runBench(opts: BenchOptions): Promise<Record<string, unknown>> {
  const startedAt = new Date();
  const networkName = opts.network ?? opts.name;
  const ownNetwork = opts.network === undefined;
  if (ownNetwork) {
    log(`starting network '${networkName}' (port base ${opts.portBase}) ...`);
    await down({ name: networkName, purge: true });
    await up({
      name: networkName,
      portBase: opts.portBase,
      ...(opts.batchTimeout ? { topologyFile: topologyWith(opts.batchTimeout) } : {}),
      progress: (l) => log(`  ${l}`),
    });
  } else if (opts.batchTimeout) {
    throw new Error('--batch-timeout applies to the network the bench starts, not to --network');
  } else if (!resolveLayout({ name: networkName }).existing) {
    throw new Error(`no network named '${networkName}'`);
  }
  const layout = resolveLayout({ name: networkName }).layout;
  instrumentSigning();
  const networkCpu = new NetworkCpu(layout.path('pids'));
  measureNetworkCpu(networkCpu);
  // Loaded after the signing hook: the Fabric libraries read argv when loaded.
  const { connectLocal } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@swledger/devnet/client') as typeof import('@swledger/devnet/client');
  const alpha = await connectLocal({ as: 'enterprise:alpha', network: networkName });
  const verifier = await connectLocal({ as: 'banka:verifier', network: networkName });
  const docs = new DocFactory();
  const plan: RoundPlan = { rounds: opts.rounds, durationMs: opts.duration * 1000 };
  try {
    log('warming up connections ...');
    for (let i = 0; i < 3; i++) {
      await alpha.system.noop('warm-up');
      const d = docs.next();
      await alpha.documents.register(d, { sha256: d.sha256 });
      docs.registered.push(d.sha256);
      await verifier.system.ping();
    }

    const submit: { noop: Figure; register: Figure }[] = [];
    for (const c of opts.concurrency) {
      log(`noop vs register at concurrency ${c} ...`);
      submit.push(await submitPair(alpha, docs, c, plan, log));
    }
    log(`ping vs verify at concurrency ${opts.readConcurrency} ...`);
    const reads = await readPair(verifier, docs.registered, opts.readConcurrency, plan, log);
    const batches: Figure[] = [];
    for (const c of opts.batchConcurrency) {
      log(
        `batch registration: batches of ${opts.batchSize}, ${c} in flight, at least ${opts.docs} documents per round ...`,
      );
      batches.push(await batchRounds(alpha, docs, opts.docs, opts.batchSize, opts.rounds, log, c));
    }
    const batch = best(batches);
    log(`hashing a ${opts.fileMb} MiB file ...`);
    const hashing = await benchHashing(opts.fileMb, opts.rounds);
    let rest: RestFigures | undefined;
    if (opts.rest) {
      log(`REST service vs SDK, register and verify at concurrency ${opts.readConcurrency} ...`);
      const service = await startRest(networkName, 'enterprise:alpha');
      try {
        rest = await restPair(alpha, service, docs, opts.readConcurrency, plan, log);
      } finally {
        service.stop();
      }
    }

    let openLoop: Awaited<ReturnType<typeof registerRateSweep>> | undefined;
    if (opts.rates.length > 0) {
      log(
        `open-loop registration at ${opts.rates.join(', ')} per second (stops past the knee) ...`,
      );
      openLoop = await registerRateSweep(alpha, docs, opts.rates, plan.durationMs, log);
    }

    let anchoring: AnchorFigures | undefined;
    if (opts.anchoring && anchoringOf(layout).enabled) {
      log(
        `anchoring: ${opts.anchorDocs} documents per anchor, ${opts.rounds} rounds, then offline verification ...`,
      );
      anchoring = await benchAnchoring(
        networkName,
        alpha,
        verifier,
        docs,
        opts.anchorDocs,
        opts.rounds,
        log,
      );
      log(
        `  ${anchoring.documentsPerAnchor} documents per anchor, ${anchoring.anchorsPerMinute.toFixed(1)} anchors/min, ${anchoring.gasPerAnchor} gas per anchor (${anchoring.gasPerDocument.toFixed(0)} per document), offline verification ${anchoring.offlineVerifyMs.toFixed(1)} ms`,
      );
    }

    let transports: TransportFigures[] | undefined;
    if (opts.transports) {
      const c = Math.max(...opts.concurrency);
      log('transports side by side (gateway, fabric-network) ...');
      transports = await transportPair(
        (as, transport) => connectLocal({ as, network: networkName, transport }),
        docs,
        docs.registered,
        c,
        opts.readConcurrency,
        plan,
        log,
      );
    }

    const bestRegister = best(submit.map((s) => s.register));
    const register = submit.map((s) => s.register);
    const signBytes = median0(register.map((f) => f.extra.signedBytesPerSignature ?? NaN));
    const nodeSign = nodeSignMs(signBytes);
    const cpu = {
      registerCpuMsPerTx: bestRegister.extra.cpuMsPerTx ?? NaN,
      registerSignMsPerTx: bestRegister.extra.signMsPerTx ?? NaN,
      signaturesPerTx: bestRegister.extra.signaturesPerTx ?? NaN,
      signedBytesPerSignature: signBytes,
      signingShare: ratio(
        bestRegister.extra.signMsPerTx ?? NaN,
        bestRegister.extra.cpuMsPerTx ?? NaN,
      ),
      nodeCryptoSignMs: nodeSign,
    };
    const ratios = {
      registerOverNoop: Object.fromEntries(
        submit.map((s) => [
          `c${s.noop.concurrency}`,
          ratio(s.register.perSecond, s.noop.perSecond),
        ]),
      ),
      verifyOverPing: ratio(reads.verify.perSecond, reads.ping.perSecond),
      verifyColdOverPing: ratio(reads.verifyCold.perSecond, reads.ping.perSecond),
      readOneOverPing: ratio(reads.readOne.perSecond, reads.ping.perSecond),
      provenanceOverVerify: ratio(reads.provenance.perSecond, reads.verify.perSecond),
      batchOverSingle: ratio(batch.perSecond, bestRegister.perSecond),
      sdkHashOverNodeHash: hashing.ratio,
      restOverSdkRegister: rest
        ? ratio(rest.restRegister.perSecond, rest.sdkRegister.perSecond)
        : NaN,
      restOverSdkVerify: rest ? ratio(rest.restVerify.perSecond, rest.sdkVerify.perSecond) : NaN,
      gatewayOverFabricNetwork: transports ? transportRatios(transports) : {},
    };

    printReport(opts, submit, reads, batches, batch, bestRegister, hashing, cpu, ratios, rest);
    printProcesses(submit);
    if (openLoop) printOpenLoop(openLoop);
    if (transports) printTransports(transports);
    const report = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: [
        'npm run bench',
        ...(process.argv.length > 2 ? ['--'] : []),
        ...process.argv.slice(2),
      ].join(' '),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        platform: process.platform,
      },
      network: {
        name: networkName,
        startedByBench: ownNetwork,
        orderers: layout.state.orderers,
        peerOrgs: layout.topology.peerOrgs.map((o) => o.mspId),
        batchTimeout: layout.topology.batchTimeout,
      },
      options: opts,
      submit,
      reads,
      batch,
      batches,
      hashing,
      rest,
      transports,
      openLoop,
      anchoring,
      cpu,
      ratios,
    };
    mkdirSync(opts.out, { recursive: true });
    const file = join(opts.out, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    log(`results written to ${file}`);
    return report;
  } finally {
    alpha.close();
    verifier.close();
    if (ownNetwork) {
      log(opts.keep ? `leaving '${networkName}' running` : `stopping and purging '${networkName}'`);
      if (!opts.keep) await down({ name: networkName, purge: true });
    }
  }
}

type RestFigures = Awaited<ReturnType<typeof restPair>>;

/** The figure of the highest throughput. */
function best(figures: readonly Figure[]): Figure {
  return figures.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
}

function median0(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return v[v.length >> 1] ?? NaN;
}

function printReport(
  opts: BenchOptions,
  submit: { noop: Figure; register: Figure }[],
  reads: ReadFigures,
  batches: Figure[],
  batch: Figure,
  bestRegister: Figure,
  hashing: HashingFigure,
  cpu: Record<string, number>,
  ratios: {
    registerOverNoop: Record<string, number>;
    verifyOverPing: number;
    verifyColdOverPing: number;
    readOneOverPing: number;
    provenanceOverVerify: number;
    batchOverSingle: number;
    restOverSdkRegister: number;
    restOverSdkVerify: number;
  },
  rest: RestFigures | undefined,
): void {
  const rows = [
    ...submit.flatMap((s) => [figureRow(s.noop, 'tx'), figureRow(s.register, 'tx')]),
    figureRow(reads.ping, 'queries'),
    figureRow(reads.readOne, 'queries'),
    figureRow(reads.verifyCold, 'verifications'),
    figureRow(reads.verify, 'verifications'),
    figureRow(reads.provenance, 'verifications'),
    ...batches.map((b) => figureRow(b, 'documents')),
    ...(rest
      ? [rest.sdkRegister, rest.restRegister, rest.sdkVerify, rest.restVerify].map((f) =>
          figureRow(f),
        )
      : []),
  ];
  const out: string[] = [
    '',
    `swledger bench: ${opts.rounds} rounds of ${opts.duration}s per figure (medians), ${cpus().length} CPUs`,
    '',
    table(FIGURE_HEADERS, rows),
    '',
    table(
      ['ratio', 'value'],
      [
        ...Object.entries(ratios.registerOverNoop).map(([c, v]) => [
          `register / noop throughput, concurrency ${c.slice(1)}`,
          num(v, 2),
        ]),
        ['verify (warm index) / ping throughput', num(ratios.verifyOverPing, 2)],
        ['verify (cold index) / ping throughput', num(ratios.verifyColdOverPing, 2)],
        ['one-key read / ping throughput', num(ratios.readOneOverPing, 2)],
        ['verify with provenance / verify throughput', num(ratios.provenanceOverVerify, 2)],
        [
          `batch documents/s (c=${batch.concurrency}) / single registration tx/s (c=${bestRegister.concurrency})`,
          num(ratios.batchOverSingle, 1),
        ],
        ['REST / SDK registration throughput', num(ratios.restOverSdkRegister, 2)],
        ['REST / SDK verification throughput', num(ratios.restOverSdkVerify, 2)],
        [
          `SDK file hashing / node:crypto (${num(hashing.sdkMbPerSecond, 0)} vs ${num(hashing.rawMbPerSecond, 0)} MB/s, ${hashing.fileMb} MiB)`,
          num(hashing.ratio, 2),
        ],
      ],
    ),
    '',
    table(
      ['client CPU per registration (c=' + String(bestRegister.concurrency) + ')', 'value'],
      [
        ['CPU time per submitted transaction (ms)', num(cpu.registerCpuMsPerTx, 2)],
        ['of which signing (ms)', num(cpu.registerSignMsPerTx, 2)],
        ['signing share', `${num((cpu.signingShare ?? NaN) * 100, 0)}%`],
        ['signatures per transaction', num(cpu.signaturesPerTx, 1)],
        ['bytes per signed message (median)', num(cpu.signedBytesPerSignature, 0)],
        ['node:crypto ECDSA P-256 sign of that size (ms)', num(cpu.nodeCryptoSignMs, 3)],
      ],
    ),
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
}

const PROCESS_KINDS = ['peers', 'orderers', 'chaincode', 'client'] as const;

/** CPU per transaction of each kind of process, for every submit figure (from /proc). */
function printProcesses(submit: readonly { noop: Figure; register: Figure }[]): void {
  const rows = submit.flatMap((s) =>
    [s.noop, s.register].map((f) => [
      f.name,
      String(f.concurrency),
      ...PROCESS_KINDS.map((k) => num(f.extra[`${k}CpuMsPerTx`], 2)),
    ]),
  );
  const headers = ['CPU ms per transaction (from /proc)', 'conc', ...PROCESS_KINDS];
  process.stdout.write(['', table(headers, rows), ''].join('\n') + '\n');
}

/** The open-loop sweep: offered against achieved rate, latency, and where the knee is. */
function printOpenLoop(sweep: Awaited<ReturnType<typeof registerRateSweep>>): void {
  const rows = sweep.rounds.map((r) => [
    num(r.offeredPerSecond, 0),
    num(r.achievedPerSecond),
    num(r.p50Ms, 0),
    num(r.p95Ms, 0),
    num(r.p99Ms, 0),
    String(r.ok),
    String(r.failed),
    String(r.dropped),
  ]);
  const k = sweep.knee;
  process.stdout.write(
    [
      'open-loop registration (fixed offered rate, latency from the scheduled start)',
      '',
      table(
        ['offered /s', 'achieved /s', 'p50 ms', 'p95 ms', 'p99 ms', 'ok', 'failed', 'dropped'],
        rows,
      ),
      '',
      k
        ? `knee: ${num(k.offeredPerSecond, 0)} registrations/s carried (p50 ${num(k.p50Ms, 0)} ms, p95 ${num(k.p95Ms, 0)} ms)`
        : 'knee: not reached (even the lowest offered rate was not carried)',
      '',
    ].join('\n') + '\n',
  );
}

function printTransports(figures: readonly TransportFigures[]): void {
  const r = transportRatios(figures);
  const rows = figures.flatMap((t) => [
    figureRow(t.noop, 'tx'),
    figureRow(t.register, 'tx'),
    figureRow(t.verify, 'verifications'),
  ]);
  const out = [
    'transports side by side (same network, same run)',
    '',
    table(FIGURE_HEADERS, rows),
    '',
    table(
      ['gateway / fabric-network', 'value'],
      [
        ['noop throughput', num(r.noop ?? NaN, 2)],
        ['register throughput', num(r.register ?? NaN, 2)],
        ['verify throughput', num(r.verify ?? NaN, 2)],
        ['client CPU per registration', num(r.registerCpu ?? NaN, 2)],
      ],
    ),
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
}

if (require.main === module) {
  const cmd = program();
  cmd.parse(process.argv);
  runBench(resolveOptions(cmd.opts()))
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
