import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { hexlify, TypedDataEncoder } from 'ethers';
import { writeDigest } from '@swledger/chaincode/contract/eip712';
import { signingDomain, WRITE_TYPES, type WriteMessage } from '@swledger/protocol/signing';

const TYPES = { EnterpriseWrite: [...WRITE_TYPES.EnterpriseWrite] };
const ALPHABET = 'abcXYZ09:_-/~ é中文🙂\u0000"\\';

function randomText(max: number): string {
  const length = randomBytes(1)[0]! % (max + 1);
  return Array.from(randomBytes(length), (b) => [...ALPHABET][b % [...ALPHABET].length]).join('');
}

function randomDeadline(i: number): number {
  const edges = [0, 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
  return edges[i] ?? randomBytes(6).readUIntBE(0, 6);
}

describe('contract/eip712: the hand-built digest of an enterprise write', () => {
  it('equals ethers TypedDataEncoder.hash on 500 random messages, under random domains and a repeated one', () => {
    const mismatches: string[] = [];
    const repeated = signingDomain(7300, 'tradechannel', 'swledger');

    for (let i = 0; i < 500; i++) {
      const domain =
        i % 2 === 0
          ? repeated
          : signingDomain(
              1 + (randomBytes(6).readUIntBE(0, 6) % 2 ** 48),
              randomText(20),
              randomText(20),
            );
      const message: WriteMessage = {
        fn: randomText(40),
        owner: randomText(18),
        args: hexlify(randomBytes(32)),
        nonce: hexlify(randomBytes(32)),
        deadline: randomDeadline(i),
      };
      const expected = TypedDataEncoder.hash(domain, TYPES, message);
      if (writeDigest(domain, message) !== expected) mismatches.push(JSON.stringify(message));
    }

    expect(mismatches).to.deep.equal([]);
  });

  it('refuses a deadline outside uint64, as ethers does', () => {
    const domain = signingDomain(7, 'tradechannel', 'swledger');
    const message = {
      fn: 'document:register',
      owner: 'x',
      args: hexlify(randomBytes(32)),
      nonce: hexlify(randomBytes(32)),
    };

    for (const deadline of [-1, 2 ** 64]) {
      expect(() => TypedDataEncoder.hash(domain, TYPES, { ...message, deadline })).to.throw();
      expect(() => writeDigest(domain, { ...message, deadline })).to.throw(/out-of-bounds/);
    }
  });
});
