import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { type HDNodeWallet, hexlify, recoverAddress, Signature, Wallet } from 'ethers';
import { secp256k1 } from '@noble/curves/secp256k1';
import { SignerKeys } from '@swledger/chaincode/contract/signer';
import { highSSignature, N, withS, withV } from './signatures';

/*
 * Accepted or refused is what must agree: the chaincode refuses both a
 * throw and a false with BAD_SIGNATURE (only the wording differs: an r that
 * is no point's x cannot be recovered, and simply does not verify).
 */

/** What the chaincode answered before: ethers' recovery. */
function byRecovery(digest: string, signature: string, signer: string): boolean {
  try {
    return recoverAddress(digest, signature).toLowerCase() === signer;
  } catch {
    return false;
  }
}

function byKeys(keys: SignerKeys, digest: string, signature: string, signer: string): boolean {
  try {
    return keys.isSignedBy(digest, signature, signer);
  } catch {
    return false;
  }
}

function digest(): string {
  return hexlify(randomBytes(32));
}

describe('contract/signer: verification against remembered keys answers as recovery did', () => {
  const wallets = Array.from({ length: 6 }, () => Wallet.createRandom());
  const address = (w: HDNodeWallet) => w.address.toLowerCase();

  /** Signatures to try over `d` by `w`: the right one and ways to get it wrong. */
  function variants(w: HDNodeWallet, d: string): [string, string, string][] {
    const good = w.signingKey.sign(d);
    const other = wallets.find((x) => x !== w) ?? w;
    const r = BigInt(good.r);
    return [
      ['valid', d, good.serialized],
      ['another digest', digest(), good.serialized],
      ['parity flipped', d, withV(good, good.v === 27 ? 28 : 27)],
      [
        'r changed',
        d,
        Signature.from({ r: hexlify(randomBytes(32)), s: good.s, v: good.v }).serialized,
      ],
      [
        'r + 1',
        d,
        Signature.from({ r: '0x' + (r + 1n).toString(16).padStart(64, '0'), s: good.s, v: good.v })
          .serialized,
      ],
      ['s changed', d, withS(good, BigInt(hexlify(randomBytes(31))))],
      [
        'high s of the top bit (n - s)',
        d,
        withS(good, N - BigInt(good.s), good.v === 27 ? 28 : 27),
      ],
      ['r = 0', d, Signature.from({ r: '0x' + '00'.repeat(32), s: good.s, v: good.v }).serialized],
      ['r = n', d, Signature.from({ r: '0x' + N.toString(16), s: good.s, v: good.v }).serialized],
      ['s = 0', d, withS(good, 0n)],
      ['v = 5', d, good.serialized.slice(0, -2) + '05'],
      ['v = 0 (27)', d, good.serialized.slice(0, -2) + (good.v === 27 ? '00' : '01')],
      ["another key's signature", d, other.signingKey.sign(d).serialized],
    ];
  }

  it('agrees with recovery on every variant, for keys seen first, then often (with tables), then evicted', () => {
    const keys = new SignerKeys({ capacity: 4, tablesAfter: 3 });
    const disagreements: string[] = [];

    for (let round = 0; round < 8; round++) {
      for (const w of wallets) {
        for (const [what, d, sig] of variants(w, digest())) {
          for (const signer of [address(w), address(wallets[0]!)]) {
            const before = byRecovery(d, sig, signer);
            const now = byKeys(keys, d, sig, signer);
            if (before !== now)
              disagreements.push(`${what} (round ${round}): ${String(before)} vs ${String(now)}`);
          }
        }
      }
    }

    expect(disagreements).to.deep.equal([]);
    expect(keys.size).to.equal(4);
  });

  it('accepts a high-S signature whose s keeps the top bit clear, cold and warm, as recovery did; refuses it for another digest', () => {
    const d = digest();
    const { signature, address: signer, s } = highSSignature(d);
    const keys = new SignerKeys({ tablesAfter: 2 });

    const answers = [0, 1, 2, 3].map(() => byKeys(keys, d, signature, signer));

    expect(s > N / 2n && s < 2n ** 255n, 'the crafted s is high').to.equal(true);
    expect(byRecovery(d, signature, signer)).to.equal(true);
    expect(answers).to.deep.equal([true, true, true, true]);
    expect(byKeys(keys, digest(), signature, signer)).to.equal(false);
    expect(byRecovery(digest(), signature, signer)).to.equal(false);
  });

  it('remembers a key only once a recovery proved it', () => {
    const keys = new SignerKeys();
    const w = wallets[1]!;
    const d = digest();

    const wrong = keys.isSignedBy(d, wallets[2]!.signingKey.sign(d).serialized, address(w));

    expect(wrong).to.equal(false);
    expect(keys.size).to.equal(0);
    expect(keys.isSignedBy(d, w.signingKey.sign(d).serialized, address(w))).to.equal(true);
    expect(keys.size).to.equal(1);
  });

  it('uses the same curve as ethers (noble secp256k1 order)', () => {
    expect(secp256k1.Point.Fn.ORDER).to.equal(N);
  });
});
