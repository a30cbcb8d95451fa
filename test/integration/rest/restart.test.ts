import { expect } from 'chai';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openDb } from '@swledger/rest/db';
import { TokenStore } from '@swledger/rest/tokens';
import { ALPHA, newFile, uniqueId } from '../fixtures';
import { clientAs } from '../harness';
import { freePort } from '@swledger/devnet/proc';
import { call, spawnService, tempDir } from './harness';

describe('Idempotency-Key across a service restart', function () {
  this.timeout(180_000);

  it('a retry after the service died mid-request returns the first transaction, and no second one is made', async () => {
    const dbFile = join(tempDir('restart'), 'enterprise.sqlite');
    const db = openDb(dbFile);
    const token = new TokenStore(db).create('enterprise:alpha', 'restart test').token;
    db.close();
    const port = await freePort();
    const docId = uniqueId('RST');
    const body = {
      type: 'CUSTOMS_DECLARATION',
      docId,
      sha256: newFile().sha256,
      facts: {
        direction: 'IMPORT',
        customsOffice: '2200',
        declaredValue: '10.00',
        currency: 'USD',
      },
    };
    const headers = { 'idempotency-key': `restart-${docId}` };
    // The first process exits after the transaction committed, before it stores or sends the answer.
    const first = await spawnService('enterprise', port, {
      SWL_REST_DB: dbFile,
      SWL_REST_FAILPOINT: 'exit-after-commit',
    });

    const lost = await call(`${first.url}/api/v1/documents`, { token, body, headers }).catch(
      (err: Error) => err,
    );
    const exitCode = await first.exited;

    expect(lost).to.be.instanceOf(Error);
    expect(exitCode).to.equal(70);
    const ro = new Database(dbFile, { readonly: true });
    const row = ro.prepare('SELECT state, tx_id FROM idempotency').get() as {
      state: string;
      tx_id: string;
    };
    ro.close();
    expect(row.state).to.equal('pending');
    expect(row.tx_id).to.match(/^[0-9a-f]{64}$/);

    const second = await spawnService('enterprise', port, { SWL_REST_DB: dbFile });
    try {
      const retry = await call(`${second.url}/api/v1/documents`, { token, body, headers });
      const again = await call(`${second.url}/api/v1/documents`, { token, body, headers });

      expect(retry.status, JSON.stringify(retry.body)).to.equal(201);
      expect(retry.body.transactionId).to.equal(row.tx_id);
      expect(retry.body.record).to.include({ docId, owner: ALPHA, status: 'SUBMITTED' });
      expect(again.status).to.equal(201);
      expect(again.body.transactionId).to.equal(row.tx_id);
      expect(again.headers.get('idempotent-replayed')).to.equal('true');
      const alpha = await clientAs('enterprise:alpha');
      const history = await alpha.documents.history('CUSTOMS_DECLARATION', docId);
      expect(history.map((h) => h.txId)).to.deep.equal([row.tx_id]);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
