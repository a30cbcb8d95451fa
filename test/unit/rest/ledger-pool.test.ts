import { expect } from 'chai';
import { localIdentities } from '@swledger/rest/identities';
import { IDLE_CLOSE_MS, LedgerPool } from '@swledger/rest/ledger';
import { Metrics } from '@swledger/rest/metrics';
import { SwlClient } from '@swledger/sdk';

interface FakeClient {
  label: string;
  closed: boolean;
  connection: { listening: boolean };
  close(): void;
}

describe('rest/ledger: the pool closes connections nobody uses', () => {
  let opened: FakeClient[];
  let pool: LedgerPool;

  beforeEach(() => {
    opened = [];
    pool = new LedgerPool(localIdentities('dev', 'enterprise'), new Metrics(), (label) => {
      const c: FakeClient = {
        label,
        closed: false,
        connection: { listening: false },
        close() {
          this.closed = true;
        },
      };
      opened.push(c);
      return Promise.resolve(c as unknown as SwlClient);
    });
  });
  afterEach(() => pool.close());

  it('reuses one connection per identity', async () => {
    const a = await pool.client('enterprise:alpha', 0);
    const b = await pool.client('enterprise:alpha', 1000);

    expect(a).to.equal(b);
    expect(opened.map((c) => c.label)).to.deep.equal(['enterprise:alpha']);
  });

  it('closes a connection idle for the limit, keeps recent ones and ones with an event stream', async () => {
    await pool.client('enterprise:alpha', 0);
    await pool.client('enterprise:beta', 0);
    await pool.client('enterprise:gamma', 0);
    opened[1]!.connection.listening = true;
    await pool.client('enterprise:gamma', IDLE_CLOSE_MS);

    await pool.closeIdle(IDLE_CLOSE_MS + 1);

    expect(opened.map((c) => [c.label, c.closed])).to.deep.equal([
      ['enterprise:alpha', true],
      ['enterprise:beta', false],
      ['enterprise:gamma', false],
    ]);
    expect(pool.size).to.equal(2);
    await pool.client('enterprise:alpha', IDLE_CLOSE_MS + 2);
    expect(opened.map((c) => c.label)).to.deep.equal([
      'enterprise:alpha',
      'enterprise:beta',
      'enterprise:gamma',
      'enterprise:alpha',
    ]);
  });
});
