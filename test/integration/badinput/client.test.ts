import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@swledger/devnet/layout';
import { clientAs, TEST_NETWORK } from '../harness';
import { ALPHA, declaration, newFile, rejectsWithCode, uniqueId } from '../fixtures';
import { call, startService, TestService } from '../rest/harness';
import { refusedUnchanged } from './support';
import { connectLocal } from '@swledger/devnet/client';

interface Run {
  code: number;
  stderr: string;
}

function swl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'packages/cli/dist/main.js'), ...args, '-n', TEST_NETWORK],
      (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

/** Runs a hostile command and asserts its exit status, its stable code on stderr and an unchanged ledger. */
async function cliRefused(args: string[], exit: number, code: string | RegExp): Promise<void> {
  const observer = await clientAs('customs:auditor1');
  const before = await observer.connection.ledgerHeight();

  const run = await swl(...args);

  expect(run.code, run.stderr).to.equal(exit);
  expect(run.stderr).to.match(typeof code === 'string' ? new RegExp(`\\b${code}\\b`) : code);
  expect(await observer.connection.ledgerHeight()).to.equal(before);
}

function registerArgs(sha256: string, over: Record<string, string> = {}): string[] {
  const o = {
    type: 'CUSTOMS_DECLARATION',
    id: uniqueId('DEC-CLI'),
    owner: ALPHA,
    as: 'enterprise:alpha',
    ...over,
  };
  return [
    'doc',
    'register',
    '--sha256',
    sha256,
    '--type',
    o.type,
    '--id',
    o.id,
    '--owner',
    o.owner,
    '--as',
    o.as,
    '--fact',
    'direction=EXPORT',
    '--fact',
    'customsOffice=2200',
    '--fact',
    'declaredValue=10.00',
    '--fact',
    'currency=USD',
  ];
}

describe('bad input: the SDK refuses what it can before the ledger, and writes nothing', function () {
  this.timeout(120_000);

  it('refuses an identity missing from the wallet: IDENTITY_NOT_FOUND', async () => {
    await rejectsWithCode(
      connectLocal({ as: 'enterprise:ghost', network: TEST_NETWORK }),
      'IDENTITY_NOT_FOUND',
    );
  });

  it('refuses endorsing organisations that do not exist: PEER_UNREACHABLE', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile();

    await refusedUnchanged(
      alpha,
      () =>
        alpha.documents.register(
          declaration(ALPHA),
          { sha256: file.sha256 },
          { endorsingOrgs: ['EvilMSP'] },
        ),
      'PEER_UNREACHABLE',
      [file.sha256],
    );
  });

  it('refuses a file that does not exist: ENOENT, nothing registered', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const doc = declaration(ALPHA);

    await refusedUnchanged(
      alpha,
      () => alpha.documents.register(doc, { path: '/nonexistent/../etc/shadow' }),
      'ENOENT',
    );
    await rejectsWithCode(alpha.documents.get('CUSTOMS_DECLARATION', doc.docId), 'NOT_FOUND');
  });

  it('answers a malformed fingerprint with verdict ERROR without asking the ledger', async () => {
    const verifier = await clientAs('bankb:verifier');
    const before = await verifier.connection.ledgerHeight();

    const v = await verifier.verifier.verify({ sha256: 'DEADBEEF' });

    expect(v.verdict).to.equal('ERROR');
    expect(v.integrity.reason).to.match(/not a SHA-256/);
    expect(await verifier.connection.ledgerHeight()).to.equal(before);
  });
});

