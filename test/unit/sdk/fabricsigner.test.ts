import { expect } from 'chai';
import { createPublicKey, generateKeyPairSync, sign as opensslSign, verify } from 'node:crypto';
import { Wallets } from 'fabric-network';
import { lowS, newNodeSigner, nodeSigningProvider } from '@swledger/sdk/fabricsigner';
import { makeIdentity } from './provenance-fixtures';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** The (r, s) of a DER ECDSA signature. */
function parseDer(der: Uint8Array): { r: bigint; s: bigint } {
  const b = Buffer.from(der);
  expect(b[0]).to.equal(0x30);
  let i = 2;
  const read = () => {
    expect(b[i]).to.equal(0x02);
    const len = b[i + 1]!;
    const value = b.subarray(i + 2, i + 2 + len);
    // Minimal encoding: no leading zero unless the next byte's top bit is set.
    if (value.length > 1 && value[0] === 0) expect(value[1]! & 0x80).to.not.equal(0);
    i += 2 + len;
    return BigInt(`0x${value.toString('hex')}`);
  };
  const r = read();
  const s = read();
  expect(i).to.equal(b.length);
  return { r, s };
}

describe('sdk/fabricsigner', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('signs with node:crypto: every signature verifies and has S in the lower half', () => {
    const sign = newNodeSigner(pem);
    let highBefore = 0;
    for (let n = 0; n < 200; n++) {
      const message = Buffer.from(`proposal ${n}`);
      const der = sign(message);
      expect(verify('sha256', message, publicKey, der)).to.equal(true);
      const { s } = parseDer(der);
      expect(s <= P256_ORDER >> 1n).to.equal(true);
      // The same message signed again by OpenSSL directly shows that the upper half occurs.
      const raw = opensslSign('sha256', message, {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      if (BigInt(`0x${raw.subarray(32).toString('hex')}`) > P256_ORDER >> 1n) highBefore++;
    }
    expect(highBefore).to.be.greaterThan(0);
  });

  it('normalises an upper-half S to n − S, and the result still verifies', () => {
    const message = Buffer.from('envelope');
    for (;;) {
      const raw = opensslSign('sha256', message, {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      const s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
      if (s <= P256_ORDER >> 1n) continue;
      const der = lowS(raw, P256_ORDER);
      expect(parseDer(der).s).to.equal(P256_ORDER - s);
      expect(parseDer(der).r).to.equal(BigInt(`0x${raw.subarray(0, 32).toString('hex')}`));
      expect(verify('sha256', message, publicKey, der)).to.equal(true);
      return;
    }
  });

  it('refuses a key that is not on P-256 or P-384', () => {
    const ed = generateKeyPairSync('ed25519').privateKey;
    expect(() => newNodeSigner(ed)).to.throw(/EC key on P-256 or P-384/);
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    expect(() => newNodeSigner(k1)).to.throw(/P-256 or P-384, got secp256k1/);
  });

  it("makes fabric-network users that sign with node:crypto under the identity's certificate", async () => {
    const id = makeIdentity('BankAMSP', 'clerk1');
    const wallet = await Wallets.newInMemoryWallet();
    const identity = {
      type: 'X.509' as const,
      mspId: id.mspId,
      credentials: {
        certificate: id.certificate,
        privateKey: id.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    };
    const provider = nodeSigningProvider(wallet.getProviderRegistry().getProvider('X.509'));
    const user = await provider.getUserContext(identity, 'clerk1');
    const message = Buffer.from('a transaction envelope');
    const der = user.getSigningIdentity().sign(message, {});
    const certKey = createPublicKey(id.certificate);
    expect(verify('sha256', message, certKey, Buffer.from(der))).to.equal(true);
    expect(parseDer(der).s <= P256_ORDER >> 1n).to.equal(true);
    expect(user.getMspid()).to.equal('BankAMSP');
  });
});
