import { expect } from 'chai';
import { Caller } from '@swledger/rest/auth';
import { openDb, Db } from '@swledger/rest/db';
import { IdempotencyStore, StoredResponse } from '@swledger/rest/idempotency';
import { LedgerPool } from '@swledger/rest/ledger';
import { KeyedWrite, KeyedWrites } from '@swledger/rest/writes';
import { toHttpError } from '@swledger/rest/errors';
import {
  chaincodeError,
  EndorsementPolicyError,
  MvccConflictError,
  SwlClient,
} from '@swledger/sdk';

const caller: Caller = {
  label: 'enterprise:alpha',
  org: 'enterprise',
  mspId: 'EnterpriseMSP',
  role: 'enterprise',
  entity: '91310000MA1K4A7B2X',
  tokenId: 'tok',
};

/** A ledger whose validation codes the test sets; nothing else of the SDK is used. */
function ledgerWith(codes: Map<string, string>): LedgerPool {
  const client = {
    connection: { validationCode: (txId: string) => Promise.resolve(codes.get(txId)) },
  } as unknown as SwlClient;
  return { client: () => Promise.resolve(client) } as unknown as LedgerPool;
}

describe('rest/writes: a keyed write abandoned after a restart', () => {
  let db: Db;
  let store: IdempotencyStore;
  const request = { op: 'document.register', docId: 'DEC-1' };

  beforeEach(() => {
    db = openDb(':memory:');
    store = new IdempotencyStore(db);
    // An attempt prepared by an instance that died, two minutes ago.
    store.begin('tok', 'k1', request);
    store.prepared('tok', 'k1', 'tx-old');
    db.prepare("UPDATE idempotency SET created_at = ? WHERE key = 'k1'").run(
      new Date(Date.now() - 120_000).toISOString(),
    );
  });
  afterEach(() => db.close());

  function write(runs: string[], recovered: string[]): KeyedWrite {
    return {
      request,
      run: (_client, options) => {
        options.onPrepared?.('tx-new');
        runs.push('tx-new');
        return Promise.reject(chaincodeError('DUPLICATE_HASH', 'held by DEC-1'));
      },
      recover: (_client, txId): Promise<StoredResponse> => {
        recovered.push(txId);
        return Promise.resolve({ status: 201, body: { transactionId: txId } });
      },
    };
  }

  it('answers with the first transaction when it committed late and the re-run is refused for it', async () => {
    const codes = new Map<string, string>();
    const writes = new KeyedWrites(store, ledgerWith(codes), 0, undefined);
    const runs: string[] = [];
    const recovered: string[] = [];
    const w = write(runs, recovered);
    // Absent when the retry looks; committed by the time the re-run is refused.
    const original = w.run;
    const lateCommit: KeyedWrite = {
      ...w,
      run: (client, options) => {
        codes.set('tx-old', 'VALID');
        return original(client, options);
      },
    };

    const result = await writes.execute(caller, 'k1', lateCommit);
    const replay = await writes.execute(caller, 'k1', lateCommit);

    expect(runs).to.deep.equal(['tx-new']);
    expect(recovered).to.deep.equal(['tx-old']);
    expect([result.status, result.body]).to.deep.equal([201, { transactionId: 'tx-old' }]);
    expect([replay.status, replay.body, replay.replayed]).to.deep.equal([
      201,
      { transactionId: 'tx-old' },
      true,
    ]);
  });

  it('keeps the refusal when the abandoned transaction never committed', async () => {
    const writes = new KeyedWrites(store, ledgerWith(new Map()), 0, undefined);
    const runs: string[] = [];
    const recovered: string[] = [];

    const result = await writes.execute(caller, 'k1', write(runs, recovered));

    expect(runs).to.deep.equal(['tx-new']);
    expect(recovered).to.deep.equal([]);
    expect(result.status).to.equal(409);
    expect((result.body as { error: { code: string } }).error.code).to.equal('DUPLICATE_HASH');
  });
});

describe('rest/writes: a keyed write that lost a race is not stored as its answer', () => {
  let db: Db;
  let store: IdempotencyStore;
  const request = { op: 'guarantee.draw', docId: 'TG-1', drawId: 'D-1' };

  beforeEach(() => {
    db = openDb(':memory:');
    store = new IdempotencyStore(db);
  });
  afterEach(() => db.close());

  /** A write that fails with each of `failures` in turn, then commits. */
  function flaky(failures: Error[], runs: string[]): KeyedWrite {
    return {
      request,
      run: (_client, options) => {
        const txId = `tx-${runs.length + 1}`;
        options.onPrepared?.(txId);
        runs.push(txId);
        const failure = failures.shift();
        return failure
          ? Promise.reject(failure)
          : Promise.resolve({ status: 200, body: { transactionId: txId } });
      },
      recover: (_client, txId) => Promise.resolve({ status: 200, body: { recovered: txId } }),
    };
  }

  for (const [name, failure] of [
    ['MVCC_READ_CONFLICT', () => new MvccConflictError('lost', { transactionId: 'tx-1' })],
    [
      'ENDORSEMENT_POLICY_FAILURE',
      () => new EndorsementPolicyError('lost', { transactionId: 'tx-1' }),
    ],
  ] as const) {
    it(`answers ${name} (409) without storing it; the retry with the same key runs again`, async () => {
      const writes = new KeyedWrites(store, ledgerWith(new Map()), 0, undefined);
      const runs: string[] = [];
      const w = flaky([failure()], runs);

      const first = await writes.execute(caller, 'k1', w).then(
        () => undefined,
        (err: unknown) => err,
      );
      const afterFirst = store.begin('tok', 'k1', request);
      const retry = await writes.execute(caller, 'k1', w);
      const replay = await writes.execute(caller, 'k1', w);

      expect(toHttpError(first)).to.deep.include({ status: 409, code: name });
      // The key was forgotten: begin() above claimed it afresh.
      expect(afterFirst.kind).to.equal('new');
      expect(runs).to.deep.equal(['tx-1', 'tx-2']);
      expect([retry.status, retry.body, retry.replayed]).to.deep.equal([
        200,
        { transactionId: 'tx-2' },
        false,
      ]);
      expect([replay.status, replay.body, replay.replayed]).to.deep.equal([
        200,
        { transactionId: 'tx-2' },
        true,
      ]);
    });
  }

  it('still stores a final refusal (a chaincode error) as the answer', async () => {
    const writes = new KeyedWrites(store, ledgerWith(new Map()), 0, undefined);
    const runs: string[] = [];
    const w = flaky([chaincodeError('INSUFFICIENT_BALANCE', 'TG-1 has 0.00 CNY left')], runs);

    const first = await writes.execute(caller, 'k1', w);
    const replay = await writes.execute(caller, 'k1', w);

    expect(runs).to.deep.equal(['tx-1']);
    expect([first.status, replay.status, replay.replayed]).to.deep.equal([422, 422, true]);
  });

  it('runs again after a restart when the first attempt was invalidated by a lost race', async () => {
    store.begin('tok', 'k1', request);
    store.prepared('tok', 'k1', 'tx-old');
    const writes = new KeyedWrites(
      store,
      ledgerWith(new Map([['tx-old', 'MVCC_READ_CONFLICT']])),
      0,
      undefined,
    );
    const runs: string[] = [];

    const result = await writes.execute(caller, 'k1', flaky([], runs));

    expect(runs).to.deep.equal(['tx-1']);
    expect([result.status, result.body]).to.deep.equal([200, { transactionId: 'tx-1' }]);
  });
});
