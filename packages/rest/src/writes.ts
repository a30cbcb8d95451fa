import {
  ChaincodeError,
  CommitFailedError,
  CommitUnknownError,
  EndorsementPolicyError,
  MvccConflictError,
  SubmitOptions,
  SwlClient,
} from '@swledger/sdk';
import { Caller } from './auth';
import { HttpError, toHttpError } from './errors';
import { IdempotencyStore, StoredResponse } from './idempotency';
import { LedgerPool } from './ledger';

/** A response and whether it is a replay of an earlier attempt's. */
export interface WriteResult extends StoredResponse {
  readonly replayed: boolean;
}

/** One keyed ledger write: how to run it, and how to rebuild its answer from a committed transaction id. */
export interface KeyedWrite {
  /** The request as received (its hash binds the key to it). */
  readonly request: unknown;
  /** Submits the transaction; passes `options` (onPrepared) to the SDK. */
  readonly run: (client: SwlClient, options: SubmitOptions) => Promise<StoredResponse>;
  /** The answer for a transaction that committed while no response was stored (a restart). */
  readonly recover: (client: SwlClient, transactionId: string) => Promise<StoredResponse>;
}

/**
 * A claim older than this whose transaction is still absent from the ledger
 * is taken as never sent, and the write runs again. The ordering service
 * commits or drops a transaction within seconds (250 ms block cutting, a
 * Raft election takes about 5 s), so a minute is well past any delivery; and
 * should a late copy commit all the same, the business keys stop a second
 * effect (the same docId or hash is ALREADY_EXISTS / DUPLICATE_HASH, a
 * repeated move INVALID_TRANSITION, a financing or draw id exists).
 */
const ABANDON_AFTER_MS = 60 * 1000;

/**
 * Validation codes of a transaction that lost a race with another one (the
 * SDK already retried it, with a bound): the request did not fail, it may
 * simply run again. Such an answer is never stored as the key's final one.
 */
const LOST_RACE_CODES: ReadonlySet<string> = new Set([
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'ENDORSEMENT_POLICY_FAILURE',
]);

function lostRace(err: unknown): boolean {
  return (
    err instanceof MvccConflictError ||
    err instanceof EndorsementPolicyError ||
    (err instanceof CommitFailedError && LOST_RACE_CODES.has(err.validationCode))
  );
}

function errorResponse(err: unknown): StoredResponse {
  const http = toHttpError(err);
  return { status: http.status, body: { error: { code: http.code, message: http.message } } };
}

/**
 * Ledger writes with `Idempotency-Key`: the first attempt claims the key and
 * stores its transaction id before sending; a retry replays the stored
 * response, joins the attempt still running here, or — after a restart —
 * looks the transaction id up on the ledger (waiting a bounded time) and
 * answers with the first attempt's outcome. One key never yields a second
 * transaction while the first may still commit.
 */
export class KeyedWrites {
  private readonly inFlight = new Map<string, Promise<WriteResult>>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly ledger: LedgerPool,
    private readonly waitMs: number,
    private readonly failpoint: string | undefined,
  ) {}

  /** Runs a write, once per (token, key). */
  async execute(caller: Caller, key: string | undefined, write: KeyedWrite): Promise<WriteResult> {
    const client = await this.ledger.client(caller.label);
    if (key === undefined) return { ...(await write.run(client, {})), replayed: false };
    const mapKey = `${caller.tokenId}\u0000${key}`;
    const state = this.store.begin(caller.tokenId, key, write.request);
    switch (state.kind) {
      case 'mismatch':
        throw new HttpError(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'this Idempotency-Key was used for a different request',
        );
      case 'done':
        return { ...state.response, replayed: true };
      case 'new':
        return this.track(mapKey, this.first(caller, key, client, write));
      case 'pending': {
        const running = this.inFlight.get(mapKey);
        if (running) return { ...(await running), replayed: true };
        if (state.txId === null) return this.track(mapKey, this.first(caller, key, client, write));
        return this.track(
          mapKey,
          this.resume(caller, key, client, write, state.txId, state.createdAt),
        );
      }
    }
  }

  private track(mapKey: string, p: Promise<WriteResult>): Promise<WriteResult> {
    this.inFlight.set(mapKey, p);
    const clear = () => this.inFlight.delete(mapKey);
    p.then(clear, clear);
    return p;
  }

  private async first(
    caller: Caller,
    key: string,
    client: SwlClient,
    write: KeyedWrite,
    abandonedTxId?: string,
  ): Promise<WriteResult> {
    let response: StoredResponse;
    try {
      response = await write.run(client, {
        onPrepared: (txId) => this.store.prepared(caller.tokenId, key, txId),
      });
    } catch (err) {
      if (err instanceof ChaincodeError || err instanceof CommitFailedError) {
        // A late copy of the abandoned attempt may have committed after all: then the refusal
        // of this one (the same hash, docId, move or id) is that attempt's success.
        if (
          abandonedTxId !== undefined &&
          (await client.connection.validationCode(abandonedTxId).catch(() => undefined)) === 'VALID'
        ) {
          const recovered = await write.recover(client, abandonedTxId);
          this.store.complete(caller.tokenId, key, recovered);
          return { ...recovered, replayed: true };
        }
        // A lost race is transient: forget the claim (the invalidated transaction can never
        // commit), so a retry with the same key runs the write again.
        if (lostRace(err)) {
          this.store.release(caller.tokenId, key);
          throw err;
        }
        // Final: refused at endorsement, or invalidated at commit. That is the first result.
        const failed = errorResponse(err);
        this.store.complete(caller.tokenId, key, failed);
        return { ...failed, replayed: false };
      }
      // Unknown outcome: keep the claim, a retry looks the transaction up.
      if (!(err instanceof CommitUnknownError)) this.releaseIfUnsent(caller, key, err);
      throw err;
    }
    if (this.failpoint === 'exit-after-commit') process.exit(70);
    this.store.complete(caller.tokenId, key, response);
    return { ...response, replayed: false };
  }

  /** Endorsement failed for want of peers: nothing reached the orderer, so the key may be reused. */
  private releaseIfUnsent(caller: Caller, key: string, err: unknown): void {
    const code = (err as { code?: string }).code;
    if (code === 'PEER_UNREACHABLE' || code === 'ENDORSEMENT_FAILED')
      this.store.release(caller.tokenId, key);
  }

  private async resume(
    caller: Caller,
    key: string,
    client: SwlClient,
    write: KeyedWrite,
    txId: string,
    createdAt: string,
  ): Promise<WriteResult> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const code = await client.connection.validationCode(txId);
      if (code === 'VALID') {
        const response = await write.recover(client, txId);
        this.store.complete(caller.tokenId, key, response);
        return { ...response, replayed: true };
      }
      // The first attempt lost a race and can never commit: run the write again.
      if (code !== undefined && LOST_RACE_CODES.has(code))
        return this.first(caller, key, client, write);
      if (code !== undefined) {
        const failed = errorResponse(
          new CommitFailedError(code, `invalidated: ${code}`, { transactionId: txId }),
        );
        this.store.complete(caller.tokenId, key, failed);
        return { ...failed, replayed: true };
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (Date.now() - Date.parse(createdAt) > ABANDON_AFTER_MS) {
      // Prepared long ago by an instance that is gone and never seen on the ledger: never sent.
      return this.first(caller, key, client, write, txId);
    }
    throw new CommitUnknownError(
      `transaction ${txId} of the first attempt is not on the ledger yet`,
      {
        transactionId: txId,
      },
    );
  }
}
