import { randomBytes } from 'node:crypto';
import type { SwlClient } from '@swledger/sdk/client';
import type { DocumentInput, DocumentRegistration } from '@swledger/sdk/types';
import { runLoad } from './load';
import { knee, type OpenLoopRound, runOpenLoop } from './openloop';
import type { NetworkCpu } from './procstat';
import { takeSigningTally } from './signing';
import { Figure, figure, Round } from './stats';

/** The demo enterprise the bench registers for (network/topology.json). */
export const BENCH_OWNER = '91310000MA1K4A7B2X';

/** How long and how often each workload runs. */
export interface RoundPlan {
  readonly rounds: number;
  readonly durationMs: number;
}

/** Document ids and fingerprints unique to one bench run. */
export class DocFactory {
  private n = 0;
  /** Fingerprints registered so far, for the verification workloads. */
  readonly registered: string[] = [];
  private readonly run = `${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;

  next(): DocumentRegistration {
    const seq = this.n++;
    const input: DocumentInput = {
      type: 'CUSTOMS_DECLARATION',
      docId: `BENCH-${this.run}-${seq}`,
      owner: BENCH_OWNER,
      facts: {
        direction: 'EXPORT',
        customsOffice: '2200',
        declaredValue: '125000.00',
        currency: 'USD',
      },
    };
    return { ...input, sha256: randomBytes(32).toString('hex') };
  }
}

/** Extra figures of a submit round: client CPU and signing per submitted transaction. */
function submitExtra(cpuOf: () => number, submitted: () => number): () => Record<string, number> {
  return () => {
    const sig = takeSigningTally();
    const n = Math.max(1, submitted());
    return {
      cpuMsPerTx: cpuOf() / n,
      signMsPerTx: sig.ms / n,
      signaturesPerTx: sig.count / n,
      signedBytesPerSignature: sig.count > 0 ? sig.bytes / sig.count : NaN,
    };
  };
}

/** The network's processes whose CPU each submit round reports, once set. */
let networkCpu: NetworkCpu | undefined;

/** Makes every submit round report the CPU per transaction of `cpu`'s processes. */
export function measureNetworkCpu(cpu: NetworkCpu): void {
  networkCpu = cpu;
}

/** A submit round with the CPU and signing figures filled in once it is over. */
async function submitRound(
  concurrency: number,
  plan: RoundPlan,
  op: (seq: number) => Promise<void>,
): Promise<Round> {
  takeSigningTally();
  const before = networkCpu?.sample();
  const r = await runLoad({ concurrency, durationMs: plan.durationMs, op });
  const extra = submitExtra(
    () => r.cpuMs,
    () => r.ok + r.failed,
  )();
  const processes = before && networkCpu ? networkCpu.perTransaction(before, r.ok + r.failed) : {};
  return { ...r, extra: { ...extra, ...processes } };
}

/** `system:noop` submit against single-document registration, alternating rounds. */
export async function submitPair(
  client: SwlClient,
  docs: DocFactory,
  concurrency: number,
  plan: RoundPlan,
  progress: (line: string) => void,
): Promise<{ noop: Figure; register: Figure }> {
  const noop: Round[] = [];
  const register: Round[] = [];
  for (let i = 0; i < plan.rounds; i++) {
    noop.push(
      await submitRound(concurrency, plan, async (seq) => {
        await client.system.noop(`bench-${seq}`);
      }),
    );
    register.push(
      await submitRound(concurrency, plan, async () => {
        const doc = docs.next();
        await client.documents.register(doc, { sha256: doc.sha256 });
        docs.registered.push(doc.sha256);
      }),
    );
    progress(
      `  c=${concurrency} round ${i + 1}/${plan.rounds}: noop ${noop.at(-1)!.perSecond.toFixed(1)} tx/s, register ${register.at(-1)!.perSecond.toFixed(1)} tx/s`,
    );
  }
  return {
    noop: figure('noop submit', concurrency, noop),
    register: figure('register one document', concurrency, register),
  };
}

/** What the read figures measure, side by side in each round. */
export interface ReadFigures {
  readonly ping: Figure;
  /** `system:lastNoop`: one state read, the unit a verification is made of. */
  readonly readOne: Figure;
  /** Verifications of transactions this client never saw: each block number is looked up once. */
  readonly verifyCold: Figure;
  /** The same fingerprints again: every block number from the client's index. */
  readonly verify: Figure;
  readonly provenance: Figure;
}

/**
 * Ping, a one-key read and verification (cold, then warm, then with
 * provenance), alternating round by round. A cold round verifies
 * fingerprints this client has not verified before (each once); the warm
 * round after it verifies those seen so far.
 */
export async function readPair(
  client: SwlClient,
  hashes: readonly string[],
  concurrency: number,
  plan: RoundPlan,
  progress: (line: string) => void,
): Promise<ReadFigures> {
  if (hashes.length === 0) throw new Error('no registered document to verify');
  const pool = [...hashes];
  const ping: Round[] = [];
  const readOne: Round[] = [];
  const cold: Round[] = [];
  const verify: Round[] = [];
  const provenance: Round[] = [];
  let seen = 0;
  const verifyOp =
    (withProvenance: boolean, pick: (seq: number) => string) => async (seq: number) => {
      const v = await client.verifier.verify({ sha256: pick(seq) }, { provenance: withProvenance });
      if (v.verdict !== 'VALID') throw Object.assign(new Error(v.verdict), { code: v.verdict });
    };
  for (let i = 0; i < plan.rounds; i++) {
    ping.push(
      await runLoad({
        concurrency,
        durationMs: plan.durationMs,
        op: async () => {
          await client.system.ping();
        },
      }),
    );
    readOne.push(
      await runLoad({
        concurrency,
        durationMs: plan.durationMs,
        op: async () => {
          await client.system.lastNoop();
        },
      }),
    );
    const from = seen;
    // Once every fingerprint was seen, later rounds have no cold verification to make.
    const coldRound =
      from < pool.length
        ? await runLoad({
            concurrency,
            durationMs: plan.durationMs,
            maxOps: pool.length - from,
            op: verifyOp(false, (seq) => pool[from + seq]!),
          })
        : undefined;
    if (coldRound) {
      seen += coldRound.ok + coldRound.failed;
      cold.push(coldRound);
    }
    const known = Math.max(1, seen);
    verify.push(
      await runLoad({
        concurrency,
        durationMs: plan.durationMs,
        op: verifyOp(false, (seq) => pool[seq % known]!),
      }),
    );
    provenance.push(
      await runLoad({
        concurrency,
        durationMs: plan.durationMs,
        op: verifyOp(true, (seq) => pool[seq % known]!),
      }),
    );
    progress(
      `  c=${concurrency} round ${i + 1}/${plan.rounds}: ping ${ping.at(-1)!.perSecond.toFixed(1)}/s, one-key read ${readOne.at(-1)!.perSecond.toFixed(1)}/s, verify cold ${coldRound ? `${coldRound.perSecond.toFixed(1)}/s (${coldRound.ok} fingerprints)` : '- (every fingerprint seen)'}, warm ${verify.at(-1)!.perSecond.toFixed(1)}/s, with provenance ${provenance.at(-1)!.perSecond.toFixed(1)}/s`,
    );
  }
  return {
    ping: figure('ping evaluate', concurrency, ping),
    readOne: figure('read one key (system:lastNoop)', concurrency, readOne),
    verifyCold: figure('verify by SHA-256, cold index (three checks)', concurrency, cold),
    verify: figure('verify by SHA-256, warm index (three checks)', concurrency, verify),
    provenance: figure('verify with provenance', concurrency, provenance),
  };
}

/**
 * Batch registration: at least `docsPerRound` documents per round in
 * transactions of `batchSize`, `concurrency` transactions in flight (each
 * round runs at least two transactions per slot, so the pipe is full most of
 * the round).
 */
export async function batchRounds(
  client: SwlClient,
  docs: DocFactory,
  docsPerRound: number,
  batchSize: number,
  rounds: number,
  progress: (line: string) => void,
  concurrency = 1,
): Promise<Figure> {
  const out: Round[] = [];
  const txPerRound = Math.max(
    1,
    Math.ceil(docsPerRound / batchSize),
    concurrency === 1 ? 1 : 2 * concurrency,
  );
  for (let i = 0; i < rounds; i++) {
    takeSigningTally();
    const r = await runLoad({
      concurrency,
      durationMs: Number.POSITIVE_INFINITY,
      maxOps: txPerRound,
      unitsPerOp: batchSize,
      op: async () => {
        const entries = Array.from({ length: batchSize }, () => docs.next());
        await client.documents.registerBatch(entries);
        for (const e of entries) docs.registered.push(e.sha256);
      },
    });
    const sig = takeSigningTally();
    out.push({
      ...r,
      extra: {
        cpuMsPerTx: r.cpuMs / Math.max(1, r.ok + r.failed),
        signMsPerTx: sig.ms / Math.max(1, r.ok + r.failed),
      },
    });
    progress(`  c=${concurrency} round ${i + 1}/${rounds}: ${r.perSecond.toFixed(1)} documents/s`);
  }
  return figure(`register in batches of ${batchSize}`, concurrency, out);
}

/** An open-loop sweep of single registrations: one run per offered rate, and the knee. */
export async function registerRateSweep(
  client: SwlClient,
  docs: DocFactory,
  rates: readonly number[],
  durationMs: number,
  progress: (line: string) => void,
): Promise<{ rounds: OpenLoopRound[]; knee: OpenLoopRound | undefined }> {
  const rounds: OpenLoopRound[] = [];
  for (const rate of rates) {
    const r = await runOpenLoop({
      ratePerSecond: rate,
      durationMs,
      maxInFlight: 1024,
      op: async () => {
        const doc = docs.next();
        await client.documents.register(doc, { sha256: doc.sha256 });
        docs.registered.push(doc.sha256);
      },
    });
    rounds.push(r);
    progress(
      `  offered ${rate}/s: achieved ${r.achievedPerSecond.toFixed(1)}/s, p50 ${r.p50Ms.toFixed(0)} ms, p95 ${r.p95Ms.toFixed(0)} ms, failed ${r.failed}, dropped ${r.dropped}`,
    );
    // Past the knee by a clear margin: higher rates only lengthen the backlog.
    if (r.achievedPerSecond < 0.7 * rate) break;
  }
  return { rounds, knee: knee(rounds) };
}
