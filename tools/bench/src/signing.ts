import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** Time and count of the client's signatures since the last reset. */
export interface SigningTally {
  readonly count: number;
  readonly ms: number;
  readonly bytes: number;
}

interface SigningIdentityClass {
  prototype: { sign(msg: Uint8Array, opts?: unknown): Uint8Array };
}

let tally = { count: 0, ms: 0, bytes: 0 };
let installed = false;

/**
 * Measures the Fabric client's own signing: wraps fabric-common's
 * `SigningIdentity.sign` (hash + ECDSA over each proposal and each
 * transaction envelope) in this process only. Signing is synchronous, so
 * its wall time is CPU time on the event loop.
 */
export function instrumentSigning(): void {
  if (installed) return;
  installed = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SigningIdentity } = require('fabric-common') as { SigningIdentity: SigningIdentityClass };
  const original = SigningIdentity.prototype.sign;
  SigningIdentity.prototype.sign = function (this: unknown, msg: Uint8Array, opts?: unknown) {
    const t0 = performance.now();
    try {
      return original.call(this, msg, opts);
    } finally {
      tally.count += 1;
      tally.ms += performance.now() - t0;
      tally.bytes += msg.length;
    }
  };
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
  // No signature was seen (the Gateway transport signs with node:crypto, outside the hook).
  if (!Number.isFinite(bytes)) return NaN;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const message = Buffer.alloc(Math.max(1, Math.round(bytes)), 7);
  for (let i = 0; i < 50; i++) sign('sha256', message, key);
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) sign('sha256', message, key);
  return (performance.now() - t0) / iterations;
}
