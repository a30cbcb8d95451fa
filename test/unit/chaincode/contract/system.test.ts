import { expect } from 'chai';
import { NOOP_KEY, SystemContract } from '@swledger/chaincode/contract/system';
import { ErrorCode } from '@swledger/protocol/errors';
import { actors } from '../fixtures';
import { evaluate, refused, submit } from './harness';
import { MemoryStub } from './memory-stub';

const contract = new SystemContract();

interface Noop {
  tag: string;
  txId: string;
  txTime: string;
}

describe('contract/system', () => {
  let stub: MemoryStub;

  beforeEach(() => {
    stub = new MemoryStub();
  });

  it('pings with the transaction id and time', async () => {
    const ctx = stub.contextFor(actors.officer);

    const ping = JSON.parse(await contract.ping(ctx)) as { txId: string; txTime: string };

    expect(ping.txId).to.equal(ctx.stub.getTxID());
    expect(Math.abs(Date.parse(ping.txTime) - Date.now())).to.be.below(60_000);
  });

  it('noop stores one versioned, sorted-key value and lastNoop reads it back', async () => {
    const written = await submit<Noop>(stub, contract, actors.clerkA, (ctx) =>
      contract.noop(ctx, 'bench-1'),
    );
    const stored = Buffer.from(stub.state.get(NOOP_KEY)!).toString('utf8');
    const last = await evaluate<Noop>(stub, contract, actors.officer, (ctx) =>
      contract.lastNoop(ctx),
    );

    expect(stored).to.equal(
      `{"schemaVersion":1,"tag":"bench-1","txId":"${written.txId}","txTime":"${written.txTime}"}`,
    );
    expect(last).to.deep.equal(written);
    expect([...stub.state.keys()]).to.deep.equal([NOOP_KEY]);
  });

  it('lastNoop is empty before any noop', async () => {
    const ctx = stub.contextFor(actors.officer);

    expect(await contract.lastNoop(ctx)).to.equal('');
  });

  it('refuses a tag over 128 characters and writes nothing', async () => {
    await refused(
      stub,
      contract,
      actors.clerkA,
      (ctx) => contract.noop(ctx, 'x'.repeat(129)),
      ErrorCode.INVALID_ARGUMENT,
    );

    expect(stub.state.size).to.equal(0);
  });

  for (const reader of [
    'customsVerifier',
    'enterpriseVerifier',
    'customsAuditor',
    'bankAuditor',
    'noRole',
    'outsider',
  ] as const) {
    it(`refuses noop to ${reader} (no writing role): FORBIDDEN, nothing written`, async () => {
      await refused(
        stub,
        contract,
        actors[reader],
        (ctx) => contract.noop(ctx, 'verifier-write'),
        ErrorCode.FORBIDDEN,
      );

      expect(stub.state.size).to.equal(0);
    });
  }

  it('lets every writing role noop: officer, clerk, enterprise', async () => {
    for (const writer of ['officer', 'clerkB', 'owner'] as const) {
      await submit<Noop>(stub, contract, actors[writer], (ctx) => contract.noop(ctx, writer));
    }
    const last = await evaluate<Noop>(stub, contract, actors.officer, (ctx) =>
      contract.lastNoop(ctx),
    );

    expect(last.tag).to.equal('owner');
  });

  it('refuses to read a stored value without its schemaVersion: SCHEMA_MISMATCH', async () => {
    stub.state.set(NOOP_KEY, Buffer.from('{"tag":"old","txId":"t","txTime":"x"}'));

    await refused(
      stub,
      contract,
      actors.officer,
      (ctx) => contract.lastNoop(ctx),
      ErrorCode.SCHEMA_MISMATCH,
    );
  });

  it('refuses a proposal an hour from the peer clock', async () => {
    stub.setTxTime(Date.now() - 3_600_000);

    await refused(
      stub,
      contract,
      actors.clerkA,
      (ctx) => contract.noop(ctx, 'late'),
      ErrorCode.INVALID_ARGUMENT,
    );
  });
});
