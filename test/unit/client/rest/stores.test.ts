import { expect } from 'chai';
import { openDb, Db } from '../../../../client/src/rest/db';
import { IdempotencyStore } from '../../../../client/src/rest/idempotency';
import { TokenStore } from '../../../../client/src/rest/tokens';

describe('rest/tokens and rest/idempotency (SQLite)', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
  });
  afterEach(() => db.close());

  it('stores only the SHA-256 of a token, authenticates it, and refuses it once revoked', () => {
    const tokens = new TokenStore(db);

    const t = tokens.create('enterprise:alpha', 'erp');

    expect(t.token).to.match(/^swl_[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(db.prepare('SELECT * FROM tokens').all());
    expect(stored).not.to.include(t.token);
    expect(stored).not.to.include(t.token.slice(4));
    expect(tokens.authenticate(t.token)?.identity).to.equal('enterprise:alpha');
    expect(tokens.authenticate(t.token.slice(0, -1) + 'x')).to.equal(undefined);
    expect(tokens.revoke(t.id)).to.equal(true);
    expect(tokens.revoke(t.id)).to.equal(false);
    expect(tokens.authenticate(t.token)).to.equal(undefined);
    expect(tokens.list()[0]?.revokedAt).to.be.a('string');
  });

  it('claims a key once, keeps the prepared transaction id, replays the stored response', () => {
    const store = new IdempotencyStore(db);
    const request = { op: 'document.register', docId: 'A', facts: { b: '1', a: '2' } };

    const first = store.begin('tok', 'k1', request);
    store.prepared('tok', 'k1', 'tx-1');
    const pending = store.begin('tok', 'k1', {
      facts: { a: '2', b: '1' },
      docId: 'A',
      op: 'document.register',
    });
    store.complete('tok', 'k1', { status: 201, body: { transactionId: 'tx-1' } });
    const done = store.begin('tok', 'k1', request);
    const other = store.begin('tok', 'k1', { ...request, docId: 'B' });
    const otherToken = store.begin('tok2', 'k1', request);

    expect(first.kind).to.equal('new');
    expect(pending).to.include({ kind: 'pending', txId: 'tx-1' });
    expect(done).to.deep.equal({
      kind: 'done',
      response: { status: 201, body: { transactionId: 'tx-1' } },
    });
    expect(other.kind).to.equal('mismatch');
    expect(otherToken.kind).to.equal('new');
  });
});
