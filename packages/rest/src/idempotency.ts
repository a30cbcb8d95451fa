import { createHash } from 'node:crypto';
import { Db } from './db';

/** A stored response to replay. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

/** What is known about an idempotency key. */
export type KeyState =
  | { readonly kind: 'new' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'done'; readonly response: StoredResponse }
  | {
      readonly kind: 'pending';
      readonly txId: string | null;
      readonly request: unknown;
      readonly createdAt: string;
    };

interface Row {
  request_hash: string;
  request: string;
  state: 'pending' | 'done';
  tx_id: string | null;
  status: number | null;
  body: string | null;
  created_at: string;
}

/** SHA-256 over a canonical (sorted-key) JSON rendering of a request. */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonical(request)).digest('hex');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * Idempotency records per (token, key): the request's hash, the prepared
 * transaction's id (stored before the transaction is sent) and, once known,
 * the response. A restart loses none of them.
 */
export class IdempotencyStore {
  constructor(private readonly db: Db) {}

  /** Looks a key up, or claims it (state pending) when new. */
  begin(tokenId: string, key: string, request: unknown): KeyState {
    const hash = requestHash(request);
    return this.db.transaction((): KeyState => {
      const row = this.db
        .prepare('SELECT * FROM idempotency WHERE token_id = ? AND key = ?')
        .get(tokenId, key) as Row | undefined;
      if (!row) {
        const now = new Date().toISOString();
        this.db
          .prepare(
            `INSERT INTO idempotency (token_id, key, request_hash, request, state, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
          )
          .run(tokenId, key, hash, JSON.stringify(request), now, now);
        return { kind: 'new' };
      }
      if (row.request_hash !== hash) return { kind: 'mismatch' };
      if (row.state === 'done')
        return {
          kind: 'done',
          response: { status: row.status ?? 200, body: JSON.parse(row.body ?? 'null') },
        };
      return {
        kind: 'pending',
        txId: row.tx_id,
        request: JSON.parse(row.request),
        createdAt: row.created_at,
      };
    })();
  }

  /** Records the prepared transaction's id, before it is sent. */
  prepared(tokenId: string, key: string, txId: string): void {
    this.db
      .prepare('UPDATE idempotency SET tx_id = ?, updated_at = ? WHERE token_id = ? AND key = ?')
      .run(txId, new Date().toISOString(), tokenId, key);
  }

  /** Stores the final response to replay. */
  complete(tokenId: string, key: string, response: StoredResponse): void {
    this.db
      .prepare(
        `UPDATE idempotency SET state = 'done', status = ?, body = ?, updated_at = ?
         WHERE token_id = ? AND key = ?`,
      )
      .run(response.status, JSON.stringify(response.body), new Date().toISOString(), tokenId, key);
  }

  /** Forgets a claim whose transaction was certainly never sent, so the key may be used again. */
  release(tokenId: string, key: string): void {
    this.db
      .prepare("DELETE FROM idempotency WHERE token_id = ? AND key = ? AND state = 'pending'")
      .run(tokenId, key);
  }
}
