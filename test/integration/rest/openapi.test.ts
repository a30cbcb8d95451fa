import { expect } from 'chai';
import { Validator } from '@seriousme/openapi-schema-validator';
import { call, startService, TestService } from './harness';

/** A valid value for each path parameter, so a request reaches its route. */
const SAMPLE: Readonly<Record<string, string>> = {
  type: 'CONTRACT',
  docId: 'DOC-1',
  sha256: 'a'.repeat(64),
  financingId: 'F-1',
  drawId: 'D-1',
};

describe('OpenAPI document', function () {
  this.timeout(60_000);
  let svc: TestService;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON document
  let doc: any;

  before(async () => {
    // Every operation is called anonymously from one address: more than the default burst.
    svc = await startService('banka', { rateBurst: 200 });
    doc = (await call(`${svc.url}/api/v1/openapi.json`)).body;
  });
  after(() => svc?.close());

  it('validates as an OpenAPI 3 document', async () => {
    const validator = new Validator();

    const res = await validator.validate(doc);

    expect(res.errors ?? [], JSON.stringify(res.errors, null, 2)).to.deep.equal([]);
    expect(res.valid).to.equal(true);
    expect(doc.openapi).to.match(/^3\./);
  });

  it('lists every operation of every router, each with its error responses', () => {
    const listed = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths as Record<string, object>))
      for (const method of Object.keys(methods)) listed.add(`${method} ${path}`);

    for (const op of svc.server.operations) {
      expect(listed.has(`${op.method} ${op.fullPath}`), `${op.method} ${op.fullPath}`).to.equal(
        true,
      );
      const responses = doc.paths[op.fullPath][op.method].responses;
      for (const status of op.errors) expect(responses).to.have.property(String(status));
    }
    expect(svc.server.operations.length).to.be.greaterThanOrEqual(15);
  });

  it('every documented path is served (no 404 for an unknown endpoint)', async () => {
    for (const [path, methods] of Object.entries(doc.paths as Record<string, object>)) {
      for (const method of Object.keys(methods)) {
        const url = svc.url + path.replace(/\{(\w+)\}/g, (_m, name: string) => SAMPLE[name] ?? 'x');
        const ctrl = new AbortController();
        const res = await fetch(url, {
          method: method.toUpperCase(),
          signal: ctrl.signal,
          headers: { 'content-type': 'application/json' },
          body: method === 'get' ? undefined : '{}',
        });
        const text = res.headers.get('content-type')?.includes('json') ? await res.text() : '';
        ctrl.abort();
        expect(text, `${method} ${path}`).not.to.include('no such endpoint');
        expect(res.status, `${method} ${path}`).to.be.oneOf([200, 400, 401, 404, 503]);
      }
    }
  });

  it('renders the document as a self-contained docs page', async () => {
    const res = await call(`${svc.url}/api/v1/docs`);

    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/html/);
    for (const op of svc.server.operations) expect(res.body).to.include(op.fullPath);
    expect(res.body).not.to.match(/<script|https?:\/\/(?!localhost)/);
  });
});
