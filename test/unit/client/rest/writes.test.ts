import { expect } from 'chai';
import { Caller } from '../../../../client/src/rest/auth';
import { openDb, Db } from '../../../../client/src/rest/db';
import { IdempotencyStore, StoredResponse } from '../../../../client/src/rest/idempotency';
import { LedgerPool } from '../../../../client/src/rest/ledger';
import { KeyedWrite, KeyedWrites } from '../../../../client/src/rest/writes';
import { chaincodeError, SwlClient } from '../../../../client/src/sdk';

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
