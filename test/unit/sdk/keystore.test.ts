import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeystore, keystoreAddress, openKeystore } from '@swledger/sdk/keystore';

const FAST = { scryptN: 1 << 10 };

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('sdk/keystore: the enterprise key at rest', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swl-keystore-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes an encrypted keystore readable by its owner only, and opens it with the passphrase', async () => {
    const file = join(dir, 'alpha.json');

    const address = await createKeystore(file, 'correct horse', FAST);
    const wallet = await openKeystore(file, 'correct horse');

    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(await keystoreAddress(file)).to.equal(address);
    expect(wallet.address.toLowerCase()).to.equal(address);
  });

  it('refuses to overwrite a key, a wrong passphrase, and a keystore others can read', async () => {
    const file = join(dir, 'alpha.json');
    await createKeystore(file, 'correct horse', FAST);

    const exists = await code(createKeystore(file, 'other', FAST));
    const wrong = await code(openKeystore(file, 'wrong'));
    chmodSync(file, 0o644);
    const unsafe = await code(openKeystore(file, 'correct horse'));

    expect([exists, wrong, unsafe]).to.deep.equal([
      'KEYSTORE_EXISTS',
      'KEYSTORE_PASSPHRASE',
      'KEYSTORE_UNSAFE',
    ]);
  });
});
