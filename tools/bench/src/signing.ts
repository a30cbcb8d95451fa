import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { observeSigning } from '@swledger/sdk/fabricsigner';

/** Time and count of the client's signatures since the last reset. */
export interface SigningTally {
  readonly count: number;
  readonly ms: number;
  readonly bytes: number;
}

let tally = { count: 0, ms: 0, bytes: 0 };

/**
 * Measures the client's own transaction signatures (the SDK's node:crypto
 * signer, on both transports) in this process.
 */
export function instrumentSigning(): void {
  observeSigning((ms, bytes) => {
    tally.count += 1;
    tally.ms += ms;
    tally.bytes += bytes;
  });
}

/** Returns the signatures counted since the last call, and restarts the count. */
export function takeSigningTally(): SigningTally {
  const out = tally;
  tally = { count: 0, ms: 0, bytes: 0 };
  return out;
}

/**
 * Reference: milliseconds per ECDSA P-256 / SHA-256 signature with Node's
 * own crypto (OpenSSL) over a message of `bytes` bytes.
 */
export function nodeSignMs(bytes: number, iterations = 2000): number {
  // No signature was seen.
  if (!Number.isFinite(bytes)) return NaN;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const message = Buffer.alloc(Math.max(1, Math.round(bytes)), 7);
  for (let i = 0; i < 50; i++) sign('sha256', message, key);
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) sign('sha256', message, key);
  return (performance.now() - t0) / iterations;
}
