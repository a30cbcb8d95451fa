import { expect } from 'chai';
import { Layout } from '@swledger/devnet/layout';
import { SwlClient } from '@swledger/sdk';
import {
  audit,
  eventually,
  freshNetwork,
  kill9,
  log,
  purgeNetwork,
  raftLeader,
  RegistrationLoad,
  closeQuietly,
} from './support';
import { connectLocal } from '@swledger/devnet/client';

const NAME = 'faults-raft';

describe('fault: kill -9 the Raft leader of three orderers under load', function () {
  this.timeout(10 * 60_000);
  let layout: Layout;
  let alpha: SwlClient;

  before(async () => {
    layout = await freshNetwork({ name: NAME, portBase: 21600, orderers: 3 });
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

  it('elects a new leader, keeps committing, and loses nothing acknowledged', async () => {
    const msps = layout.topology.peerOrgs.map((o) => o.mspId);
    const load = new RegistrationLoad(alpha, { workers: 4, maxDocs: 3000, prefix: 'RL' }).start();
    await eventually(
      '20 acknowledged registrations',
      async () => load.count('ACKED') >= 20,
      60_000,
    );
    let leader: number | undefined;
    await eventually(
      'a Raft leader in the metrics',
      async () => (leader = await raftLeader(layout)) !== undefined,
      30_000,
    );

    await kill9(layout, `orderer${leader!}`);
    const killedAt = load.elapsed();
    let next: number | undefined;
    const electionMs = await eventually(
      'another orderer to lead',
      async () => {
        next = await raftLeader(layout);
        return next !== undefined && next !== leader;
      },
      60_000,
      250,
    );
    const afterElection = load.elapsed();
    await eventually(
      '20 acknowledged registrations after the election',
      async () => load.ackedSince(afterElection) >= 20,
      90_000,
    );
    const outcomes = await load.stop();
    const result = await audit(alpha, outcomes, msps);
    log(
      `leader orderer${leader!} killed at ${killedAt} ms, orderer${next!} leads ${electionMs} ms later; acked ${result.acked} (${load.ackedSince(afterElection)} after the election), unknown ${result.unknown} (${result.unknownCommitted} committed), failed ${result.failed} ${JSON.stringify(result.failedCodes)}`,
    );

    expect(result.problems).to.deep.equal([]);
    expect(next).to.not.equal(leader);
    expect(load.ackedSince(afterElection)).to.be.greaterThanOrEqual(20);
  });
});
