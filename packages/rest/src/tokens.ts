import { createHash, randomBytes } from 'node:crypto';
import { Db } from './db';

/** A stored token, without its secret (only the SHA-256 of the token is kept). */
export interface TokenRecord {
  readonly id: string;
  /** Wallet label of the ledger identity the token acts as, e.g. `enterprise:alpha`. */
  readonly identity: string;
  /** What the token is for, chosen by whoever created it. */
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** A newly created token: the only moment its secret exists in clear. */
export interface NewToken extends TokenRecord {
  readonly token: string;
}

interface Row {
  id: string;
  identity: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

const PREFIX = 'swl_';

function hashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toRecord(r: Row): TokenRecord {
  return {
    id: r.id,
    identity: r.identity,
    name: r.name,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

/** A token was asked for an identity revoked at its CA. */
export class IdentityRevokedError extends Error {
  readonly code = 'IDENTITY_REVOKED';
  constructor(readonly identity: string) {
    super(`IDENTITY_REVOKED: ${identity} was revoked; it can have no API token`);
    this.name = IdentityRevokedError.name;
  }
}

/** SQL condition: the token's identity is not revoked. */
const IDENTITY_LIVE =
  'NOT EXISTS (SELECT 1 FROM revoked_identities r WHERE r.identity = tokens.identity)';

/**
 * Bearer API tokens, each bound to one ledger identity; stored only as
 * SHA-256 hashes. An identity revoked at its CA ({@link revokeIdentity})
 * has no live token and gets no new one.
 */
export class TokenStore {
  constructor(private readonly db: Db) {}

  /**
   * Creates a random token for an identity; the returned secret is never stored.
   * @throws IdentityRevokedError when the identity was revoked
   */
  create(identity: string, name: string): NewToken {
    if (this.isRevokedIdentity(identity)) throw new IdentityRevokedError(identity);
    const id = randomBytes(6).toString('hex');
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = new Date().toISOString();
    this.db
      .prepare('INSERT INTO tokens (id, hash, identity, name, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, hashOf(token), identity, name, now);
    return { id, identity, name, createdAt: now, revokedAt: null, lastUsedAt: null, token };
  }

  /** The live (not revoked) token a secret belongs to, or undefined. */
  authenticate(token: string): TokenRecord | undefined {
    if (!token.startsWith(PREFIX) || token.length > 200) return undefined;
    const row = this.db
      .prepare('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL AND ' + IDENTITY_LIVE)
      .get(hashOf(token)) as Row | undefined;
    if (!row) return undefined;
    // Written at most once a minute per token: a busy token must not make every request a write.
    const now = new Date();
    if (row.last_used_at === null || Date.parse(row.last_used_at) < now.getTime() - 60_000)
      this.db
        .prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?')
        .run(now.toISOString(), row.id);
    return toRecord(row);
  }

  /** Whether a token (by id) exists and is not revoked: for long-lived requests to re-check. */
  isLive(id: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM tokens WHERE id = ? AND revoked_at IS NULL AND ' + IDENTITY_LIVE)
        .get(id) !== undefined
    );
  }

  /** Revokes a token by id; false when there is no such live token. */
  revoke(id: string): boolean {
    const res = this.db
      .prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(new Date().toISOString(), id);
    return res.changes === 1;
  }

  /**
   * Marks an identity revoked and revokes every live token of it, at once
   * (a running service answers them 401 from its next request). Returns
   * how many tokens were revoked now; repeating it is harmless.
   */
  revokeIdentity(identity: string, reason: string): number {
    const now = new Date().toISOString();
    return this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO revoked_identities (identity, revoked_at, reason) VALUES (?, ?, ?) ON CONFLICT (identity) DO NOTHING',
        )
        .run(identity, now, reason);
      return this.db
        .prepare('UPDATE tokens SET revoked_at = ? WHERE identity = ? AND revoked_at IS NULL')
        .run(now, identity).changes;
    })();
  }

  /** Whether an identity was revoked ({@link revokeIdentity}). */
  isRevokedIdentity(identity: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM revoked_identities WHERE identity = ?').get(identity) !==
      undefined
    );
  }

  /** Every token (revoked ones too), oldest first, optionally of one identity. */
  list(identity?: string): TokenRecord[] {
    const rows = (
      identity === undefined
        ? this.db.prepare('SELECT * FROM tokens ORDER BY created_at, id').all()
        : this.db
            .prepare('SELECT * FROM tokens WHERE identity = ? ORDER BY created_at, id')
            .all(identity)
    ) as Row[];
    return rows.map(toRecord);
  }
}
