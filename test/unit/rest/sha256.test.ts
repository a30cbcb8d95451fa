import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { Sha256 } from '../../../packages/rest/web/sha256';

describe('web/sha256 (the verify page’s incremental SHA-256)', () => {
  it('matches known digests', () => {
    expect(new Sha256().digestHex()).to.equal(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(new Sha256().update(new TextEncoder().encode('abc')).digestHex()).to.equal(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('gives Node’s digest for every length around the block boundaries, fed in random chunks', () => {
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537]) {
      const data = randomBytes(n);
      const sha = new Sha256();
      for (let i = 0; i < n;) {
        const k = Math.min(n - i, 1 + Math.floor(Math.random() * 150));
        sha.update(data.subarray(i, i + k));
        i += k;
      }

      expect(sha.digestHex(), `length ${n}`).to.equal(
        createHash('sha256').update(data).digest('hex'),
      );
    }
  });

  it('refuses to be used after its digest', () => {
    const sha = new Sha256();
    sha.digestHex();

    expect(() => sha.update(new Uint8Array(1))).to.throw('digest already computed');
  });
});
