import { expect } from 'chai';
import { Watcher, type WatchAlert, type WatchCheckpoint } from '@swledger/sdk/watch';
import { OWNER, inputFor } from '../chaincode/fixtures';
import { keyOf, makeIdentity, TestNetwork, type Identity } from './provenance-fixtures';

const DEC = 'CUSTOMS_DECLARATION';

const enterprise = makeIdentity('EnterpriseMSP', 'ent1', {
  'swl.role': 'enterprise',
  'swl.entity': OWNER,
});
const officer = makeIdentity('CustomsMSP', 'officer1', { 'swl.role': 'officer' });
const ALL: Identity[] = [
  makeIdentity('CustomsMSP', 'peer0.customs'),
  makeIdentity('BankAMSP', 'peer0.banka'),
  makeIdentity('BankBMSP', 'peer0.bankb'),
  makeIdentity('EnterpriseMSP', 'peer0.enterprise'),
];

/** Blocks 0..2: an honest registration, a forgery (`forge:put`), an honest acceptance. */
async function ledgerWithForgery(): Promise<{ network: TestNetwork; forged: string }> {
  const network = new TestNetwork();
  await network.submit(
    enterprise,
    'document:register',
    [JSON.stringify(inputFor(DEC, 'DEC-1'))],
    ALL,
  );
  const honest = await network.endorse(
    enterprise,
    'document:register',
    [JSON.stringify(inputFor(DEC, 'DEC-2', 'b'.repeat(64)))],
    ALL,
  );
  const forged = { ...honest, fn: 'forge:put', args: [keyOf('state', DEC, 'DEC-2'), '{}'] };
  network.commit(forged);
  await network.submit(officer, 'document:transition', [DEC, 'DEC-1', 'accept', ''], ALL);
  return { network, forged: forged.txId };
}

/** A checkpoint in memory that records every save and resolves once `until` is saved. */
function memoryCheckpoint(until: bigint, loaded?: bigint) {
  const saved: bigint[] = [];
  let reached: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const checkpoint: WatchCheckpoint = {
    load: async () => loaded,
    save: async (next) => {
      saved.push(next);
      if (next >= until) reached();
    },
  };
  return { checkpoint, saved, done };
}

async function watch(
  network: TestNetwork,
  checkpoint: WatchCheckpoint,
  done: Promise<void>,
  startBlock?: bigint,
) {
  const alerts: WatchAlert[] = [];
  const checked: string[] = [];
  const errors: (bigint | undefined)[] = [];
  const watcher = new Watcher(network.ledger, {
    ...(startBlock === undefined ? {} : { startBlock }),
    checkpoint,
    pollMillis: 1,
    retryMillis: 1,
    onAlert: (alert) => {
      alerts.push(alert);
    },
    onChecked: (check, block) => checked.push(`${block}:${check.result}`),
    onError: (_err, block) => errors.push(block),
  });
  await watcher.start();
  await done;
  await watcher.stop();
  return { alerts, checked, errors, next: watcher.nextBlock };
}

describe('sdk/watch: following blocks', () => {
  it('checks every block from startBlock and alerts on the forgery only', async () => {
    const { network, forged } = await ledgerWithForgery();
    const { checkpoint, saved, done } = memoryCheckpoint(3n);

    const run = await watch(network, checkpoint, done, 0n);

    expect(run.checked).to.deep.equal(['0:VALID', '1:INVALID', '2:VALID']);
    expect(run.alerts.map((a) => [a.transactionId, a.blockNumber, a.fn])).to.deep.equal([
      [forged, '1', 'forge:put'],
    ]);
    expect(run.alerts[0]?.reason).to.include('the chaincode has no transaction forge:put');
    expect(saved).to.deep.equal([1n, 2n, 3n]);
    expect(run.next).to.equal(3n);
  });

  it('resumes from its checkpoint rather than startBlock', async () => {
    const { network } = await ledgerWithForgery();
    const { checkpoint, saved, done } = memoryCheckpoint(3n, 2n);

    const run = await watch(network, checkpoint, done, 0n);

    expect(run.checked).to.deep.equal(['2:VALID']);
    expect(run.alerts).to.deep.equal([]);
    expect(saved).to.deep.equal([3n]);
  });

  it('reads a block again after a read error, without skipping it', async () => {
    const { network, forged } = await ledgerWithForgery();
    const { checkpoint, saved, done } = memoryCheckpoint(3n);
    network.ledger.failNext('block');

    const run = await watch(network, checkpoint, done, 0n);

    expect(run.errors).to.deep.equal([0n]);
    expect(run.checked).to.deep.equal(['0:VALID', '1:INVALID', '2:VALID']);
    expect(run.alerts.map((a) => a.transactionId)).to.deep.equal([forged]);
    expect(saved).to.deep.equal([1n, 2n, 3n]);
  });

  it('retries a block whose check could not read the key histories', async () => {
    const { network, forged } = await ledgerWithForgery();
    const { checkpoint, saved, done } = memoryCheckpoint(3n, 1n);
    network.ledger.failNext('evaluate');

    const run = await watch(network, checkpoint, done);

    expect(run.errors).to.deep.equal([1n]);
    expect(run.checked).to.deep.equal(['1:INVALID', '2:VALID']);
    expect(run.alerts.map((a) => a.transactionId)).to.deep.equal([forged]);
    expect(saved).to.deep.equal([2n, 3n]);
  });
});
