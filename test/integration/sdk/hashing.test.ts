import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@swledger/devnet/layout';
import { clientAs } from '../harness';
import { ALPHA, invoice } from '../fixtures';

const MB = 1024 * 1024;

describe('SDK: a 50 MB file is hashed streaming, registered and verified', function () {
  this.timeout(180_000);
  let dir: string;
  let file: string;
  let expected: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'swl-big-'));
    file = join(dir, 'big.bin');
    const hash = createHash('sha256');
    const fd = openSync(file, 'w');
    for (let i = 0; i < 50; i++) {
      const chunk = Buffer.alloc(MB, i);
      // A fresh file each run: the suite may run twice on one network (once per transport).
      if (i === 0) randomBytes(32).copy(chunk);
      writeSync(fd, chunk);
      hash.update(chunk);
    }
    closeSync(fd);
    expected = hash.digest('hex');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps peak memory growth far below the file size while hashing', () => {
    const probe = `
      const { sha256OfFile } = require(${JSON.stringify(join(REPO_ROOT, 'packages/sdk/dist/hash.js'))});
      (async () => {
        const base = process.memoryUsage().rss; let peak = base;
        const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 1);
        const sha256 = await sha256OfFile(process.argv[1]);
        clearInterval(t); peak = Math.max(peak, process.memoryUsage().rss);
        process.stdout.write(JSON.stringify({ sha256, growth: peak - base }));
      })();`;

    const res = JSON.parse(
      execFileSync(process.execPath, ['-e', probe, file], { encoding: 'utf8' }),
    ) as { sha256: string; growth: number };

    expect(res.sha256).to.equal(expected);
    expect(res.growth).to.be.lessThan(10 * MB);
  });

  it('registers the file from its path and verifies it', async () => {
    const alpha = await clientAs('enterprise:alpha');

    const registered = await alpha.documents.register(invoice(ALPHA), { path: file });
    const verification = await alpha.verifier.verify({ path: file });

    expect(registered.value.sha256).to.equal(expected);
    expect(verification.verdict).to.equal('VALID');
    expect(verification.record?.docId).to.equal(registered.value.docId);
  });
});
