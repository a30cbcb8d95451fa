import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@swledger/devnet/layout';

/** A copy of the project's topology with another orderer BatchTimeout, in a temporary file. */
export function topologyWith(batchTimeout: string): string {
  const topology = JSON.parse(
    readFileSync(join(REPO_ROOT, 'network', 'topology.json'), 'utf8'),
  ) as Record<string, unknown>;
  const file = join(mkdtempSync(join(tmpdir(), 'swl-bench-topology-')), 'topology.json');
  writeFileSync(file, JSON.stringify({ ...topology, batchTimeout }, null, 2) + '\n');
  return file;
}

/** Whether a string is a BatchTimeout the topology accepts (`50ms`, `1s`). */
export function isBatchTimeout(v: string): boolean {
  return /^\d+(ms|s)$/.test(v);
}
