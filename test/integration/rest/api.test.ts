import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { ALPHA, BETA, newFile, sleep, uniqueId } from '../fixtures';
import { call, startService, TestService, unreachableNetwork } from './harness';

const declaration = (docId: string, sha256: string, owner?: string) => ({
  type: 'CUSTOMS_DECLARATION',
  docId,
  sha256,
  ...(owner ? { owner } : {}),
  facts: {
    direction: 'EXPORT',
    customsOffice: '2200',
    declaredValue: '125000.00',
    currency: 'USD',
  },
});

const invoice = (docId: string, sha256: string) => ({
  type: 'COMMERCIAL_INVOICE',
  docId,
  sha256,
  facts: { seller: ALPHA, buyer: BETA, amount: '1000.00', currency: 'USD' },
});

function uploadForm(bytes: Buffer, metadata?: unknown): FormData {
  const fd = new FormData();
  if (metadata !== undefined) fd.append('metadata', JSON.stringify(metadata));
  fd.append('file', new Blob([bytes]), 'document.pdf');
  return fd;
}

describe('REST service on the network', function () {
  this.timeout(120_000);
  let ent: TestService;
  let customs: TestService;
  let banka: TestService;
  let bankb: TestService;
  let alpha: string;
  let beta: string;
  let officer: string;
  let clerkA: string;
  let clerkB: string;

  before(async () => {
    ent = await startService('enterprise');
    customs = await startService('customs');
    banka = await startService('banka');
    bankb = await startService('bankb');
    alpha = ent.token('enterprise:alpha');
    beta = ent.token('enterprise:beta');
    officer = customs.token('customs:officer1');
    clerkA = banka.token('banka:clerk1');
    clerkB = bankb.token('bankb:clerk1');
  });

  after(async () => {
    await Promise.all([ent, customs, banka, bankb].map((s) => s?.close()));
  });

  const register = async (body: unknown, token = alpha, headers: Record<string, string> = {}) =>
    call(`${ent.url}/api/v1/documents`, { token, body, headers });
  const get = (type: string, docId: string, token = alpha) =>
    call(`${ent.url}/api/v1/documents/${type}/${docId}`, { token });
  const history = (type: string, docId: string, token = alpha) =>
    call(`${ent.url}/api/v1/documents/${type}/${docId}/history`, { token });

  describe('documents', () => {
    it('registers with a JSON body carrying the SHA-256, then reads the record and its history', async () => {
      const f = newFile();
      const docId = uniqueId('DEC');

      const res = await register(declaration(docId, f.sha256));

      expect(res.status).to.equal(201);
      expect(res.body.record).to.include({
        docId,
        owner: ALPHA,
        status: 'SUBMITTED',
        sha256: f.sha256,
      });
      expect(res.body.transactionId).to.match(/^[0-9a-f]{64}$/);
      const read = await get('CUSTOMS_DECLARATION', docId);
      expect(read.status).to.equal(200);
      expect(read.body).to.include({ access: 'full', status: 'SUBMITTED' });
      const h = await history('CUSTOMS_DECLARATION', docId);
      expect(h.status).to.equal(200);
      expect(h.body.history).to.have.length(1);
      expect(h.body.history[0].txId).to.equal(res.body.transactionId);
    });

    it('registers an uploaded file by the SHA-256 computed while streaming', async () => {
      const bytes = randomBytes(300_000);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const docId = uniqueId('CON');
      const meta = {
        type: 'CONTRACT',
        docId,
        facts: { seller: ALPHA, buyer: BETA, amount: '5000', currency: 'EUR' },
      };

      const res = await call(`${ent.url}/api/v1/documents/upload`, {
        token: alpha,
        raw: uploadForm(bytes, meta),
        method: 'POST',
      });

      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.record).to.include({ docId, sha256, status: 'REGISTERED' });
    });

    it('lists the owner’s records page by page with a bookmark', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const docId = uniqueId('LST');
        ids.push(docId);
        expect((await register(declaration(docId, newFile().sha256))).status).to.equal(201);
      }

      const first = await call(`${ent.url}/api/v1/documents?type=CUSTOMS_DECLARATION&pageSize=2`, {
        token: alpha,
      });
      expect(first.status).to.equal(200);
      expect(first.body.records).to.have.length(2);
      expect(first.body.bookmark).to.be.a('string').and.not.equal('');
      const second = await call(
        `${ent.url}/api/v1/documents?type=CUSTOMS_DECLARATION&pageSize=2&bookmark=${encodeURIComponent(first.body.bookmark)}`,
        { token: alpha },
      );
      expect(second.status).to.equal(200);
      const firstIds = first.body.records.map((r: { docId: string }) => r.docId);
      for (const r of second.body.records) expect(firstIds).not.to.include(r.docId);

      const seen = new Set<string>();
      let bookmark = '';
      for (let page = 0; page < 50; page++) {
        const res = await call(
          `${ent.url}/api/v1/documents?type=CUSTOMS_DECLARATION&pageSize=100&bookmark=${encodeURIComponent(bookmark)}`,
          { token: alpha },
        );
        for (const r of res.body.records) {
          expect(r.owner).to.equal(ALPHA);
          seen.add(r.docId);
        }
        bookmark = res.body.bookmark;
        if (!bookmark) break;
      }
      for (const id of ids) expect(seen.has(id), id).to.equal(true);
    });

    it('changes a status with the caller’s own identity (customs accepts a declaration)', async () => {
      const docId = uniqueId('DEC');
      expect((await register(declaration(docId, newFile().sha256))).status).to.equal(201);

      const res = await call(
        `${customs.url}/api/v1/documents/CUSTOMS_DECLARATION/${docId}/transitions`,
        { token: officer, body: { action: 'accept' } },
      );

      expect(res.status).to.equal(200);
      expect(res.body.record.status).to.equal('ACCEPTED');
      const h = await history('CUSTOMS_DECLARATION', docId);
      expect(h.body.history[0].by).to.include({ msp: 'CustomsMSP', role: 'officer' });
    });
  });

  describe('Idempotency-Key', () => {
    it('a retried registration returns the first result and makes no second transaction', async () => {
      const docId = uniqueId('IDM');
      const body = declaration(docId, newFile().sha256);
      const key = `reg-${docId}`;

      const first = await register(body, alpha, { 'idempotency-key': key });
      const retry = await register(body, alpha, { 'idempotency-key': key });

      expect(first.status).to.equal(201);
      expect(retry.status).to.equal(201);
      expect(retry.body.transactionId).to.equal(first.body.transactionId);
      expect(retry.headers.get('idempotent-replayed')).to.equal('true');
      expect((await history('CUSTOMS_DECLARATION', docId)).body.history).to.have.length(1);
    });

    it('concurrent attempts with one key make one transaction', async () => {
      const docId = uniqueId('IDC');
      const body = declaration(docId, newFile().sha256);

      const [a, b] = await Promise.all([
        register(body, alpha, { 'idempotency-key': `c-${docId}` }),
        register(body, alpha, { 'idempotency-key': `c-${docId}` }),
      ]);

      expect([a.status, b.status]).to.deep.equal([201, 201]);
      expect(a.body.transactionId).to.equal(b.body.transactionId);
      expect((await history('CUSTOMS_DECLARATION', docId)).body.history).to.have.length(1);
    });

    it('a retried status change returns the first result', async () => {
      const docId = uniqueId('IDT');
      expect((await register(declaration(docId, newFile().sha256))).status).to.equal(201);
      const url = `${customs.url}/api/v1/documents/CUSTOMS_DECLARATION/${docId}/transitions`;
      const headers = { 'idempotency-key': `t-${docId}` };

      const first = await call(url, { token: officer, body: { action: 'accept' }, headers });
      const retry = await call(url, { token: officer, body: { action: 'accept' }, headers });

      expect(first.status).to.equal(200);
      expect(retry.status).to.equal(200);
      expect(retry.body.transactionId).to.equal(first.body.transactionId);
      expect((await history('CUSTOMS_DECLARATION', docId)).body.history).to.have.length(2);
    });

    it('the same key with another request is 422 IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
      const docId = uniqueId('IDR');
      const key = `r-${docId}`;
      expect(
        (await register(declaration(docId, newFile().sha256), alpha, { 'idempotency-key': key }))
          .status,
      ).to.equal(201);
      const other = uniqueId('IDR');

      const res = await register(declaration(other, newFile().sha256), alpha, {
        'idempotency-key': key,
      });

      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect((await get('CUSTOMS_DECLARATION', other)).status).to.equal(404);
    });
  });

  describe('verification', () => {
    it('without a token returns the public view only (the organisation’s verifier)', async () => {
      const f = newFile();
      const docId = uniqueId('VER');
      expect((await register(declaration(docId, f.sha256))).status).to.equal(201);

      const res = await call(`${customs.url}/api/v1/verify/${f.sha256}`);

      expect(res.status).to.equal(200);
      expect(res.body.verdict).to.equal('VALID');
      expect(res.body.access).to.equal('public');
      expect(res.body.record).to.include({ docId, issuerMsp: 'EnterpriseMSP', access: 'public' });
      // The public view names the enterprise (SPEC §4) but holds no facts or history.
      expect(res.body.record.owner).to.equal(res.body.issuer.owner);
      expect(res.body.record).not.to.have.any.keys('facts', 'history');
      expect(res.body).not.to.have.property('history');
      expect(res.body.issuer.blockNumber).to.match(/^\d+$/);
      expect(res.body.provenance.result).to.equal('VALID');
      expect(res.body.provenance.transactions[0].fn).to.equal('document:register');
    });

    it('with the owner’s token returns the full view and history', async () => {
      const f = newFile();
      expect((await register(declaration(uniqueId('VER'), f.sha256))).status).to.equal(201);

      const res = await call(`${ent.url}/api/v1/verify/${f.sha256}`, { token: alpha });

      expect(res.body.access).to.equal('full');
      expect(res.body.history).to.have.length(1);
    });

    it('an uploaded copy with one byte changed is not valid; the original is', async () => {
      const bytes = randomBytes(5000);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      expect((await register(declaration(uniqueId('VUP'), sha256))).status).to.equal(201);
      const tampered = Buffer.from(bytes);
      tampered[1234] = tampered[1234]! ^ 1;

      const good = await call(`${banka.url}/api/v1/verify`, {
        method: 'POST',
        raw: uploadForm(bytes),
      });
      const bad = await call(`${banka.url}/api/v1/verify`, {
        method: 'POST',
        raw: uploadForm(tampered),
      });

      expect(good.status).to.equal(200);
      expect(good.body.verdict).to.equal('VALID');
      expect(bad.status).to.equal(200);
      expect(bad.body.verdict).to.equal('INVALID');
      expect(bad.body.integrity.result).to.equal('INVALID');
    });

    it('a rejected declaration is on the ledger but not usable', async () => {
      const f = newFile();
      const docId = uniqueId('REJ');
      expect((await register(declaration(docId, f.sha256))).status).to.equal(201);
      expect(
        (
          await call(`${customs.url}/api/v1/documents/CUSTOMS_DECLARATION/${docId}/transitions`, {
            token: officer,
            body: { action: 'reject' },
          })
        ).status,
      ).to.equal(200);

      const res = await call(`${ent.url}/api/v1/verify/${f.sha256}`);

      expect(res.body.integrity.result).to.equal('VALID');
      expect(res.body.status.result).to.equal('INVALID');
      expect(res.body.record.status).to.equal('REJECTED');
    });
  });

  describe('invoices', () => {
    it('banks finance an invoice up to its amount and settle their own financing', async () => {
      const docId = uniqueId('INV');
      expect((await register(invoice(docId, newFile().sha256))).status).to.equal(201);

      const a = await call(`${banka.url}/api/v1/invoices/${docId}/financings`, {
        token: clerkA,
        body: { financingId: 'F-A', amount: '600' },
      });
      const b = await call(`${bankb.url}/api/v1/invoices/${docId}/financings`, {
        token: clerkB,
        body: { financingId: 'F-B', amount: '500' },
      });
      const settleByB = await call(
        `${bankb.url}/api/v1/invoices/${docId}/financings/F-A/settlement`,
        {
          token: clerkB,
          body: {},
        },
      );
      const settle = await call(`${banka.url}/api/v1/invoices/${docId}/financings/F-A/settlement`, {
        token: clerkA,
        body: {},
      });

      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      expect(a.body.result.invoice.status).to.equal('FINANCED');
      expect(b.status).to.equal(409);
      expect(b.body.error.code).to.equal('ALREADY_FINANCED');
      expect(settleByB.status).to.equal(403);
      expect(settle.status).to.equal(200);
      expect(settle.body.result.invoice.status).to.equal('SETTLED');
    });
  });

  describe('guarantees', () => {
    it('apply, issue, accept, draw for a declaration’s duty, settle the draw, release', async () => {
      const g = uniqueId('TAR');
      const dec = uniqueId('DEC');
      const now = Date.now();
      const apply = await call(`${ent.url}/api/v1/guarantees`, {
        token: alpha,
        body: {
          docId: g,
          sha256: newFile().sha256,
          bankMsp: 'BankAMSP',
          customsOffice: '2200',
          amount: '50000',
          validFrom: new Date(now - 3600_000).toISOString(),
          validTo: new Date(now + 30 * 86400_000).toISOString(),
        },
      });
      expect(apply.status, JSON.stringify(apply.body)).to.equal(201);
      expect(apply.body.record.status).to.equal('APPLIED');
      const move = (svc: TestService, token: string, action: string) =>
        call(`${svc.url}/api/v1/guarantees/${g}/transitions`, { token, body: { action } });

      expect((await move(banka, clerkA, 'issue')).body.record.status).to.equal('ISSUED');
      expect((await move(customs, officer, 'accept')).body.record.status).to.equal('ACTIVE');
      expect((await register(declaration(dec, newFile().sha256))).status).to.equal(201);
      // Registered through the enterprise's service: wait until the Customs peer has its block.
      for (let tries = 0; tries < 40; tries++) {
        const seen = await call(`${customs.url}/api/v1/documents/CUSTOMS_DECLARATION/${dec}`, {
          token: officer,
        });
        if (seen.status === 200) break;
        await sleep(250);
      }
      const assess = await call(
        `${customs.url}/api/v1/documents/CUSTOMS_DECLARATION/${dec}/transitions`,
        {
          token: officer,
          body: { action: 'assessDuty', args: { amount: '300' } },
        },
      );
      expect(assess.status, JSON.stringify(assess.body)).to.equal(200);
      const draw = await call(`${customs.url}/api/v1/guarantees/${g}/draws`, {
        token: officer,
        body: { drawId: 'D1', declarationDocId: dec, amount: '300.00' },
      });
      expect(draw.status, JSON.stringify(draw.body)).to.equal(201);
      expect(draw.body.result.guarantee.state.balance).to.equal('49700.00');
      const twice = await call(`${customs.url}/api/v1/guarantees/${g}/draws`, {
        token: officer,
        body: { drawId: 'D2', declarationDocId: dec, amount: '300.00' },
      });
      expect([twice.status, twice.body.error.code]).to.deep.equal([422, 'INVALID_TRANSITION']);
      const big = uniqueId('DEC');
      expect((await register(declaration(big, newFile().sha256))).status).to.equal(201);
      const assessBig = await call(
        `${customs.url}/api/v1/documents/CUSTOMS_DECLARATION/${big}/transitions`,
        { token: officer, body: { action: 'assessDuty', args: { amount: '60000' } } },
      );
      expect(assessBig.status, JSON.stringify(assessBig.body)).to.equal(200);
      const tooMuch = await call(`${customs.url}/api/v1/guarantees/${g}/draws`, {
        token: officer,
        body: { drawId: 'D3', declarationDocId: big, amount: '60000.00' },
      });
      expect([tooMuch.status, tooMuch.body.error.code]).to.deep.equal([
        422,
        'INSUFFICIENT_BALANCE',
      ]);
      expect(tooMuch.body.error.message).to.include('49700.00 CNY left');
      const unchanged = await call(`${customs.url}/api/v1/documents/TARIFF_GUARANTEE/${g}`, {
        token: officer,
      });
      expect(unchanged.body.state).to.deep.include({ balance: '49700.00', openDraws: 1 });
      const settle = await call(`${customs.url}/api/v1/guarantees/${g}/draws/D1/settlement`, {
        token: officer,
        body: {},
      });
      expect(settle.status).to.equal(200);
      expect(settle.body.result.guarantee.state.balance).to.equal('50000.00');
      const release = await move(customs, officer, 'release');
      expect(release.status).to.equal(200);
      expect(release.body.record.status).to.equal('RELEASED');
    });

    it('only enterprise users apply (403 for a bank clerk)', async () => {
      const res = await call(`${banka.url}/api/v1/guarantees`, {
        token: clerkA,
        body: {
          docId: uniqueId('TAR'),
          sha256: newFile().sha256,
          bankMsp: 'BankAMSP',
          customsOffice: '2200',
          amount: '1000',
          validFrom: '2020-01-01T00:00:00Z',
          validTo: '2099-01-01T00:00:00Z',
        },
      });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN');
    });
  });

  describe('events', () => {
    it('streams the caller’s own changes as server-sent events, not another enterprise’s', async () => {
      const ctrl = new AbortController();
      const res = await fetch(`${ent.url}/api/v1/events`, {
        headers: { authorization: `Bearer ${alpha}` },
        signal: ctrl.signal,
      });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
      const reader = res.body!.getReader();
      const betaDoc = uniqueId('EVB');
      const alphaDoc = uniqueId('EVA');
      await new Promise((r) => setTimeout(r, 500));
      expect((await register(declaration(betaDoc, newFile().sha256), beta)).status).to.equal(201);
      expect((await register(declaration(alphaDoc, newFile().sha256), alpha)).status).to.equal(201);

      let text = '';
      const deadline = Date.now() + 30_000;
      while (!text.includes(alphaDoc) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      ctrl.abort();

      expect(text).to.include(alphaDoc);
      expect(text).not.to.include(betaDoc);
      const event = text.split('\n\n').find((e) => e.includes(alphaDoc))!;
      expect(event).to.match(/^id: \d+:[0-9a-f]{64}:0$/m);
      expect(event).to.include('event: change');
      const data = JSON.parse(/^data: (.*)$/m.exec(event)![1]!);
      expect(data).to.include({
        docId: alphaDoc,
        owner: ALPHA,
        newStatus: 'SUBMITTED',
        action: 'register',
      });
    });
  });

  describe('events: who may follow, and revocation', () => {
    it('403 FORBIDDEN for identities the chaincode would not give a full read: the org admin and a verifier', async () => {
      for (const identity of ['enterprise:admin', 'enterprise:verifier']) {
        const res = await call(`${ent.url}/api/v1/events`, { token: ent.token(identity) });

        expect([res.status, res.body.error.code], identity).to.deep.equal([403, 'FORBIDDEN']);
      }
    });

    it('ends an open stream with a "revoked" event once its token is revoked', async () => {
      const svc = await startService('enterprise', { heartbeatMs: 300 });
      try {
        const t = svc.server.tokens.create('enterprise:alpha', 'stream to revoke');
        const res = await fetch(`${svc.url}/api/v1/events`, {
          headers: { authorization: `Bearer ${t.token}` },
        });
        expect(res.status).to.equal(200);
        const reader = res.body!.getReader();
        expect(new TextDecoder().decode((await reader.read()).value)).to.include('connected');

        svc.server.tokens.revoke(t.id);
        let text = '';
        const deadline = Date.now() + 20_000;
        for (;;) {
          const { value, done } = await reader.read();
          if (done || Date.now() > deadline) break;
          text += new TextDecoder().decode(value);
        }

        expect(text).to.include('event: revoked');
        expect(text).to.include('"code":"UNAUTHENTICATED"');
      } finally {
        await svc.close();
      }
    });
  });

  describe('errors', () => {
    it('400 INVALID_ARGUMENT for a body that fails the schema; nothing registered', async () => {
      const docId = uniqueId('BAD');

      const res = await register({ ...declaration(docId, 'not-a-hash') });

      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({
        error: { code: 'INVALID_ARGUMENT', message: 'body.sha256: 64 lowercase hex characters' },
      });
      expect((await get('CUSTOMS_DECLARATION', docId)).status).to.equal(404);
    });

    it('400 for an out-of-range query parameter and a bad path parameter', async () => {
      const q = await call(`${ent.url}/api/v1/documents?pageSize=500`, { token: alpha });
      const p = await call(`${ent.url}/api/v1/verify/XYZ`);

      expect(q.status).to.equal(400);
      expect(q.body.error.code).to.equal('INVALID_ARGUMENT');
      expect(p.status).to.equal(400);
    });

    it('401 without a token where one is needed, and for a revoked token', async () => {
      const t = ent.server.tokens.create('enterprise:alpha', 'to revoke');
      expect((await call(`${ent.url}/api/v1/me`, { token: t.token })).status).to.equal(200);
      ent.server.tokens.revoke(t.id);
      const docId = uniqueId('REV');

      const none = await call(`${ent.url}/api/v1/documents`, {
        body: declaration(docId, newFile().sha256),
      });
      const revoked = await register(declaration(docId, newFile().sha256), t.token);

      expect(none.status).to.equal(401);
      expect(none.body.error.code).to.equal('UNAUTHENTICATED');
      expect(revoked.status).to.equal(401);
      expect(revoked.body.error.code).to.equal('UNAUTHENTICATED');
      expect((await get('CUSTOMS_DECLARATION', docId)).status).to.equal(404);
    });

    it('403 when an enterprise token acts on another enterprise’s record; nothing changes', async () => {
      const inv = uniqueId('INV');
      expect((await register(invoice(inv, newFile().sha256))).status).to.equal(201);
      const forged = uniqueId('DEC');

      const registerForAlpha = await register(declaration(forged, newFile().sha256, ALPHA), beta);
      const cancel = await call(
        `${ent.url}/api/v1/documents/COMMERCIAL_INVOICE/${inv}/transitions`,
        {
          token: beta,
          body: { action: 'cancel' },
        },
      );
      const read = await get('COMMERCIAL_INVOICE', inv, beta);
      const list = await call(`${ent.url}/api/v1/documents?owner=${ALPHA}`, { token: beta });

      for (const res of [registerForAlpha, cancel, read, list]) {
        expect(res.status, JSON.stringify(res.body)).to.equal(403);
        expect(res.body.error.code).to.equal('FORBIDDEN');
      }
      expect((await get('CUSTOMS_DECLARATION', forged)).status).to.equal(404);
      const after = await get('COMMERCIAL_INVOICE', inv);
      expect(after.body.status).to.equal('REGISTERED');
      expect((await history('COMMERCIAL_INVOICE', inv)).body.history).to.have.length(1);
    });

    it('404 NOT_FOUND for an unknown record and an unknown endpoint', async () => {
      const rec = await get('CONTRACT', uniqueId('NONE'));
      const route = await call(`${ent.url}/api/v1/nothing-here`, { token: alpha });

      expect(rec.status).to.equal(404);
      expect(rec.body.error.code).to.equal('NOT_FOUND');
      expect(route.status).to.equal(404);
      expect(route.body.error.code).to.equal('NOT_FOUND');
    });

    it('409 DUPLICATE_HASH for a fingerprint registered before', async () => {
      const f = newFile();
      expect((await register(declaration(uniqueId('DUP'), f.sha256))).status).to.equal(201);
      const second = uniqueId('DUP');

      const res = await register(declaration(second, f.sha256));

      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('DUPLICATE_HASH');
      expect((await get('CUSTOMS_DECLARATION', second)).status).to.equal(404);
    });

    it('422 INVALID_TRANSITION for a move the status does not allow; status unchanged', async () => {
      const docId = uniqueId('DEC');
      expect((await register(declaration(docId, newFile().sha256))).status).to.equal(201);

      const res = await call(
        `${customs.url}/api/v1/documents/CUSTOMS_DECLARATION/${docId}/transitions`,
        {
          token: officer,
          body: { action: 'release' },
        },
      );

      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('INVALID_TRANSITION');
      expect((await get('CUSTOMS_DECLARATION', docId)).body.status).to.equal('SUBMITTED');
    });

    it('errors never carry stack traces or raw Fabric messages', async () => {
      const res = await call(
        `${customs.url}/api/v1/documents/CUSTOMS_DECLARATION/${uniqueId('X')}/transitions`,
        {
          token: officer,
          body: { action: 'accept' },
        },
      );

      expect(res.status).to.equal(404);
      expect(Object.keys(res.body)).to.deep.equal(['error']);
      expect(res.body.error.message).not.to.match(/peer=|status=|at .*\.js|Error:/);
    });
  });

  describe('limits', () => {
    it('413 for a JSON body over the limit and an upload over the limit; nothing registered', async () => {
      const small = await startService('enterprise', { maxBodyBytes: 1024, maxUploadBytes: 4096 });
      try {
        const token = small.token('enterprise:alpha');
        const docId = uniqueId('BIG');
        const body = declaration(docId, newFile().sha256);
        (body as { links?: string[] }).links = Array.from(
          { length: 20 },
          (_, i) => `L-${i}-${'x'.repeat(50)}`,
        );

        const json = await call(`${small.url}/api/v1/documents`, { token, body });
        const upload = await call(`${small.url}/api/v1/documents/upload`, {
          token,
          method: 'POST',
          raw: uploadForm(randomBytes(10_000), { ...body, links: undefined }),
        });

        expect(json.status).to.equal(413);
        expect(json.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
        expect(upload.status).to.equal(413);
        expect(upload.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
        expect((await get('CUSTOMS_DECLARATION', docId)).status).to.equal(404);
      } finally {
        await small.close();
      }
    });

    it('429 RATE_LIMITED past the per-token rate, with Retry-After; other tokens unaffected', async () => {
      const limited = await startService('enterprise', { rateBurst: 3, ratePerSecond: 0.05 });
      try {
        const token = limited.token('enterprise:alpha');
        const other = limited.token('enterprise:beta');

        const statuses: number[] = [];
        for (let i = 0; i < 4; i++)
          statuses.push((await call(`${limited.url}/api/v1/me`, { token })).status);
        const last = await call(`${limited.url}/api/v1/me`, { token });
        const otherRes = await call(`${limited.url}/api/v1/me`, { token: other });

        expect(statuses).to.deep.equal([200, 200, 200, 429]);
        expect(last.body.error.code).to.equal('RATE_LIMITED');
        expect(Number(last.headers.get('retry-after'))).to.be.greaterThan(0);
        expect(otherRes.status).to.equal(200);
      } finally {
        await limited.close();
      }
    });

    it('429 for token guessing too: unknown tokens count against the address, valid tokens unaffected', async () => {
      const limited = await startService('enterprise', { rateBurst: 3, ratePerSecond: 0.05 });
      try {
        const valid = limited.token('enterprise:alpha');

        const statuses: number[] = [];
        for (let i = 0; i < 4; i++)
          statuses.push(
            (await call(`${limited.url}/api/v1/me`, { token: `swl_guess${i}` })).status,
          );
        const validRes = await call(`${limited.url}/api/v1/me`, { token: valid });

        expect(statuses).to.deep.equal([401, 401, 401, 429]);
        expect(validRes.status).to.equal(200);
      } finally {
        await limited.close();
      }
    });

    it('503 when the ledger cannot be reached (verify and /readyz)', async () => {
      const gone = unreachableNetwork();
      const svc = await startService('customs', {}, gone.name);
      try {
        const res = await call(`${svc.url}/api/v1/verify/${newFile().sha256}`);
        const ready = await call(`${svc.url}/readyz`);
        const live = await call(`${svc.url}/healthz`);

        expect(res.status).to.equal(503);
        expect(res.body.error.code).to.equal('PEER_UNREACHABLE');
        expect(res.headers.get('retry-after')).to.equal('5');
        expect(ready.status).to.equal(503);
        expect(live.status).to.equal(200);
      } finally {
        await svc.close();
        gone.remove();
      }
    });
  });

  describe('operations', () => {
    it('/healthz, /readyz and Prometheus /metrics with request and ledger submit figures', async () => {
      const health = await call(`${ent.url}/healthz`);
      const ready = await call(`${ent.url}/readyz`);
      const metrics = await call(`${ent.url}/metrics`);

      expect(health.body).to.deep.equal({ status: 'ok' });
      expect(ready.status).to.equal(200);
      expect(ready.body).to.deep.equal({ status: 'ready' });
      expect(metrics.status).to.equal(200);
      expect(metrics.body).to.match(
        /swl_http_requests_total\{method="POST",route="\/api\/v1\/documents\/",status="201"\} \d+/,
      );
      expect(metrics.body).to.match(/swl_http_request_duration_seconds_bucket/);
      expect(metrics.body).to.match(
        /swl_ledger_submit_duration_seconds_count\{function="document.register",outcome="committed"\} \d+/,
      );
    });

    it('serves the verify page and its scripts from its own bundle', async () => {
      const page = await call(`${ent.url}/`);
      const script = await fetch(`${ent.url}/assets/verify.js`);
      const sha = await fetch(`${ent.url}/assets/sha256.js`);

      expect(page.status).to.equal(200);
      expect(page.body).to.include('<script type="module" src="/assets/verify.js">');
      expect(page.body).not.to.match(/https?:\/\//);
      expect(page.headers.get('content-security-policy')).to.include("default-src 'self'");
      expect(script.status).to.equal(200);
      expect(await script.text()).to.include("from './sha256.js'");
      expect(sha.status).to.equal(200);
    });
  });
});
