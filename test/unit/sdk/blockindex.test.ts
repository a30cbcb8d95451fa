import { expect } from 'chai';
import { common } from 'fabric-protos';
import { BlockIndex } from '@swledger/sdk/blockindex';
import { LedgerQueries, type SystemQuery } from '@swledger/sdk/ledgerqueries';

/** A block as qscc GetBlockByTxID answers it: only its header's number matters here. */
function blockBytes(n: number): Uint8Array {
  return common.Block.encode({ header: { number: n }, data: { data: [] } }).finish();
}

describe('sdk/blockindex', () => {
  it('keeps the first block noted for a transaction and drops the oldest past its capacity', () => {
    const index = new BlockIndex(2);
    index.note('t1', 5n);
    index.note('t1', 9n);
    expect(index.get('t1')).to.equal(5n);
    index.note('t2', 6n);
    index.note('t3', 7n);
    expect(index.get('t1')).to.equal(undefined);
    expect([index.get('t2'), index.get('t3'), index.size]).to.deep.equal([6n, 7n, 2]);
  });

  describe('LedgerQueries.blockNumberOf', () => {
    function queries(locate?: (tx: string) => Promise<bigint | undefined>) {
      const asked: string[] = [];
      const query: SystemQuery = (chaincode, fn, args) => {
        asked.push(`${chaincode}.${fn}(${args.join(',')})`);
        return Promise.resolve(blockBytes(42));
      };
      return { q: new LedgerQueries(query, 'tradechannel', 'CustomsMSP', locate), asked };
    }

    it('answers a transaction the connection saw from its index, with no lookup', async () => {
      const { q, asked } = queries(() => Promise.reject(new Error('must not be asked')));
      q.blocks.note('seen', 7n);
      expect(await q.blockNumberOf('seen')).to.equal(7n);
      expect(asked).to.deep.equal([]);
    });

    it("uses the transport's small lookup before qscc's whole block, once per transaction", async () => {
      let located = 0;
      const { q, asked } = queries(() => {
        located++;
        return Promise.resolve(11n);
      });
      expect(await q.blockNumberOf('tx')).to.equal(11n);
      expect(await q.blockNumberOf('tx')).to.equal(11n);
      expect([located, asked]).to.deep.equal([1, []]);
    });

    it('falls back to qscc GetBlockByTxID when the small lookup has no answer or fails', async () => {
      for (const locate of [
        () => Promise.resolve(undefined),
        () => Promise.reject(new Error('deadline exceeded')),
        undefined,
      ]) {
        const { q, asked } = queries(locate);
        expect(await q.blockNumberOf('tx')).to.equal(42n);
        expect(asked).to.deep.equal(['qscc.GetBlockByTxID(tradechannel,tx)']);
        expect(q.blocks.get('tx')).to.equal(42n);
      }
    });
  });
});