describe('bad input: the swl CLI exits non-zero with the stable code and writes nothing', function () {
  this.timeout(180_000);

  it('refuses an unknown document type (exit 1, allowed choices)', async () => {
    await cliRefused(
      registerArgs(newFile().sha256, { type: 'BILL_OF_LADING' }),
      1,
      /Allowed choices/,
    );
  });

  it('refuses a malformed --sha256 (exit 2, INVALID_ARGUMENT)', async () => {
    await cliRefused(registerArgs('not-a-hash'), 2, 'INVALID_ARGUMENT');
  });

  it('refuses a path-like --id (exit 2, INVALID_ARGUMENT)', async () => {
    await cliRefused(
      registerArgs(newFile().sha256, { id: '..\\..\\boot.ini' }),
      2,
      'INVALID_ARGUMENT',
    );
  });

  it('refuses a verifier registering (exit 2, FORBIDDEN)', async () => {
    await cliRefused(registerArgs(newFile().sha256, { as: 'enterprise:verifier' }), 2, 'FORBIDDEN');
  });

  it('refuses an identity missing from the wallet (exit 2, IDENTITY_NOT_FOUND)', async () => {
    await cliRefused(
      registerArgs(newFile().sha256, { as: 'enterprise:mallory' }),
      2,
      'IDENTITY_NOT_FOUND',
    );
  });

  it("refuses showing another enterprise's record (exit 2, FORBIDDEN)", async () => {
    const alpha = await clientAs('enterprise:alpha');
    const doc = declaration(ALPHA);
    await alpha.documents.register(doc, { sha256: newFile().sha256 });

    await cliRefused(
      ['doc', 'show', 'CUSTOMS_DECLARATION', doc.docId, '--as', 'enterprise:beta'],
      2,
      'FORBIDDEN',
    );
  });
});

