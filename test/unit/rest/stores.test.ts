import { expect } from 'chai';
import { openDb, Db } from '@swledger/rest/db';
import { IdempotencyStore } from '@swledger/rest/idempotency';
import { TokenStore } from '@swledger/rest/tokens';

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

  it('tells a long-lived request whether its token is still live', () => {
    const tokens = new TokenStore(db);
    const t = tokens.create('enterprise:alpha', 'stream');

    const before = tokens.isLive(t.id);
    tokens.revoke(t.id);

    expect([before, tokens.isLive(t.id), tokens.isLive('no-such-id')]).to.deep.equal([
      true,
      false,
      false,
    ]);
  });

  it('records last use at most once a minute per token', () => {
    const tokens = new TokenStore(db);
    const t = tokens.create('enterprise:alpha', 'busy');
    const lastUsed = () =>
      (
        db.prepare('SELECT last_used_at FROM tokens WHERE id = ?').get(t.id) as {
          last_used_at: string | null;
        }
      ).last_used_at;
    const setLastUsed = (agoMs: number) => {
      const at = new Date(Date.now() - agoMs).toISOString();
      db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(at, t.id);
      return at;
    };

    tokens.authenticate(t.token);
    const first = lastUsed();
    const recent = setLastUsed(30_000);
    tokens.authenticate(t.token);
    const keptRecent = lastUsed();
    const old = setLastUsed(90_000);
    tokens.authenticate(t.token);

    expect(first).to.be.a('string');
    expect(keptRecent).to.equal(recent);
    expect(Date.parse(lastUsed()!)).to.be.greaterThan(Date.parse(old) + 60_000);
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
