import { expect } from 'chai';
import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@swledger/devnet/proc';
import { openDb } from '@swledger/rest/db';
import { spawnRestService } from '@swledger/rest/process';
import { TokenStore } from '@swledger/rest/tokens';
import { FullView } from '@swledger/sdk';
import { newFile, uniqueId } from '../integration/fixtures';
import { eventually, freshNetwork, log, purgeNetwork, sleep } from './support';
import { connectLocal } from '@swledger/devnet/client';

const NAME = 'faults-rest';

/** `swl serve` for the enterprise organisation of the scenario's network, ready when /healthz answers. */
async function serve(port: number, dbFile: string): Promise<ChildProcess> {
  // The scenario is about restarts: the per-token rate limit is lifted.
  const rest = await spawnRestService(NAME, 'enterprise', port, {
    SWL_REST_DB: dbFile,
    SWL_REST_RATE_BURST: '100000',
    SWL_REST_RATE_PER_SECOND: '100000',
  });
  return rest.child;
}

interface KeyedOutcome {
  readonly key: string;
  readonly docId: string;
  readonly sha256: string;
  /** transactionId of every 201 answer for this key. */
  readonly answers: string[];
  attempts: number;
}

describe('fault: restart the REST service mid-load while clients retry with Idempotency-Key', function () {
  this.timeout(10 * 60_000);
  let dir: string;
  let child: ChildProcess | undefined;

  before(async () => {
    await freshNetwork({ name: NAME, portBase: 22200 });
    dir = mkdtempSync(join(tmpdir(), 'swl-faults-rest-'));
  });
  after(async () => {
    child?.kill('SIGKILL');
    await purgeNetwork(NAME);
    rmSync(dir, { recursive: true, force: true });
  });

  it('records exactly one transaction per key', async () => {
    const dbFile = join(dir, 'enterprise.sqlite');
    const db = openDb(dbFile);
    const token = new TokenStore(db).create('enterprise:alpha', 'faults').token;
    db.close();
    const port = await freePort();
    child = await serve(port, dbFile);
    const outcomes: KeyedOutcome[] = [];
    let stop = false;
    // Set only when the scenario has failed: clients give up their pending key too.
    let aborted = false;
    const worker = async () => {
      while (!stop && outcomes.length < 60) {
        const o: KeyedOutcome = {
          key: uniqueId('idem'),
          docId: uniqueId('DEC-R'),
          sha256: newFile().sha256,
          answers: [],
          attempts: 0,
        };
        outcomes.push(o);
        const body = JSON.stringify({
          type: 'CUSTOMS_DECLARATION',
          docId: o.docId,
          sha256: o.sha256,
          facts: {
            direction: 'EXPORT',
            customsOffice: '2200',
            declaredValue: '1.00',
            currency: 'USD',
          },
        });
        // Sends the keyed request once; records the transaction id when it is answered.
        const send = async (): Promise<boolean> => {
          const res = await fetch(`http://localhost:${port}/api/v1/documents`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'idempotency-key': o.key,
            },
            body,
          }).catch(() => undefined);
          if (res?.status !== 201) return false;
          o.answers.push(((await res.json()) as { transactionId: string }).transactionId);
          return true;
        };
        // Retry the same request with the same key until it is answered (bounded).
        const deadline = Date.now() + 180_000;
        while (!aborted && o.answers.length === 0 && Date.now() < deadline) {
          o.attempts++;
          if (!(await send())) await sleep(300);
        }
        // One more replay of an answered key must give the same transaction.
        await send();
      }
    };
    const workers = Promise.all([worker(), worker(), worker(), worker()]);
    await eventually(
      '10 answered keys',
      async () => outcomes.filter((o) => o.answers.length > 0).length >= 10,
      60_000,
    ).catch((err: unknown) => {
      stop = aborted = true;
      throw err;
    });

    child.kill('SIGKILL');
    await sleep(1000);
    child = await serve(port, dbFile);
    const answeredAtRestart = outcomes.filter((o) => o.answers.length > 0).length;
    await eventually(
      '10 more answered keys after the restart',
      async () => outcomes.filter((o) => o.answers.length > 0).length >= answeredAtRestart + 10,
      // A key whose transaction the killed instance prepared but never sent waits out the one-minute claim.
      180_000,
    ).catch((err: unknown) => {
      stop = aborted = true;
      throw err;
    });
    stop = true;
    await workers;

    const alpha = await connectLocal({ as: 'enterprise:alpha', network: NAME });
    const problems: string[] = [];
    try {
      for (const o of outcomes) {
        if (o.answers.length === 0) {
          problems.push(`${o.key}: never answered`);
          continue;
        }
        if (new Set(o.answers).size !== 1)
          problems.push(`${o.key}: answered with ${[...new Set(o.answers)].join(', ')}`);
        const view = (await alpha.documents.getByHash(o.sha256)) as FullView;
        if (view.txId !== o.answers[0]) problems.push(`${o.key}: ledger has ${view.txId}`);
        if (view.history?.length !== 1)
          problems.push(`${o.key}: ${view.history?.length} history entries`);
        if ((await alpha.connection.validationCode(o.answers[0]!)) !== 'VALID')
          problems.push(`${o.key}: ${o.answers[0]} not VALID`);
      }
    } finally {
      alpha.close();
    }
    const retried = outcomes.filter((o) => o.attempts > 1).length;
    log(
      `${outcomes.length} keys, ${retried} retried across the restart, problems: ${problems.length}`,
    );

    expect(problems).to.deep.equal([]);
    expect(outcomes.length).to.be.greaterThanOrEqual(20);
    expect(retried, 'keys whose request the restart cut off and the client sent again').to.be.above(
      0,
    );
  });
});
