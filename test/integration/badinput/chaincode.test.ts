import { expect } from 'chai';
import { SwlClient } from '@swledger/sdk';
import { clientAs } from '../harness';
import { ALPHA, BETA, declaration, invoice, newFile, sleep, uniqueId } from '../fixtures';
import { refusedUnchanged } from './support';

type Json = Record<string, unknown>;

/** A well-formed declaration registration as a plain object, to be spoiled by one case. */
function goodDeclaration(): Json {
  return { ...declaration(ALPHA), sha256: newFile().sha256 };
}

function goodInvoice(): Json {
  return { ...invoice(ALPHA), sha256: newFile().sha256 };
}

/** Submits `document:register` with a raw JSON argument, bypassing the SDK's types. */
function registerRaw(client: SwlClient, json: string) {
  return client.connection.submit('document', 'register', [json], { retries: 0 });
}

function withFacts(doc: Json, facts: Json): Json {
  return { ...doc, facts: { ...(doc.facts as Json), ...facts } };
}

/** Hostile registrations: [what, the document (or raw JSON), expected code]. */
const REGISTRATIONS: [string, () => Json | string, string][] = [
  [
    'an upper-case SHA-256',
    () => ({ ...goodDeclaration(), sha256: 'AB'.repeat(32) }),
    'INVALID_ARGUMENT',
  ],
  [
    'a 63-character SHA-256',
    () => ({ ...goodDeclaration(), sha256: 'a'.repeat(63) }),
    'INVALID_ARGUMENT',
  ],
  [
    'a non-hex SHA-256',
    () => ({ ...goodDeclaration(), sha256: 'g'.repeat(64) }),
    'INVALID_ARGUMENT',
  ],
  [
    'a SHA-256 given as base64',
    () => ({ ...goodDeclaration(), sha256: Buffer.alloc(32, 1).toString('base64') }),
    'INVALID_ARGUMENT',
  ],
  [
    'an unknown document type',
    () => ({ ...goodDeclaration(), type: 'BILL_OF_LADING' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a lower-case document type',
    () => ({ ...goodDeclaration(), type: 'customs_declaration' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a negative invoice amount',
    () => withFacts(goodInvoice(), { amount: '-100.00' }),
    'INVALID_ARGUMENT',
  ],
  [
    'an amount with three decimals',
    () => withFacts(goodInvoice(), { amount: '10.001' }),
    'INVALID_ARGUMENT',
  ],
  [
    'an amount in exponent notation',
    () => withFacts(goodInvoice(), { amount: '1e5' }),
    'INVALID_ARGUMENT',
  ],
  [
    'an amount given as a JSON number',
    () => withFacts(goodInvoice(), { amount: 1000 }),
    'INVALID_ARGUMENT',
  ],
  [
    'an amount with a thousands separator',
    () => withFacts(goodInvoice(), { amount: '1,000.00' }),
    'INVALID_ARGUMENT',
  ],
  ['an unknown currency', () => withFacts(goodInvoice(), { currency: 'XXX' }), 'INVALID_ARGUMENT'],
  [
    'a declared value of NaN',
    () => withFacts(goodDeclaration(), { declaredValue: 'NaN' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a customs office with a letter',
    () => withFacts(goodDeclaration(), { customsOffice: '22A0' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a Windows path as docId',
    () => ({ ...goodDeclaration(), docId: '..\\..\\windows\\system32' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a docId holding the composite-key separator U+0000',
    () => ({ ...goodDeclaration(), docId: 'DEC\u0000state' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a unicode docId',
    () => ({ ...goodDeclaration(), docId: 'DÉC-报关单-001' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a docId with a right-to-left override',
    () => ({ ...goodDeclaration(), docId: 'DEC-\u202E100' }),
    'INVALID_ARGUMENT',
  ],
  ['an empty docId', () => ({ ...goodDeclaration(), docId: '' }), 'INVALID_ARGUMENT'],
  [
    'a 65-character docId',
    () => ({ ...goodDeclaration(), docId: 'D'.repeat(65) }),
    'INVALID_ARGUMENT',
  ],
  [
    'a "__proto__" key among the facts',
    () =>
      `{"docId":"${uniqueId('DEC')}","facts":{"__proto__":{"admin":true},"currency":"USD","customsOffice":"2200","declaredValue":"1.00","direction":"EXPORT"},"owner":"${ALPHA}","sha256":"${newFile().sha256}","type":"CUSTOMS_DECLARATION"}`,
    'INVALID_ARGUMENT',
  ],
  [
    'a top-level "__proto__" key',
    () =>
      `{"__proto__":{"owner":"${BETA}"},"docId":"${uniqueId('DEC')}","facts":{"currency":"USD","customsOffice":"2200","declaredValue":"1.00","direction":"EXPORT"},"owner":"${ALPHA}","sha256":"${newFile().sha256}","type":"CUSTOMS_DECLARATION"}`,
    'INVALID_ARGUMENT',
  ],
  [
    'a "constructor" key',
    () => ({ ...goodDeclaration(), constructor: { prototype: { polluted: true } } }),
    'INVALID_ARGUMENT',
  ],
  [
    'a "prototype" fact',
    () => withFacts(goodDeclaration(), { prototype: 'x' }),
    'INVALID_ARGUMENT',
  ],
  [
    'an unknown top-level field',
    () => ({ ...goodDeclaration(), status: 'RELEASED' }),
    'INVALID_ARGUMENT',
  ],
  ['an unknown fact', () => withFacts(goodDeclaration(), { discount: '10' }), 'INVALID_ARGUMENT'],
  [
    'a missing fact',
    () => ({ ...goodDeclaration(), facts: { direction: 'EXPORT' } }),
    'INVALID_ARGUMENT',
  ],
  [
    'a 10 000-character fact (oversized metadata)',
    () => withFacts(goodDeclaration(), { currency: 'U'.repeat(10_000) }),
    'INVALID_ARGUMENT',
  ],
  [
    'a 1 MiB unknown field (oversized body)',
    () => ({ ...goodDeclaration(), note: 'x'.repeat(1024 * 1024) }),
    'INVALID_ARGUMENT',
  ],
  [
    '21 links',
    () => ({ ...goodDeclaration(), links: Array.from({ length: 21 }, (_, i) => `L-${i}`) }),
    'INVALID_ARGUMENT',
  ],
  [
    'an invoice whose seller is its buyer',
    () => withFacts(goodInvoice(), { buyer: ALPHA }),
    'INVALID_ARGUMENT',
  ],
  [
    'a malformed USCC owner',
    () => ({ ...goodDeclaration(), owner: '91310000MA1K4A7B2I' }),
    'INVALID_ARGUMENT',
  ],
  ['truncated JSON', () => '{"type":"CUSTOMS_DECLARATION","docId":', 'INVALID_ARGUMENT'],
  [
    'a JSON array instead of an object',
    () => `[${JSON.stringify(goodDeclaration())}]`,
    'INVALID_ARGUMENT',
  ],
  ['JSON null', () => 'null', 'INVALID_ARGUMENT'],
  [
    "another enterprise's USCC as owner",
    () => ({ ...goodDeclaration(), owner: BETA }),
    'FORBIDDEN',
  ],
];

describe('bad input: chaincode refuses hostile registrations and writes nothing', function () {
  this.timeout(120_000);

  for (const [what, make, code] of REGISTRATIONS) {
    it(`refuses ${what} with ${code}`, async () => {
      const alpha = await clientAs('enterprise:alpha');
      const doc = make();
      const json = typeof doc === 'string' ? doc : JSON.stringify(doc);
      const sha = typeof doc === 'string' ? /"sha256":"([0-9a-f]{64})"/.exec(doc)?.[1] : doc.sha256;

      await refusedUnchanged(alpha, () => registerRaw(alpha, json), code, sha ? [String(sha)] : []);
    });
  }
});

describe('bad input: chaincode refuses wrong roles, foreign records, replays and expired guarantees', function () {
  this.timeout(180_000);
  const dec = declaration(ALPHA);
  const decFile = newFile();

  before(async () => {
    const alpha = await clientAs('enterprise:alpha');
    await alpha.documents.register(dec, { sha256: decFile.sha256 });
  });

  it('refuses a bank clerk registering a document (wrong role): FORBIDDEN', async () => {
    const clerk = await clientAs('banka:clerk1');
    const file = newFile();

    await refusedUnchanged(
      clerk,
      () => clerk.documents.register(declaration(ALPHA), { sha256: file.sha256 }),
      'FORBIDDEN',
      [file.sha256],
    );
  });

  it('refuses an enterprise accepting its own declaration (customs only): FORBIDDEN', async () => {
    const alpha = await clientAs('enterprise:alpha');

    await refusedUnchanged(
      alpha,
      () =>
        alpha.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept', {}, { retries: 0 }),
      'FORBIDDEN',
    );
    expect((await alpha.documents.get('CUSTOMS_DECLARATION', dec.docId)).status).to.equal(
      'SUBMITTED',
    );
  });

  it('refuses a verifier or an auditor writing the system:noop baseline (no writing role): FORBIDDEN', async () => {
    const officer = await clientAs('customs:officer1');
    const before = await officer.system.lastNoop();

    for (const reader of ['customs:verifier', 'enterprise:verifier', 'customs:auditor1']) {
      const client = await clientAs(reader);
      const tag = uniqueId(`noop-${reader}`).slice(0, 64);

      await refusedUnchanged(
        officer,
        () => client.connection.submit('system', 'noop', [tag], { retries: 0 }),
        'FORBIDDEN',
      );
    }

    expect(await officer.system.lastNoop()).to.deep.equal(before);
  });

  it('refuses a verifier reading the history (public view only): FORBIDDEN', async () => {
    const verifier = await clientAs('customs:verifier');

    await refusedUnchanged(
      verifier,
      () => verifier.documents.history('CUSTOMS_DECLARATION', dec.docId),
      'FORBIDDEN',
    );
  });

  it("refuses another enterprise reading, listing or moving alpha's records: FORBIDDEN", async () => {
    const beta = await clientAs('enterprise:beta');

    await refusedUnchanged(
      beta,
      () => beta.documents.get('CUSTOMS_DECLARATION', dec.docId),
      'FORBIDDEN',
    );
    await refusedUnchanged(
      beta,
      () => beta.documents.history('CUSTOMS_DECLARATION', dec.docId),
      'FORBIDDEN',
    );
    await refusedUnchanged(beta, () => beta.documents.list(ALPHA), 'FORBIDDEN');
    const seen = await beta.documents.getByHash(decFile.sha256);
    expect(seen.access).to.equal('public');
  });

  it('refuses a replayed registration (same type and docId): ALREADY_EXISTS', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const again = newFile();

    await refusedUnchanged(
      alpha,
      () => alpha.documents.register(dec, { sha256: again.sha256 }),
      'ALREADY_EXISTS',
      [again.sha256],
    );
  });

  it('refuses the same file under another docId: DUPLICATE_HASH', async () => {
    const alpha = await clientAs('enterprise:alpha');

    const err = await refusedUnchanged(
      alpha,
      () => alpha.documents.register(declaration(ALPHA), { sha256: decFile.sha256 }),
      'DUPLICATE_HASH',
    );
    expect(err.message).to.include(dec.docId);
  });

  it('refuses a replayed move (accept twice): INVALID_TRANSITION', async () => {
    const officer = await clientAs('customs:officer1');
    const d = declaration(ALPHA);
    await (await clientAs('enterprise:alpha')).documents.register(d, { sha256: newFile().sha256 });
    await officer.documents.transition('CUSTOMS_DECLARATION', d.docId, 'accept');
    const history = await officer.documents.history('CUSTOMS_DECLARATION', d.docId);

    await refusedUnchanged(
      officer,
      () =>
        officer.documents.transition('CUSTOMS_DECLARATION', d.docId, 'accept', {}, { retries: 0 }),
      'INVALID_TRANSITION',
    );
    expect(await officer.documents.history('CUSTOMS_DECLARATION', d.docId)).to.deep.equal(history);
  });

  it('refuses an unknown action and a "__proto__" key in its arguments: INVALID_ARGUMENT', async () => {
    const officer = await clientAs('customs:officer1');
    const move = (action: string, args: string) => () =>
      officer.connection.submit(
        'document',
        'transition',
        ['CUSTOMS_DECLARATION', dec.docId, action, args],
        { retries: 0 },
      );

    await refusedUnchanged(officer, move('approveEverything', '{}'), 'INVALID_ARGUMENT');
    await refusedUnchanged(
      officer,
      move('assessDuty', '{"amount":"10.00","__proto__":{"x":1}}'),
      'INVALID_ARGUMENT',
    );
    await refusedUnchanged(officer, move('assessDuty', '{"amount":"-10.00"}'), 'INVALID_ARGUMENT');
  });

  it('refuses a malformed SHA-256 lookup (INVALID_ARGUMENT) and an unknown one (NOT_FOUND)', async () => {
    const verifier = await clientAs('banka:verifier');

    await refusedUnchanged(
      verifier,
      () => verifier.documents.getByHash('../../etc/passwd'),
      'INVALID_ARGUMENT',
    );
    await refusedUnchanged(
      verifier,
      () => verifier.documents.getByHash(newFile().sha256),
      'NOT_FOUND',
    );
  });

  it('refuses a batch with a repeated hash as a whole (DUPLICATE_HASH), an empty batch and 501 entries (INVALID_ARGUMENT)', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const f = newFile();
    const first = { ...declaration(ALPHA), sha256: f.sha256 };
    const repeated = [
      first,
      { ...declaration(ALPHA), sha256: newFile().sha256 },
      { ...declaration(ALPHA), sha256: f.sha256 },
    ];
    const tooMany = Array.from({ length: 501 }, () => ({
      ...declaration(ALPHA),
      sha256: newFile().sha256,
    }));

    const err = await refusedUnchanged(
      alpha,
      () => alpha.documents.registerBatch(repeated, { retries: 0 }),
      'DUPLICATE_HASH',
      repeated.map((r) => r.sha256),
    );
    await refusedUnchanged(
      alpha,
      () => alpha.documents.registerBatch([], { retries: 0 }),
      'INVALID_ARGUMENT',
    );
    await refusedUnchanged(
      alpha,
      () => alpha.documents.registerBatch(tooMany, { retries: 0 }),
      'INVALID_ARGUMENT',
      [tooMany[0]!.sha256],
    );
    expect(err.message).to.match(/entry 2/);
  });

  it('refuses financing a negative amount (INVALID_ARGUMENT) and more than the invoice (ALREADY_FINANCED)', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerk = await clientAs('banka:clerk1');
    const inv = invoice(ALPHA, '1000.00');
    await alpha.documents.register(inv, { sha256: newFile().sha256 });

    await refusedUnchanged(
      clerk,
      () => clerk.invoices.finance(inv.docId, uniqueId('F'), '-1.00'),
      'INVALID_ARGUMENT',
    );
    await refusedUnchanged(
      clerk,
      () => clerk.invoices.finance(inv.docId, uniqueId('F'), '1000.01'),
      'ALREADY_FINANCED',
    );
    expect((await clerk.documents.get('COMMERCIAL_INVOICE', inv.docId)).status).to.equal(
      'REGISTERED',
    );
  });

  it('refuses a guarantee already expired at application (INVALID_ARGUMENT) and issuing one that expired since (EXPIRED)', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerk = await clientAs('banka:clerk1');
    const app = (docId: string, validToMs: number) => ({
      docId,
      applicant: ALPHA,
      bankMsp: 'BankAMSP',
      customsOffice: '2200',
      amount: '1000.00',
      validFrom: new Date(Date.now() - 120_000).toISOString(),
      validTo: new Date(Date.now() + validToMs).toISOString(),
    });
    const stale = newFile('tg');
    await refusedUnchanged(
      alpha,
      () =>
        alpha.guarantees.apply(
          app(uniqueId('TG'), -1000),
          { sha256: stale.sha256 },
          { retries: 0 },
        ),
      'INVALID_ARGUMENT',
      [stale.sha256],
    );
    const shortLived = app(uniqueId('TG'), 6000);
    await alpha.guarantees.apply(shortLived, { sha256: newFile('tg').sha256 });
    await sleep(Math.max(0, Date.parse(shortLived.validTo) - Date.now()) + 1500);
    const before = await clerk.documents.history('TARIFF_GUARANTEE', shortLived.docId);

    await refusedUnchanged(
      clerk,
      () => clerk.guarantees.issue(shortLived.docId, { retries: 0 }),
      'EXPIRED',
    );
    expect(await clerk.documents.history('TARIFF_GUARANTEE', shortLived.docId)).to.deep.equal(
      before,
    );
    expect((await clerk.documents.get('TARIFF_GUARANTEE', shortLived.docId)).status).to.equal(
      'EXPIRED',
    );
  });
});
