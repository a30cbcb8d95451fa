import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { enrollUser } from '@swledger/sdk/ca';
import { type SwlClient } from '@swledger/sdk';
import { signWrite, domainOf, type WriteSigner } from '@swledger/sdk/signer';
import { connectLocal, localCaOptions } from '@swledger/devnet/client';
import { localEnterpriseSigner } from '@swledger/devnet/enterprisekeys';
import { clientAs, runSwl, TEST_NETWORK, testLayout } from './harness';
import { call, startService } from './rest/harness';
import { ALPHA, BETA, contract, invoice, newFile, rejectsWithCode, uniqueId } from './fixtures';

/** A key of the test, seen as the SDK sees any signer. */
type Key = WriteSigner & { readonly address: string };

async function networkKey(user: 'alpha' | 'beta'): Promise<WriteSigner> {
  const signer = await localEnterpriseSigner(testLayout(), user);
  if (signer === undefined) throw new Error(`the network made no key for ${user}`);
  return signer;
}

/** A client of alpha's user signing with `key` (null: unsigned). */
function alphaWith(key: WriteSigner | null, entity = ALPHA): Promise<SwlClient> {
  return connectLocal({
    as: 'enterprise:alpha',
    network: TEST_NETWORK,
    commitScope: 'network',
    enterpriseSigning: key === null ? null : { signer: key, entity },
  });
}

/** A new key bound to alpha, confirmed by Bank A. */
async function boundKey(): Promise<Key> {
  const key: Key = Wallet.createRandom();
  const alpha = await clientAs('enterprise:alpha');
  const clerk = await clientAs('banka:clerk1');
  await alpha.bindings.request(key, ALPHA, 'BankAMSP');
  await clerk.bindings.confirm(key.address);
  return key;
}

/** The record holding `sha256` must not exist: the refusal left the ledger unchanged. */
async function notRegistered(sha256: string): Promise<void> {
  const officer = await clientAs('customs:officer1');
  await rejectsWithCode(officer.documents.getByHash(sha256), 'NOT_FOUND');
}

