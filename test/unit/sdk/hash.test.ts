import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isSha256, sha256OfBuffer, sha256OfFile, sha256OfStream } from '@swledger/sdk/hash';

describe('sdk/hash', () => {
  const data = Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a);
  const expected = createHash('sha256').update(data).digest('hex');

  it('gives the same fingerprint from a buffer, a stream and a file larger than its read buffer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swl-hash-'));
    const file = join(dir, 'f.bin');
    writeFileSync(file, data);

    const fromFile = await sha256OfFile(file);
    const fromStream = await sha256OfStream(
      Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
    );
    rmSync(dir, { recursive: true });

    expect(sha256OfBuffer(data)).to.equal(expected);
    expect(fromFile).to.equal(expected);
    expect(fromStream).to.equal(expected);
  });

  it('hashes an empty file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swl-hash-'));
    writeFileSync(join(dir, 'empty'), '');

    const h = await sha256OfFile(join(dir, 'empty'));
    rmSync(dir, { recursive: true });

    expect(h).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('accepts only 64 lowercase hex characters as a fingerprint', () => {
    expect(isSha256(expected)).to.equal(true);
    expect(isSha256(expected.toUpperCase())).to.equal(false);
    expect(isSha256(expected.slice(1))).to.equal(false);
    expect(isSha256(`${expected.slice(1)}g`)).to.equal(false);
  });
});
