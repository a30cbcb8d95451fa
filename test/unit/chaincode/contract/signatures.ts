import { computeAddress, Signature, SigningKey } from 'ethers';
import { secp256k1 } from '@noble/curves/secp256k1';
import { invert, mod } from '@noble/curves/abstract/modular';
import { randomBytes } from 'node:crypto';

/** The order of secp256k1. */
export const N = secp256k1.Point.Fn.ORDER;

const hex32 = (n: bigint) => '0x' + n.toString(16).padStart(64, '0');

/** `sig` with another s (and v), serialised; s may be out of range. */
export function withS(sig: Signature, s: bigint, v: number = sig.v): string {
  return sig.r + hex32(s).slice(2) + (v === 27 ? '1b' : '1c');
}

/** `sig` with another v, serialised. */
export function withV(sig: Signature, v: number): string {
  return withS(sig, BigInt(sig.s), v);
}

/**
 * A valid signature over `digest` whose s is high (above n/2) but below
 * 2^255, so ethers parses it: the private key is chosen to fit a random
 * nonce and a chosen s, d = (s·k − h) / r.
 */
export function highSSignature(digest: string): {
  readonly signature: string;
  readonly address: string;
  readonly privateKey: string;
  readonly s: bigint;
} {
  for (;;) {
    const k = mod(BigInt('0x' + randomBytes(32).toString('hex')), N);
    if (k === 0n) continue;
    const R = secp256k1.Point.BASE.multiply(k).toAffine();
    if (R.x >= N) continue;
    const r = R.x;
    const s =
      N / 2n + 1n + (BigInt('0x' + randomBytes(15).toString('hex')) % (2n ** 255n - N / 2n - 1n));
    const d = mod((s * k - mod(BigInt(digest), N)) * invert(r, N), N);
    if (d === 0n) continue;
    const privateKey = hex32(d);
    const v = (R.y & 1n) === 0n ? '1b' : '1c';
    const signature = hex32(r) + hex32(s).slice(2) + v;
    return {
      signature,
      address: computeAddress(new SigningKey(privateKey).publicKey).toLowerCase(),
      privateKey,
      s,
    };
  }
}
