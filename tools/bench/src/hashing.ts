import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sha256OfFile } from '@swledger/sdk/hash';
import { median } from './stats';

/** SDK streaming hashing against Node's one-shot hashing of the same file. */
export interface HashingFigure {
  readonly fileMb: number;
  readonly rounds: number;
  /** `sha256OfFile` (the SDK: one reused 1 MiB buffer, streaming). */
  readonly sdkMbPerSecond: number;
  /** `readFileSync` + one `createHash('sha256').update()` (whole file in memory). */
  readonly rawMbPerSecond: number;
  /** SDK / raw. */
  readonly ratio: number;
  readonly sdkRounds: readonly number[];
  readonly rawRounds: readonly number[];
}

/** Writes a random file of `mb` MiB, hashes it both ways `rounds` times (alternating), removes it. */
export async function benchHashing(mb: number, rounds: number): Promise<HashingFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'swl-bench-'));
  const file = join(dir, 'payload.bin');
  try {
    const chunk = randomBytes(1024 * 1024);
    writeFileSync(file, Buffer.concat(Array.from({ length: mb }, () => chunk)));
    const sdk: number[] = [];
    const raw: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      let t0 = performance.now();
      const a = await sha256OfFile(file);
      const sdkMs = performance.now() - t0;
      t0 = performance.now();
      const b = createHash('sha256').update(readFileSync(file)).digest('hex');
      const rawMs = performance.now() - t0;
      if (a !== b) throw new Error(`hash mismatch: sdk ${a}, node ${b}`);
      if (r === 0) continue; // the first pass warms the page cache
      sdk.push(mb / (sdkMs / 1000));
      raw.push(mb / (rawMs / 1000));
    }
    const sdkMbPerSecond = median(sdk);
    const rawMbPerSecond = median(raw);
    return {
      fileMb: mb,
      rounds,
      sdkMbPerSecond,
      rawMbPerSecond,
      ratio: sdkMbPerSecond / rawMbPerSecond,
      sdkRounds: sdk,
      rawRounds: raw,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
