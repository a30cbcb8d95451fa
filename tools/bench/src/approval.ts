#!/usr/bin/env node
/**
 * `npm run bench:approval`: measures application → issued for tariff
 * guarantees decided by a bank's automated approver on a running network,
 * and prints the median and p95 (also written as JSON). A benchmark, not a
 * test: nothing here asserts a timing.
 */
import { Command, InvalidArgumentError } from 'commander';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@swledger/devnet/layout';
import type { ApproverOutcome, PolicyInput, SwlClient } from '@swledger/sdk';
import { median, percentile } from './stats';

const BETA = '91440300MA5F8C6D3Y';

const POLICY: PolicyInput = {
  bankMsp: 'BankAMSP',
  limit: {
    currency: 'USD',
    lookbackMonths: 12,
    minHistoryMonths: 1,
    releasedRateBp: 2000,
    dutyPaidRateBp: 30000,
    openFinancingRateBp: 10000,
    remittanceGapRateBp: 5000,
    claimedRateBp: 10000,
    cap: '5000000.00',
  },
  approval: {
    dutyGraceDays: 30,
    claimFreeMonths: 24,
    peakDutyMultipleBp: 30000,
    maxValidityDays: 366,
  },
};

function log(line: string): void {
  process.stderr.write(`[bench:approval] ${line}\n`);
}

function count(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

function id(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Gives the enterprise a released declaration with paid duty, so a small guarantee passes every rule. */
async function history(beta: SwlClient, officer: SwlClient): Promise<void> {
  const docId = id('DEC');
  await beta.documents.register(
    {
      type: 'CUSTOMS_DECLARATION',
      docId,
      owner: BETA,
      facts: {
        direction: 'IMPORT',
        customsOffice: '2200',
        declaredValue: '100000.00',
        currency: 'USD',
      },
    },
    { sha256: randomBytes(32).toString('hex') },
  );
  for (const action of ['accept', 'release'] as const)
    await officer.documents.transition('CUSTOMS_DECLARATION', docId, action);
  await officer.documents.transition('CUSTOMS_DECLARATION', docId, 'assessDuty', {
    amount: '1000.00',
  });
  await officer.documents.transition('CUSTOMS_DECLARATION', docId, 'payDuty');
}

async function main(): Promise<void> {
  const opts = new Command('bench-approval')
    .description(
      "apply for tariff guarantees as an enterprise while the bank's automated approver runs, and measure application committed → decision committed (median, p95) against the seed's 2 hours",
    )
    .requiredOption('--network <name>', 'the running network to use (e.g. dev)')
    .option('--count <n>', 'applications', count('--count'), 50)
    .option('--concurrency <n>', 'applications in flight at once', count('--concurrency'), 5)
    .option('--out <dir>', 'directory of the JSON result', join(REPO_ROOT, 'bench-results'))
    .parse()
    .opts<{ network: string; count: number; concurrency: number; out: string }>();

  const { connectLocal } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@swledger/devnet/client') as typeof import('@swledger/devnet/client');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Approver } = require('@swledger/sdk') as typeof import('@swledger/sdk');
  const connect = (as: string) => connectLocal({ as, network: opts.network });
  const [beta, officer, clerk, approverClient] = await Promise.all([
    connect('enterprise:beta'),
    connect('customs:officer1'),
    connect('banka:clerk1'),
    connect('banka:approver1'),
  ]);
  const decided = new Map<string, { at: number; outcome: ApproverOutcome }>();
  const waiting = new Map<string, () => void>();
  const approver = new Approver(approverClient, {
    onDecision: (outcome) => {
      decided.set(outcome.guaranteeDocId, { at: Date.now(), outcome });
      waiting.get(outcome.guaranteeDocId)?.();
    },
  });
  const running = approver.run();
  try {
    log(
      `publishing ${POLICY.bankMsp}'s policy and giving ${BETA} a released declaration with paid duty ...`,
    );
    await clerk.credit.publishPolicy(POLICY);
    await history(beta, officer);
    log(`${opts.count} applications, ${opts.concurrency} at a time ...`);
    const samples: { docId: string; ms: number; outcome: string }[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < opts.count) {
        next++;
        const docId = id('TG');
        const done = new Promise<void>((resolve) => waiting.set(docId, resolve));
        await beta.guarantees.apply(
          {
            docId,
            applicant: BETA,
            bankMsp: 'BankAMSP',
            customsOffice: '2200',
            amount: '100.00',
            validFrom: new Date(Date.now() - 60_000).toISOString(),
            validTo: new Date(Date.now() + 90 * 86_400_000).toISOString(),
          },
          { sha256: randomBytes(32).toString('hex') },
        );
        const appliedAt = Date.now();
        await Promise.race([done, new Promise((r) => setTimeout(r, 120_000))]);
        const seen = decided.get(docId);
        samples.push({
          docId,
          ms: seen === undefined ? NaN : seen.at - appliedAt,
          outcome: seen?.outcome.decision.outcome ?? 'NONE',
        });
        if (samples.length % 10 === 0) log(`  ${samples.length}/${opts.count} decided`);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    const ms = samples
      .map((s) => s.ms)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const issued = samples.filter((s) => s.outcome === 'ISSUED').length;
    const result = {
      measuredAt: new Date().toISOString(),
      network: opts.network,
      cpus: cpus().length,
      applications: opts.count,
      concurrency: opts.concurrency,
      issued,
      referred: samples.filter((s) => s.outcome === 'REFERRED').length,
      undecided: samples.filter((s) => s.outcome === 'NONE').length,
      medianMs: median(ms),
      p95Ms: percentile(ms, 95),
      maxMs: ms[ms.length - 1] ?? NaN,
      seedBaselineMs: 2 * 3600 * 1000,
      samples,
    };
    process.stdout.write(
      `application → decision over ${opts.count} applications (${issued} issued): median ${(result.medianMs / 1000).toFixed(2)} s, p95 ${(result.p95Ms / 1000).toFixed(2)} s, max ${(result.maxMs / 1000).toFixed(2)} s; the seed's target is 2 h\n`,
    );
    mkdirSync(opts.out, { recursive: true });
    const file = join(opts.out, `approval-${result.measuredAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    log(`written ${file}`);
  } finally {
    approver.stop();
    await running;
    for (const c of [beta, officer, clerk, approverClient]) c.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:approval: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
