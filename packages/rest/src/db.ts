import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** The service's embedded database: API tokens, revoked identities and idempotency records. */
export type Db = Database.Database;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE tokens (
     id TEXT PRIMARY KEY,
     hash TEXT NOT NULL UNIQUE,
     identity TEXT NOT NULL,
     name TEXT NOT NULL,
     created_at TEXT NOT NULL,
     revoked_at TEXT,
     last_used_at TEXT
   );
   CREATE TABLE idempotency (
     token_id TEXT NOT NULL,
     key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     request TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
     tx_id TEXT,
     status INTEGER,
     body TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (token_id, key)
   );`,
  // Identities revoked at their CA (`swl user revoke`): their tokens stop working, no new ones.
  `CREATE TABLE revoked_identities (
     identity TEXT PRIMARY KEY,
     revoked_at TEXT NOT NULL,
     reason TEXT NOT NULL
   );`,
];

/**
 * Opens (creating when missing) the SQLite file, readable by the owner only,
 * in WAL mode so the `swl user token` commands and a running service share it.
 */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  if (file !== ':memory:') chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
  return db;
}
