import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openDb, Db } from '@swledger/rest/db';
import { IdentityRevokedError, TokenStore } from '@swledger/rest/tokens';

describe('rest/tokens: identities revoked at their CA', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
  });
  afterEach(() => db.close());

  it("revokes every live token of the identity at once, and only that identity's", () => {
    const tokens = new TokenStore(db);
    const a = tokens.create('customs:officer9', 'erp');
    const b = tokens.create('customs:officer9', 'ops');
    const other = tokens.create('customs:officer1', 'erp');
    expect(tokens.revoke(b.id)).to.equal(true);

    const revoked = tokens.revokeIdentity('customs:officer9', 'keycompromise');

    expect(revoked).to.equal(1);
    expect(tokens.authenticate(a.token)).to.equal(undefined);
    expect(tokens.isLive(a.id)).to.equal(false);
    expect(tokens.isRevokedIdentity('customs:officer9')).to.equal(true);
    expect(tokens.authenticate(other.token)?.identity).to.equal('customs:officer1');
    expect(tokens.isRevokedIdentity('customs:officer1')).to.equal(false);
    expect(tokens.revokeIdentity('customs:officer9', 'again')).to.equal(0);
  });

  it('refuses a new token for a revoked identity with IDENTITY_REVOKED, storing nothing', () => {
    const tokens = new TokenStore(db);
    tokens.revokeIdentity('customs:officer9', 'unspecified');

    expect(() => tokens.create('customs:officer9', 'erp'))
      .to.throw(IdentityRevokedError)
      .with.property('code', 'IDENTITY_REVOKED');
    expect(tokens.list('customs:officer9')).to.deep.equal([]);
  });

  it('refuses a token row of a revoked identity even if it was never marked revoked', () => {
    const tokens = new TokenStore(db);
    const t = tokens.create('customs:officer9', 'erp');
    db.prepare(
      'INSERT INTO revoked_identities (identity, revoked_at, reason) VALUES (?, ?, ?)',
    ).run('customs:officer9', new Date().toISOString(), 'by hand');

    expect(tokens.authenticate(t.token)).to.equal(undefined);
    expect(tokens.isLive(t.id)).to.equal(false);
  });

  it('migrates a database made before revoked identities existed, keeping its tokens', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'swl-revoked-')), 'old.sqlite');
    const old = openDb(file);
    new TokenStore(old).create('customs:officer9', 'erp');
    old.exec('DROP TABLE revoked_identities');
    old.pragma('user_version = 1');
    old.close();

    const reopened = openDb(file);
    const tokens = new TokenStore(reopened);
    const revoked = tokens.revokeIdentity('customs:officer9', 'unspecified');
    reopened.close();
    rmSync(dirname(file), { recursive: true, force: true });

    expect(revoked).to.equal(1);
  });
});