describe('bad input: the REST service refuses hostile requests and writes nothing', function () {
  this.timeout(180_000);
  let svc: TestService;
  let alphaToken: string;
  const url = (p: string) => `${svc.url}/api/v1${p}`;

  before(async () => {
    svc = await startService('enterprise', { maxBodyBytes: 16 * 1024 });
    alphaToken = svc.token('enterprise:alpha');
  });
  after(async () => {
    await svc?.close();
  });

  function body(over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      type: 'CUSTOMS_DECLARATION',
      docId: uniqueId('DEC-REST'),
      sha256: newFile().sha256,
      facts: { direction: 'EXPORT', customsOffice: '2200', declaredValue: '1.00', currency: 'USD' },
      ...over,
    };
  }

  /** Sends one request and asserts the HTTP status, the error code and an unchanged ledger. */
  async function restRefused(
    request: {
      path: string;
      method?: string;
      token?: string;
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
    },
    status: number,
    code: string,
    probe?: string,
  ): Promise<void> {
    const observer = await clientAs('customs:auditor1');
    const before = await observer.connection.ledgerHeight();

    const res = await call(url(request.path), {
      method: request.method,
      token: request.token,
      body: request.body,
      raw: request.raw,
      headers: request.headers,
    });

    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body?.error?.code, JSON.stringify(res.body)).to.equal(code);
    expect(await observer.connection.ledgerHeight()).to.equal(before);
    if (probe) await rejectsWithCode(observer.documents.getByHash(probe), 'NOT_FOUND');
  }

  it('refuses a registration without a bearer token: 401', async () => {
    const b = body();
    await restRefused({ path: '/documents', body: b }, 401, 'UNAUTHENTICATED', String(b.sha256));
  });

  it('refuses a forged bearer token: 401', async () => {
    const b = body();
    await restRefused(
      { path: '/documents', body: b, token: `${alphaToken.slice(0, -4)}AAAA` },
      401,
      'UNAUTHENTICATED',
      String(b.sha256),
    );
  });

  it('refuses a body over the size limit: 413 PAYLOAD_TOO_LARGE', async () => {
    const b = body({ links: ['x'.repeat(32 * 1024)] });
    await restRefused(
      { path: '/documents', body: b, token: alphaToken },
      413,
      'PAYLOAD_TOO_LARGE',
      String(b.sha256),
    );
  });

  it('refuses a body that is not JSON: 400 INVALID_ARGUMENT', async () => {
    await restRefused(
      {
        path: '/documents',
        raw: '{"type":',
        token: alphaToken,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      400,
      'INVALID_ARGUMENT',
    );
  });

  it('refuses a "__proto__" key in the body: 400 INVALID_ARGUMENT', async () => {
    const sha = newFile().sha256;
    await restRefused(
      {
        path: '/documents',
        raw: `{"__proto__":{"role":"officer"},"type":"CUSTOMS_DECLARATION","docId":"${uniqueId('DEC')}","sha256":"${sha}","facts":{"direction":"EXPORT","customsOffice":"2200","declaredValue":"1.00","currency":"USD"}}`,
        token: alphaToken,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      400,
      'INVALID_ARGUMENT',
      sha,
    );
  });

  it('refuses an unknown field: 400 INVALID_ARGUMENT', async () => {
    const b = body({ status: 'RELEASED' });
    await restRefused(
      { path: '/documents', body: b, token: alphaToken },
      400,
      'INVALID_ARGUMENT',
      String(b.sha256),
    );
  });

  it('refuses an upper-case SHA-256: 400 INVALID_ARGUMENT', async () => {
    await restRefused(
      { path: '/documents', body: body({ sha256: 'A'.repeat(64) }), token: alphaToken },
      400,
      'INVALID_ARGUMENT',
    );
  });

  it('refuses a negative duty from a customs officer on a real declaration: 400 INVALID_ARGUMENT, record unchanged', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const dec = declaration(ALPHA);
    await alpha.documents.register(dec, { sha256: newFile().sha256 });
    const before = await alpha.documents.get('CUSTOMS_DECLARATION', dec.docId);
    const customs = await startService('customs');
    try {
      const observer = await clientAs('customs:auditor1');
      const height = await observer.connection.ledgerHeight();

      const res = await call(
        `${customs.url}/api/v1/documents/CUSTOMS_DECLARATION/${dec.docId}/transitions`,
        {
          token: customs.token('customs:officer1'),
          body: { action: 'assessDuty', args: { amount: '-5' } },
        },
      );

      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error.code).to.equal('INVALID_ARGUMENT');
      expect(await observer.connection.ledgerHeight()).to.equal(height);
      expect(await alpha.documents.get('CUSTOMS_DECLARATION', dec.docId)).to.deep.equal(before);
    } finally {
      await customs.close();
    }
  });

  it('refuses a guarantee naming a bank that is not on the network: 400 INVALID_ARGUMENT', async () => {
    const sha = newFile().sha256;
    const now = Date.now();
    await restRefused(
      {
        path: '/guarantees',
        body: {
          docId: uniqueId('TAR'),
          sha256: sha,
          bankMsp: 'BankZMSP',
          customsOffice: '2200',
          amount: '1000',
          validFrom: new Date(now - 3600_000).toISOString(),
          validTo: new Date(now + 86400_000).toISOString(),
        },
        token: alphaToken,
      },
      400,
      'INVALID_ARGUMENT',
      sha,
    );
  });

  it('refuses a verifier registering (wrong role): 403 FORBIDDEN', async () => {
    const b = body({ owner: ALPHA });
    await restRefused(
      { path: '/documents', body: b, token: svc.token('enterprise:verifier') },
      403,
      'FORBIDDEN',
      String(b.sha256),
    );
  });

  it("refuses reading another enterprise's record: 403 FORBIDDEN", async () => {
    const alpha = await clientAs('enterprise:alpha');
    const doc = declaration(ALPHA);
    await alpha.documents.register(doc, { sha256: newFile().sha256 });

    await restRefused(
      { path: `/documents/CUSTOMS_DECLARATION/${doc.docId}`, token: svc.token('enterprise:beta') },
      403,
      'FORBIDDEN',
    );
  });

  it('refuses a path-traversal fingerprint on verify: 400 INVALID_ARGUMENT', async () => {
    await restRefused(
      { path: '/verify/..%2F..%2Fetc%2Fpasswd', token: alphaToken },
      400,
      'INVALID_ARGUMENT',
    );
  });

  it('refuses an Idempotency-Key replayed with another body, keeping the first transaction only', async () => {
    const first = body();
    const headers = { 'idempotency-key': uniqueId('replay') };
    const created = await call(url('/documents'), { token: alphaToken, body: first, headers });
    const replay = body();

    await restRefused(
      { path: '/documents', body: replay, token: alphaToken, headers },
      422,
      'IDEMPOTENCY_KEY_REUSED',
      String(replay.sha256),
    );
    const again = await call(url('/documents'), { token: alphaToken, body: first, headers });
    expect(created.status).to.equal(201);
    expect(again.status).to.equal(201);
    expect(again.body.transactionId).to.equal(created.body.transactionId);
  });
});
