import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The kinds of process whose CPU the bench reports per transaction. */
export type ProcessKind = 'peers' | 'orderers' | 'chaincode' | 'client' | 'rest';

/** CPU milliseconds (user + system) per kind of process. */
export type CpuByKind = Readonly<Partial<Record<ProcessKind, number>>>;

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat's times. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU of a process so far (ms), from /proc; undefined when it is gone. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function kindOf(name: string): ProcessKind | undefined {
  if (name.startsWith('peer')) return 'peers';
  if (name.startsWith('orderer')) return 'orderers';
  if (name.startsWith('cc-')) return 'chaincode';
  return undefined; // CAs and the supervisor do no per-transaction work
}

/**
 * The CPU of a local network's processes (peers, orderers, chaincode
 * servers, from the pid files its supervisor writes), of this process (the
 * client) and of a REST service when one is added, read from /proc.
 */
export class NetworkCpu {
  private readonly pids = new Map<number, ProcessKind>();

  constructor(pidsDir: string) {
    if (existsSync(pidsDir))
      for (const file of readdirSync(pidsDir)) {
        const kind = kindOf(file.replace(/\.pid$/, ''));
        if (!kind) continue;
        const { pid } = JSON.parse(readFileSync(join(pidsDir, file), 'utf8')) as { pid: number };
        this.pids.set(pid, kind);
      }
    this.pids.set(process.pid, 'client');
  }

  /** Adds a process (e.g. the REST service the bench started). */
  add(pid: number, kind: ProcessKind): void {
    this.pids.set(pid, kind);
  }

  /** CPU so far per kind; a process that is gone counts nothing. */
  sample(): CpuByKind {
    const out: Partial<Record<ProcessKind, number>> = {};
    for (const [pid, kind] of this.pids) {
      const ms = processCpuMs(pid);
      if (ms !== undefined) out[kind] = (out[kind] ?? 0) + ms;
    }
    return out;
  }

  /**
   * CPU per kind since `before`, divided by `transactions`, keyed
   * `<kind>CpuMsPerTx` for a round's extra figures.
   */
  perTransaction(before: CpuByKind, transactions: number): Record<string, number> {
    const now = this.sample();
    const out: Record<string, number> = {};
    const n = Math.max(1, transactions);
    for (const kind of Object.keys(now) as ProcessKind[])
      out[`${kind}CpuMsPerTx`] = ((now[kind] ?? 0) - (before[kind] ?? 0)) / n;
    return out;
  }
}
