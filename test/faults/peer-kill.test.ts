import { expect } from 'chai';
import { Layout } from '@swledger/devnet/layout';
import { SwlClient } from '@swledger/sdk';
import {
  audit,
  eventually,
  freshNetwork,
  heights,
  kill9,
  log,
  purgeNetwork,
  RegistrationLoad,
  restartMissing,
  sleep,
  closeQuietly,
} from './support';
import { connectLocal } from '@swledger/devnet/client';

const NAME = 'faults-peer';

describe('fault: kill -9 a peer under registration load', function () {
  this.timeout(10 * 60_000);
  let layout: Layout;
  let alpha: SwlClient;

  before(async () => {
    layout = await freshNetwork({ name: NAME, portBase: 21000 });
    alpha = await connectLocal({
      as: 'enterprise:alpha',
      network: NAME,
      commitTimeoutSeconds: 10,
    });
  });
  after(async () => {
    closeQuietly(alpha);
    await purgeNetwork(NAME);
  });

  it('restarts the killed peer, which catches up; every acknowledged registration is on all four peers once, unknown outcomes resolve by tx id', async () => {
    const msps = layout.topology.peerOrgs.map((o) => o.mspId);
    const load = new RegistrationLoad(alpha, { workers: 4, maxDocs: 3000, prefix: 'PK' }).start();
    await eventually(
      '30 acknowledged registrations',
      async () => load.count('ACKED') >= 30,
      60_000,
    );

    await kill9(layout, 'peer0-enterprise');
    const killedAt = load.elapsed();
    await sleep(8000);
    const ackedWhileDown = load.ackedSince(killedAt);
    const restartSeconds = await restartMissing(NAME);
    // fabric-network keeps its discovery and event connections from before the outage.
    await alpha.connection.reconnect();
    const restartedAt = load.elapsed();
    await eventually(
      '20 acknowledged registrations after the restart',
      async () => load.ackedSince(restartedAt) >= 20,
      120_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; ${load.describe()}`);
    });
    const outcomes = await load.stop();
    const caughtUpMs = await eventually(
      'every peer at the same ledger height',
      async () => new Set((await heights(alpha, msps)).map(String)).size === 1,
      60_000,
    );
    const result = await audit(alpha, outcomes, msps);
    log(
      `acked ${result.acked} (${ackedWhileDown} while the peer was down), unknown ${result.unknown} (${result.unknownCommitted} committed), failed ${result.failed} ${JSON.stringify(result.failedCodes)}; restart ${restartSeconds.toFixed(1)} s, caught up ${caughtUpMs} ms later`,
    );

    expect(result.problems).to.deep.equal([]);
    expect(result.acked).to.be.greaterThanOrEqual(50);
    expect(ackedWhileDown, 'registrations committed while the peer was down').to.be.greaterThan(0);
    expect(new Set(outcomes.map((o) => o.doc.docId)).size).to.equal(outcomes.length);
  });
});
