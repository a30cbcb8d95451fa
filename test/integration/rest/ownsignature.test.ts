import { expect } from 'chai';
import { chmodSync, copyFileSync, cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { enterpriseKeyFiles, localEnterpriseSigner } from '@swledger/devnet/enterprisekeys';
import type { SigningDomain } from '@swledger/protocol/signing';
import { keystoreAddress } from '@swledger/sdk/keystore';
import { signWrite, type WriteSigner } from '@swledger/sdk/signer';
import { ALPHA, contract, declaration, newFile, uniqueId } from '../fixtures';
import { clientAs, runSwl, TEST_NETWORK, testLayout } from '../harness';
import { call, startService, tempDir, TestService } from './harness';

/** What `POST …/prepare` answers. */
interface Prepared {
  readonly fn: string;
  readonly owner: string;
  readonly args: string[];
  readonly domain: SigningDomain;
}

describe("an enterprise's own signature through another service (REST X-Swl-Enterprise-Auth, CLI --keystore)", function () {
  this.timeout(180_000);
  let tmp: string;
  /** The exported enterprise organisation: profile, identities, a config file; no enterprise key. */
  let org: string;
  /** A service of that config file, without SWL_ENTERPRISE_KEYS: it cannot sign for Alpha. */
  let service: TestService;
  let token: string;
  /** Alpha's key, held by the test as the enterprise would on its own machine. */
  let alpha: WriteSigner;
  let alphaAddress: string;

  const url = (path: string): string => `${service.url}/api/v1${path}`;

  /** A registration body of a new declaration of Alpha's. */
  const newRegistration = () => {
    const { type, docId, facts } = declaration(ALPHA, uniqueId('OWN'));
    return { type, docId, sha256: newFile().sha256, facts };
  };

  const prepare = async (body: unknown): Promise<Prepared> => {
    const res = await call(url('/documents/prepare'), { token, body });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as Prepared;
  };

  const sign = (p: Prepared): Promise<string> => signWrite(alpha, p.domain, p.fn, p.args, p.owner);

  const register = (body: unknown, auth?: string) =>
    call(url('/documents'), {
      token,
      body,
      ...(auth === undefined ? {} : { headers: { 'X-Swl-Enterprise-Auth': auth } }),
    });

  /** The ledger height and whether `docId` is registered, as customs sees them. */
  /**
   * The declaration's presence and the height, both on the Customs peer, once
   * that peer holds every block any peer has (the REST service waits for its
   * own organisation's peer only, so an earlier write may still be on its way).
   */
  const ledgerState = async (docId: string) => {
    const customs = await clientAs('customs:officer1');
    const heights = () =>
      Promise.all(
        ['CustomsMSP', 'BankAMSP', 'BankBMSP', 'EnterpriseMSP'].map((msp) =>
          customs.connection.ledgerHeight(msp),
        ),
      );
    for (let i = 0; i < 100; i++) {
      const [own, ...others] = await heights();
      if (others.every((h) => own! >= h)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const exists = await customs.documents.get('CUSTOMS_DECLARATION', docId, 'CustomsMSP').then(
      () => true,
      () => false,
    );
    return { height: await customs.connection.ledgerHeight('CustomsMSP'), exists };
  };

  before(async () => {
    tmp = tempDir('ownsig');
    const exported = await runSwl(
      ['network', 'export', 'enterprise', '--out', join(tmp, 'out'), '-n', TEST_NETWORK],
      {},
    );
    expect([exported.stderr, exported.code]).to.deep.equal(['', 0]);
    org = join(tmp, 'enterprise');
    cpSync(join(tmp, 'out', 'enterprise'), org, { recursive: true });
    const config = ['rest.yaml', 'rest.json'].map((f) => join(org, f)).find((f) => existsSync(f));
    expect(config, 'the exported config file').to.not.equal(undefined);
    service = await startService('enterprise', { config });
    token = service.token('enterprise:alpha');
    const signer = localEnterpriseSigner(testLayout(), 'alpha');
    if (signer === undefined) throw new Error('the test network has no keystore for alpha');
    alpha = await signer;
    alphaAddress = (await alpha.getAddress()).toLowerCase();
  });

  after(async () => {
    await service?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("prepare answers the function, the caller's USCC, the exact arguments and the domain; the signed write is accepted and names the key", async () => {
    const body = newRegistration();

    const p = await prepare(body);
    const res = await register(body, await sign(p));

    expect(p.fn).to.equal('document:register');
    expect(p.owner).to.equal(ALPHA);
    expect(JSON.parse(p.args[0] ?? '')).to.deep.include({ docId: body.docId, sha256: body.sha256 });
    expect(p.domain).to.include({ version: '1' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.record).to.include({ docId: body.docId, owner: ALPHA });
    expect(res.body.record.signer.address).to.equal(alphaAddress);
    const verified = await call(url(`/verify/${body.sha256}`));
    expect(verified.body.verdict).to.equal('VALID');
  });

  it('without the header the service cannot sign: 403 SIGNATURE_REQUIRED, the ledger unchanged', async () => {
    const body = newRegistration();
    const before = await ledgerState(body.docId);

    const res = await register(body);

    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('SIGNATURE_REQUIRED');
    expect(await ledgerState(body.docId)).to.deep.equal(before);
  });

  it('a tampered signature, or one over another request: 403 BAD_SIGNATURE, the ledger unchanged', async () => {
    const body = newRegistration();
    const auth = JSON.parse(await sign(await prepare(body))) as { signature: string };
    const s = auth.signature;
    const flipped = `${s.slice(0, 20)}${s[20] === '0' ? '1' : '0'}${s.slice(21)}`;
    const tampered = JSON.stringify({ ...auth, signature: flipped });
    const other = await sign(await prepare(newRegistration()));
    const before = await ledgerState(body.docId);

    const byTampered = await register(body, tampered);
    const byOther = await register(body, other);

    expect([byTampered.status, byTampered.body.error?.code]).to.deep.equal([403, 'BAD_SIGNATURE']);
    expect([byOther.status, byOther.body.error?.code]).to.deep.equal([403, 'BAD_SIGNATURE']);
    expect(await ledgerState(body.docId)).to.deep.equal(before);
  });

  it('a signature sent again (the same request and nonce): 409 REPLAYED, the ledger unchanged', async () => {
    const body = newRegistration();
    const auth = await sign(await prepare(body));
    expect((await register(body, auth)).status).to.equal(201);
    const before = await ledgerState(body.docId);

    const again = await register(body, auth);

    expect([again.status, again.body.error?.code]).to.deep.equal([409, 'REPLAYED']);
    expect(await ledgerState(body.docId)).to.deep.equal(before);
  });

  it('a status change the same way: prepare, sign, send; without the header 403 SIGNATURE_REQUIRED and the contract unchanged', async () => {
    const { type, docId, facts } = contract(ALPHA);
    const reg = { type, docId, sha256: newFile().sha256, facts };
    expect((await register(reg, await sign(await prepare(reg)))).status).to.equal(201);
    const path = `/documents/CONTRACT/${docId}/transitions`;
    const move = { action: 'terminate' };

    const unsigned = await call(url(path), { token, body: move });
    const statusBefore = (await call(url(`/documents/CONTRACT/${docId}`), { token })).body.status;
    const p = await call(url(`${path}/prepare`), { token, body: move });
    const signed = await call(url(path), {
      token,
      body: move,
      headers: { 'X-Swl-Enterprise-Auth': await sign(p.body as Prepared) },
    });

    expect([unsigned.status, unsigned.body.error?.code]).to.deep.equal([403, 'SIGNATURE_REQUIRED']);
    expect(statusBefore).to.equal('REGISTERED');
    expect(p.body).to.deep.include({
      fn: 'document:transition',
      owner: ALPHA,
      args: ['CONTRACT', docId, 'terminate', '{}'],
    });
    expect(signed.status, JSON.stringify(signed.body)).to.equal(200);
    expect(signed.body.record.status).to.equal('TERMINATED');
  });

  it('refuses before the ledger: prepare for a non-enterprise caller 403 FORBIDDEN, an over-long header 400; OpenAPI documents the header', async () => {
    const body = newRegistration();
    const before = await ledgerState(body.docId);

    const byCustoms = await call(url('/documents/prepare'), {
      token: service.token('enterprise:verifier'),
      body,
    });
    const tooLong = await register(body, 'x'.repeat(1025));
    const doc = (await call(url('/openapi.json'))).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const documented = (path: string, method: string) =>
      (doc.paths[path]?.[method]?.parameters ?? []).some(
        (q) => q.in === 'header' && q.name === 'X-Swl-Enterprise-Auth',
      );

    expect([byCustoms.status, byCustoms.body.error?.code]).to.deep.equal([403, 'FORBIDDEN']);
    expect([tooLong.status, tooLong.body.error?.code]).to.deep.equal([400, 'INVALID_ARGUMENT']);
    expect(await ledgerState(body.docId)).to.deep.equal(before);
    expect([
      documented('/api/v1/documents', 'post'),
      documented('/api/v1/documents/upload', 'post'),
      documented('/api/v1/documents/{type}/{docId}/transitions', 'post'),
      documented('/api/v1/documents/prepare', 'post'),
    ]).to.deep.equal([true, true, true, false]);
  });

  it('swl doc register with the exported profile, identity and --keystore signs; without --keystore: SIGNATURE_REQUIRED, the ledger unchanged', async () => {
    const files = enterpriseKeyFiles(testLayout(), 'alpha');
    const keystore = join(tmp, 'alpha.json');
    copyFileSync(files.keystore, keystore);
    chmodSync(keystore, 0o600);
    const env = {
      SWL_HOME: join(tmp, 'no-swledger-here'),
      SWL_NETWORK: undefined,
      SWL_CONFIG: undefined,
      SWL_KEYSTORE_PASSPHRASE: readFileSync(files.passphrase, 'utf8').trim(),
    };
    const { facts } = declaration(ALPHA);
    const docArgs = (docId: string, sha256: string) => [
      'doc',
      'register',
      '--sha256',
      sha256,
      '--type',
      'CUSTOMS_DECLARATION',
      '--id',
      docId,
      '--owner',
      ALPHA,
      ...Object.entries(facts).flatMap(([k, v]) => ['--fact', `${k}=${v}`]),
      '--profile',
      join(org, 'connection-enterprise.json'),
      '--identity',
      join(org, 'users', 'alpha@enterprise'),
      '--json',
    ];
    const unsignedId = uniqueId('CLI');
    const before = await ledgerState(unsignedId);

    const unsigned = await runSwl(docArgs(unsignedId, newFile().sha256), env);
    const unsignedAfter = await ledgerState(unsignedId);
    const signedId = uniqueId('CLI');
    const signed = await runSwl(
      [...docArgs(signedId, newFile().sha256), '--keystore', keystore],
      env,
    );

    expect(unsigned.code).to.not.equal(0);
    expect(unsigned.stderr).to.contain('SIGNATURE_REQUIRED');
    expect(unsignedAfter).to.deep.equal(before);
    expect([signed.stderr, signed.code]).to.deep.equal(['', 0]);
    const record = JSON.parse(signed.stdout) as { docId: string; signer?: { address: string } };
    expect(record.docId).to.equal(signedId);
    expect(record.signer?.address).to.equal(await keystoreAddress(keystore));
  });
});
