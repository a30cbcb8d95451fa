import { computeAddress, Signature, SigningKey } from 'ethers';
import { wNAF } from '@noble/curves/abstract/curve';
import { invert, mod } from '@noble/curves/abstract/modular';
import { secp256k1 } from '@noble/curves/secp256k1';

/*
 * "Is `signature` over `digest` by the key of address `signer`?", answered
 * exactly as ethers' `recoverAddress(digest, signature) === signer` answers
 * it, at a fraction of the cost once a key has been seen.
 *
 * The first signature of a key is checked by recovery (ethers, as before);
 * its public key is then remembered, and later signatures by that address
 * are checked by verification against it: R = (h/s)·G + (r/s)·P must be the
 * point recovery would have lifted from r, i.e. R.x = r and R.y of the
 * signature's parity. That holds exactly when recovery yields P, so both
 * paths accept the same signatures (high-S ones included: ethers refuses an
 * s with its top bit set and nothing else, and so does this file, through
 * ethers' own parsing). A key used often gets precomputed multiples
 * (`wNAF` tables) and is verified without any doubling.
 *
 * The memory is a memo and nothing else: it holds public keys proven by a
 * recovery, is bounded, and no answer depends on what it holds (unit-tested
 * cold against warm). It carries no transaction's data.
 */

const Point = secp256k1.Point;
type Point = InstanceType<typeof Point>;
const N = Point.Fn.ORDER;
const WINDOW = 8;
const wnaf = new wNAF(Point, Point.Fn.BITS);

/** The generator as a point of our own, so that its tables never touch noble's own BASE cache. */
let generator: Point | undefined;
function base(): Point {
  if (generator === undefined) {
    const g = Point.fromAffine(Point.BASE.toAffine());
    wnaf.createCache(g, WINDOW);
    generator = g;
  }
  return generator;
}

interface KnownKey {
  readonly point: Point;
  uses: number;
}

/** Options of a {@link SignerKeys}. */
export interface SignerKeysOptions {
  /** Most keys remembered; the least recently used goes first. Default 64. */
  readonly capacity?: number;
  /** Checks of a key after which its tables are built (about 30 ms, then each check costs a quarter). Default 4. */
  readonly tablesAfter?: number;
}

/** Public keys of the signers seen, by address (lowercase). */
export class SignerKeys {
  private readonly keys = new Map<string, KnownKey>();
  private readonly capacity: number;
  private readonly tablesAfter: number;

  constructor(options: Readonly<SignerKeysOptions> = {}) {
    this.capacity = options.capacity ?? 64;
    this.tablesAfter = options.tablesAfter ?? 4;
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.keys.size;
  }

  /**
   * Whether `signature` (65 bytes, 0x hex) over `digest` (32 bytes, 0x hex)
   * is by the key of `signer` (lowercase address).
   *
   * @throws Error when the signature cannot be parsed, or (first sight of a key) recovered
   */
  isSignedBy(digest: string, signature: string, signer: string): boolean {
    const sig = Signature.from(signature);
    const r = BigInt(sig.r);
    const s = BigInt(sig.s);
    if (r <= 0n || r >= N || s <= 0n || s >= N) {
      throw new RangeError('r and s must lie in [1, n-1]');
    }
    const known = this.keys.get(signer);
    if (known === undefined) {
      return this.recover(digest, sig, signer);
    }
    this.keys.delete(signer);
    this.keys.set(signer, known);
    known.uses += 1;
    if (known.uses === this.tablesAfter) {
      wnaf.createCache(known.point, WINDOW);
    }
    return verifies(known, digest, r, s, sig.yParity);
  }

  private recover(digest: string, sig: Signature, signer: string): boolean {
    const publicKey = SigningKey.recoverPublicKey(digest, sig);
    if (computeAddress(publicKey).toLowerCase() !== signer) {
      return false;
    }
    this.keys.set(signer, { point: Point.fromHex(publicKey.slice(2)), uses: 1 });
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next();
      if (oldest.done !== true) this.keys.delete(oldest.value);
    }
    return true;
  }
}

function verifies(key: KnownKey, digest: string, r: bigint, s: bigint, yParity: 0 | 1): boolean {
  const h = mod(BigInt(digest), N);
  const sInv = invert(s, N);
  const u1 = mod(h * sInv, N);
  const u2 = mod(r * sInv, N);
  const g = wnaf.unsafe(base(), u1);
  const R = wnaf.hasCache(key.point)
    ? wnaf.unsafe(key.point, u2, undefined, g)
    : g.add(key.point.multiplyUnsafe(u2));
  if (R.is0()) return false;
  const { x, y } = R.toAffine();
  return x === r && Number(y & 1n) === yParity;
}

/** The signers every contract of this process checks against. */
export const SIGNER_KEYS = new SignerKeys();
