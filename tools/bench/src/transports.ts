/**
 * Both client transports side by side in one run: the same registration
 * and verification workloads through the peer Gateway and through
 * fabric-network, each with clients of its own, against the same network.
 */
import type { SwlClient } from '@swledger/sdk';
import type { Transport } from '@swledger/sdk/connection';
import { Figure, ratio } from './stats';
import { DocFactory, readPair, RoundPlan, submitPair } from './workloads';

/** The transports compared, the default first. */
export const TRANSPORTS: readonly Transport[] = ['gateway', 'fabric-network'];

/** One transport's figures. */
export interface TransportFigures {
  readonly transport: Transport;
  readonly noop: Figure;
  readonly register: Figure;
  readonly verify: Figure;
  /** Client CPU time per submitted registration (ms), from the process's CPU usage. */
  readonly registerCpuMsPerTx: number;
}

/** Opens a client of the bench's network as `as` over `transport`. */
export type TransportConnect = (as: string, transport: Transport) => Promise<SwlClient>;

/**
 * Measures noop, register and verify on each transport.
 * @param hashes fingerprints already on the ledger, for verification
 */
export async function transportPair(
  connect: TransportConnect,
  docs: DocFactory,
  hashes: readonly string[],
  concurrency: number,
  readConcurrency: number,
  plan: RoundPlan,
  progress: (line: string) => void,
): Promise<TransportFigures[]> {
  const out: TransportFigures[] = [];
  for (const transport of TRANSPORTS) {
    const alpha = await connect('enterprise:alpha', transport);
    const verifier = await connect('banka:verifier', transport);
    try {
      progress(`  ${transport}: noop vs register at concurrency ${concurrency} ...`);
      await alpha.system.noop('warm-up');
      const submit = await submitPair(alpha, docs, concurrency, plan, progress);
      progress(`  ${transport}: verify at concurrency ${readConcurrency} ...`);
      const reads = await readPair(verifier, hashes, readConcurrency, plan, progress);
      out.push({
        transport,
        noop: named(submit.noop, transport),
        register: named(submit.register, transport),
        verify: named(reads.verify, transport),
        registerCpuMsPerTx: submit.register.extra.cpuMsPerTx ?? NaN,
      });
    } finally {
      alpha.close();
      verifier.close();
    }
  }
  return out;
}

/** The Gateway's figure divided by fabric-network's, per workload (CPU: per transaction). */
export function transportRatios(figures: readonly TransportFigures[]): Record<string, number> {
  const [gateway, fabricNetwork] = [figures[0], figures[1]];
  if (gateway === undefined || fabricNetwork === undefined) return {};
  return {
    noop: ratio(gateway.noop.perSecond, fabricNetwork.noop.perSecond),
    register: ratio(gateway.register.perSecond, fabricNetwork.register.perSecond),
    verify: ratio(gateway.verify.perSecond, fabricNetwork.verify.perSecond),
    registerCpu: ratio(gateway.registerCpuMsPerTx, fabricNetwork.registerCpuMsPerTx),
  };
}

function named(f: Figure, transport: Transport): Figure {
  return { ...f, name: `${f.name} (${transport})` };
}