describe('enterprise keys: bindings confirmed by a bank, every enterprise write signed (EIP-712)', function () {
  this.timeout(180_000);
  const opened: SwlClient[] = [];
  const track = async (client: Promise<SwlClient>): Promise<SwlClient> => {
    const c = await client;
    opened.push(c);
    return c;
  };
  after(() => {
    for (const c of opened) c.close();
  });

  it("binds each enterprise's key at network creation, confirmed by its bank and readable by customs", async () => {
    const officer = await clientAs('customs:officer1');
    const alphaKey = (await (await networkKey('alpha')).getAddress()).toLowerCase();

    const binding = await officer.bindings.get(alphaKey);

    expect(binding).to.deep.include({ uscc: ALPHA, bankMsp: 'BankAMSP', status: 'CONFIRMED' });
    expect(binding.confirmedBy?.msp).to.equal('BankAMSP');
  });

  it('registers a signed document; verify names the enterprise, the key and the confirming bank; provenance VALID', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const verifier = await clientAs('customs:verifier');
    const file = newFile('signed');
    const address = (await (await networkKey('alpha')).getAddress()).toLowerCase();

    const registered = await alpha.documents.register(invoice(ALPHA), { buffer: file.buffer });
    const verdict = await verifier.verifier.verify({ buffer: file.buffer });

    expect(registered.value.signer).to.deep.equal({ address, bankMsp: 'BankAMSP' });
    expect(verdict.verdict).to.equal('VALID');
    expect(verdict.issuer).to.deep.include({
      owner: ALPHA,
      signer: address,
      confirmedBy: 'BankAMSP',
    });
    expect(verdict.issuer.reason).to.include(`signed by key ${address}`);
    expect(verdict.provenance.result).to.equal('VALID');
  });

  it('refuses an unsigned enterprise write: SIGNATURE_REQUIRED, ledger unchanged', async () => {
    const unsigned = await track(alphaWith(null));
    const file = newFile();

    await rejectsWithCode(
      unsigned.documents.register(invoice(ALPHA), { sha256: file.sha256 }),
      'SIGNATURE_REQUIRED',
    );

    await notRegistered(file.sha256);
  });

  it("refuses a key bound to no one, and another enterprise's key: KEY_NOT_BOUND, ledger unchanged", async () => {
    const stranger = await track(alphaWith(Wallet.createRandom()));
    const withBetaKey = await track(alphaWith(await networkKey('beta')));
    const [a, b] = [newFile(), newFile()];

    await rejectsWithCode(
      stranger.documents.register(invoice(ALPHA), { sha256: a.sha256 }),
      'KEY_NOT_BOUND',
    );
    await rejectsWithCode(
      withBetaKey.documents.register(invoice(ALPHA), { sha256: b.sha256 }),
      'KEY_NOT_BOUND',
    );

    await notRegistered(a.sha256);
    await notRegistered(b.sha256);
  });

  it('refuses a wrongly signed write and a replayed signature: BAD_SIGNATURE, REPLAYED, ledger unchanged', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const key = await networkKey('alpha');
    const settings = await alpha.connection.signingSettings();
    if (settings === undefined) throw new Error('the network has no signing settings');
    const domain = domainOf(settings, 'tradechannel');
    const first = JSON.stringify({ ...invoice(ALPHA), sha256: newFile().sha256 });
    const other = { ...invoice(ALPHA), sha256: newFile().sha256 };
    const signed = await signWrite(key, domain, 'document:register', [first], ALPHA);
    const raw = alpha.connection.inner;

    await rejectsWithCode(
      raw.submit('document', 'register', [JSON.stringify(other), signed], { retries: 0 }),
      'BAD_SIGNATURE',
    );
    await raw.submit('document', 'register', [first, signed], { retries: 0 });
    const again = JSON.stringify({ ...JSON.parse(first), docId: uniqueId('INV') });
    await rejectsWithCode(
      raw.submit('document', 'register', [first, signed], { retries: 0 }),
      'REPLAYED',
    );
    expect(again).to.not.equal(first);

    await notRegistered(other.sha256);
  });

  it('refuses a binding confirmed by a non-bank or another bank: FORBIDDEN, the binding stays REQUESTED', async () => {
    const key: Key = Wallet.createRandom();
    const alpha = await clientAs('enterprise:alpha');
    await alpha.bindings.request(key, ALPHA, 'BankAMSP');

    for (const as of ['customs:officer1', 'bankb:clerk1', 'banka:auditor1', 'enterprise:alpha']) {
      const client = await clientAs(as);
      await rejectsWithCode(client.bindings.confirm(key.address), 'FORBIDDEN');
    }
    const stillRequested = await (await clientAs('customs:officer1')).bindings.get(key.address);
    const signing = await track(alphaWith(key));
    const file = newFile();
    await rejectsWithCode(
      signing.documents.register(invoice(ALPHA), { sha256: file.sha256 }),
      'KEY_NOT_BOUND',
    );

    expect(stillRequested.status).to.equal('REQUESTED');
    await notRegistered(file.sha256);
  });

  it('refuses a key revoked by its bank: KEY_NOT_BOUND, ledger unchanged', async () => {
    const key = await boundKey();
    const signing = await track(alphaWith(key));
    await signing.documents.register(invoice(ALPHA), { sha256: newFile().sha256 });
    await (await clientAs('banka:clerk1')).bindings.revoke(key.address);
    const file = newFile();

    await rejectsWithCode(
      signing.documents.register(invoice(ALPHA), { sha256: file.sha256 }),
      'KEY_NOT_BOUND',
    );

    await notRegistered(file.sha256);
  });

  it('rotates a key without a gap: the old key is refused after retirement, documents it signed still verify', async () => {
    const oldKey = await boundKey();
    const newKey: Key = Wallet.createRandom();
    const before = await track(alphaWith(oldKey));
    const signedBefore = newFile('before-rotation');
    await before.documents.register(contract(ALPHA), { buffer: signedBefore.buffer });

    const rotated = await before.bindings.rotate(oldKey, newKey, ALPHA);
    const after = await track(alphaWith(newKey));
    const refusedFile = newFile();
    await rejectsWithCode(
      before.documents.register(invoice(ALPHA), { sha256: refusedFile.sha256 }),
      'KEY_NOT_BOUND',
    );
    const signedAfter = await after.documents.register(invoice(ALPHA), {
      sha256: newFile().sha256,
    });
    const verdict = await (
      await clientAs('banka:verifier')
    ).verifier.verify({ buffer: signedBefore.buffer });

    expect(rotated.retired.status).to.equal('RETIRED');
    expect(rotated.created).to.deep.include({ status: 'CONFIRMED', bankMsp: 'BankAMSP' });
    expect(signedAfter.value.signer?.address).to.equal(newKey.address.toLowerCase());
    expect(verdict.verdict).to.equal('VALID');
    expect(verdict.issuer.signer).to.equal(oldKey.address.toLowerCase());
    await notRegistered(refusedFile.sha256);
  });

  it('signs enterprise moves too: an unsigned terminate is refused, a signed one records its key', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const unsigned = await track(alphaWith(null));
    const con = contract(ALPHA);
    await alpha.documents.register(con, { sha256: newFile().sha256 });

    await rejectsWithCode(
      unsigned.documents.transition('CONTRACT', con.docId, 'terminate'),
      'SIGNATURE_REQUIRED',
    );
    const still = await alpha.documents.get('CONTRACT', con.docId);
    const moved = await alpha.documents.transition('CONTRACT', con.docId, 'terminate');

    expect(still.status).to.equal('REGISTERED');
    expect(moved.value.state.signedBy).to.equal(
      (await (await networkKey('alpha')).getAddress()).toLowerCase(),
    );
  });

  it("shows a record registered by one enterprise for another's document hash as such", async () => {
    const beta = await clientAs('enterprise:beta');
    const verifier = await clientAs('customs:verifier');
    const file = newFile('alpha-file');
    const betaKey = (await (await networkKey('beta')).getAddress()).toLowerCase();

    await beta.documents.register(invoice(BETA), { buffer: file.buffer });
    const verdict = await verifier.verifier.verify({ buffer: file.buffer });

    expect(verdict.issuer).to.deep.include({
      owner: BETA,
      signer: betaKey,
      confirmedBy: 'BankBMSP',
    });
  });

  describe('the operator test: an EnterpriseMSP identity without the enterprise key cannot write for it', () => {
    let label = '';
    before(async () => {
      label = await enrollUser(localCaOptions(TEST_NETWORK, 'enterprise'), {
        name: `shadow-${randomBytes(4).toString('hex')}`,
        role: 'enterprise',
        entity: ALPHA,
      });
    });

    it('SDK: unsigned, SIGNATURE_REQUIRED; with its own key, KEY_NOT_BOUND; ledger unchanged', async () => {
      const unsigned = await track(connectLocal({ as: label, network: TEST_NETWORK }));
      const ownKey = await track(
        connectLocal({
          as: label,
          network: TEST_NETWORK,
          enterpriseSigning: { signer: Wallet.createRandom(), entity: ALPHA },
        }),
      );
      const admin = await track(connectLocal({ as: 'enterprise:admin', network: TEST_NETWORK }));
      const [a, b, c] = [newFile(), newFile(), newFile()];

      await rejectsWithCode(
        unsigned.documents.register(invoice(ALPHA), { sha256: a.sha256 }),
        'SIGNATURE_REQUIRED',
      );
      await rejectsWithCode(
        ownKey.documents.register(invoice(ALPHA), { sha256: b.sha256 }),
        'KEY_NOT_BOUND',
      );
      await rejectsWithCode(
        admin.documents.register(invoice(ALPHA), { sha256: c.sha256 }),
        'FORBIDDEN',
      );

      for (const f of [a, b, c]) await notRegistered(f.sha256);
    });

    it("REST: the operator identity's token at the enterprise service is refused with 403 SIGNATURE_REQUIRED", async () => {
      const service = await startService('enterprise');
      try {
        const file = newFile();
        const { type, docId, facts } = invoice(ALPHA);

        const res = await call(`${service.url}/api/v1/documents`, {
          token: service.token(label),
          body: { type, docId, sha256: file.sha256, facts },
        });

        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('SIGNATURE_REQUIRED');
        await notRegistered(file.sha256);
      } finally {
        await service.close();
      }
    });

    it('CLI: swl doc register as the operator identity is refused with SIGNATURE_REQUIRED', async () => {
      const file = newFile();

      const run = await runSwl([
        'doc',
        'register',
        '--network',
        TEST_NETWORK,
        '--as',
        label,
        '--type',
        'COMMERCIAL_INVOICE',
        '--id',
        uniqueId('INV'),
        '--owner',
        ALPHA,
        '--sha256',
        file.sha256,
        '--fact',
        `seller=${ALPHA}`,
        '--fact',
        `buyer=${BETA}`,
        '--fact',
        'amount=10.00',
        '--fact',
        'currency=USD',
      ]);

      expect(run.code).to.not.equal(0);
      expect(run.stderr + run.stdout).to.include('SIGNATURE_REQUIRED');
      await notRegistered(file.sha256);
    });
  });
});
