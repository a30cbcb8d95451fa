#!/usr/bin/env node
/**
 * `npm run bench:block-cutting`: the orderer's BatchTimeout against a lone
 * registration's latency and saturation throughput. One fresh network per
 * value (the same topology otherwise), noop and register at each
 * concurrency, one table and a JSON file. A benchmark, not a test: nothing
 * here asserts a timing.
 */
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@swledger/devnet/layout';
import { down, up } from '@swledger/devnet/network';
import { FIGURE_HEADERS, figureRow, num, table } from './report';
import { instrumentSigning } from './signing';
import { Figure, ratio } from './stats';
import { isBatchTimeout, topologyWith } from './topologyfile';
import { DocFactory, submitPair } from './workloads';

function log(line: string): void {
  process.stderr.write(`[bench:block-cutting] ${line}\n`);
}

function list<T>(flag: string, example: string, parse: (s: string) => T | undefined) {
  return (v: string): T[] => {
    const out = v.split(',').map((s) => parse(s.trim()));
    if (out.length === 0 || out.some((x) => x === undefined))
      throw new InvalidArgumentError(`${flag} takes a list like ${example}`);
    return out as T[];
  };
}

function positiveInt(s: string): number | undefined {
  const n = Number(s);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** What one BatchTimeout gave. */
interface Sweep {
  readonly batchTimeout: string;
  readonly figures: { noop: Figure; register: Figure }[];
}

function program(): Command {
  return new Command('bench:block-cutting')
    .description(
      "Sweep the orderer's BatchTimeout: for each value a fresh network, then noop and register at each concurrency; prints a lone registration's latency and the saturation throughput beside the default's.",
    )
    .option(
      '--timeouts <list>',
      'BatchTimeout values, the first is the baseline',
      list('--timeouts', '250ms,100ms,50ms,20ms', (s) => (isBatchTimeout(s) ? s : undefined)),
      ['250ms', '100ms', '50ms', '20ms'],
    )
    .option(
      '--concurrency <list>',
      'in-flight levels; the first is "low load", the last "saturation"',
      list('--concurrency', '1,128', positiveInt),
      [1, 128],
    )
    .option(
      '--rounds <n>',
      'rounds per figure (medians)',
      (v) => positiveInt(v) ?? fail('--rounds'),
      3,
    )
    .option('--duration <s>', 'seconds per round', (v) => positiveInt(v) ?? fail('--duration'), 10)
    .option('--name <name>', 'network started, measured and purged per value', 'bench')
    .option(
      '--port-base <port>',
      'its port base',
      (v) => positiveInt(v) ?? fail('--port-base'),
      27000,
    )
    .option('--out <dir>', 'directory of the JSON results', join(REPO_ROOT, 'bench-results'))
    .addHelpText(
      'after',
      '\nExample:\n  npm run bench:block-cutting -- --timeouts 250ms,50ms --concurrency 1,128 --rounds 2\n',
    );
}

function fail(flag: string): never {
  throw new InvalidArgumentError(`${flag} must be a positive integer`);
}

async function sweepOne(
  batchTimeout: string,
  opts: { concurrency: number[]; rounds: number; duration: number; name: string; portBase: number },
): Promise<Sweep> {
  log(`BatchTimeout ${batchTimeout}: starting network '${opts.name}' ...`);
  await down({ name: opts.name, purge: true });
  await up({
    name: opts.name,
    portBase: opts.portBase,
    topologyFile: topologyWith(batchTimeout),
    progress: (l) => log(`  ${l}`),
  });
  // Loaded after the network: the Fabric client libraries read argv when loaded.
  const { connectLocal } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@swledger/devnet/client') as typeof import('@swledger/devnet/client');
  const alpha = await connectLocal({ as: 'enterprise:alpha', network: opts.name });
  const docs = new DocFactory();
  try {
    for (let i = 0; i < 3; i++) {
      await alpha.system.noop('warm-up');
      const d = docs.next();
      await alpha.documents.register(d, { sha256: d.sha256 });
    }
    const figures: Sweep['figures'] = [];
    for (const c of opts.concurrency)
      figures.push(
        await submitPair(
          alpha,
          docs,
          c,
          { rounds: opts.rounds, durationMs: opts.duration * 1000 },
          (l) => log(`  ${batchTimeout} ${l.trim()}`),
        ),
      );
    return { batchTimeout, figures };
  } finally {
    alpha.close();
    await down({ name: opts.name, purge: true });
  }
}

/** Rows of the summary: per value, low-load latency and saturation throughput against the baseline's. */
function summary(sweeps: readonly Sweep[]): string[][] {
  const base = sweeps[0]!;
  const low = (s: Sweep) => s.figures[0]!;
  const sat = (s: Sweep) => s.figures.at(-1)!;
  return sweeps.map((s) => [
    s.batchTimeout,
    num(low(s).register.p50Ms, 0),
    num(low(s).noop.p50Ms, 0),
    num(sat(s).register.perSecond),
    num(ratio(sat(s).register.perSecond, sat(base).register.perSecond), 2),
    num(sat(s).noop.perSecond),
    num(ratio(sat(s).noop.perSecond, sat(base).noop.perSecond), 2),
  ]);
}

async function main(): Promise<void> {
  const cmd = program();
  cmd.parse(process.argv);
  const opts = cmd.opts<{
    timeouts: string[];
    concurrency: number[];
    rounds: number;
    duration: number;
    name: string;
    portBase: number;
    out: string;
  }>();
  instrumentSigning();
  const startedAt = new Date();
  const sweeps: Sweep[] = [];
  for (const t of opts.timeouts) sweeps.push(await sweepOne(t, opts));

  const low = opts.concurrency[0]!;
  const high = opts.concurrency.at(-1)!;
  const lines = [
    '',
    `swledger block cutting: ${opts.rounds} rounds of ${opts.duration}s per figure (medians), ${cpus().length} CPUs, one fresh network per BatchTimeout`,
    '',
    table(
      FIGURE_HEADERS.map((h, i) => (i === 0 ? 'BatchTimeout / workload' : h)),
      sweeps.flatMap((s) =>
        s.figures.flatMap((f) => [
          figureRow({ ...f.noop, name: `${s.batchTimeout} noop submit` }, 'tx'),
          figureRow({ ...f.register, name: `${s.batchTimeout} register one document` }, 'tx'),
        ]),
      ),
    ),
    '',
    table(
      [
        'BatchTimeout',
        `register p50 ms (c=${low})`,
        `noop p50 ms (c=${low})`,
        `register /s (c=${high})`,
        `÷ ${sweeps[0]!.batchTimeout}`,
        `noop /s (c=${high})`,
        `÷ ${sweeps[0]!.batchTimeout}`,
      ],
      summary(sweeps),
    ),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  mkdirSync(opts.out, { recursive: true });
  const file = join(
    opts.out,
    `block-cutting-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        machine: { cpus: cpus().length },
        rounds: opts.rounds,
        durationS: opts.duration,
        concurrency: opts.concurrency,
        sweeps,
      },
      null,
      2,
    ) + '\n',
  );
  log(`results written to ${file}`);
}

if (require.main === module)
  main()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      process.stderr.write(
        `bench:block-cutting: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(1);
    });
