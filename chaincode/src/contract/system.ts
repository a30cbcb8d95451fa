import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

/** Key written by `noop`: one key, so the baseline measures one write per transaction. */
export const NOOP_KEY = 'swl~noop';

/**
 * Health check and performance baseline: `ping` reads nothing and `noop`
 * writes one key. Both stay for ever so every release can be measured
 * against the same floor.
 */
@Info({ title: 'system', description: 'Health check and performance baseline' })
export class SystemContract extends Contract {
  constructor() {
    super('system');
  }

  /** Returns the transaction timestamp (ISO 8601) and id: proves the chaincode answers. */
  @Transaction(false)
  @Returns('string')
  public async ping(ctx: Context): Promise<string> {
    return JSON.stringify({ txId: ctx.stub.getTxID(), txTime: txTimeIso(ctx) });
  }

  /** Writes the caller's tag and the tx timestamp under one key; returns what was written. */
  @Transaction()
  @Returns('string')
  public async noop(ctx: Context, tag: string): Promise<string> {
    const value = JSON.stringify({ tag, txId: ctx.stub.getTxID(), txTime: txTimeIso(ctx) });
    await ctx.stub.putState(NOOP_KEY, Buffer.from(value));
    return value;
  }

  /** Reads what the last committed `noop` wrote (empty string when none). */
  @Transaction(false)
  @Returns('string')
  public async lastNoop(ctx: Context): Promise<string> {
    const bytes = await ctx.stub.getState(NOOP_KEY);
    return Buffer.from(bytes).toString('utf8');
  }
}

function txTimeIso(ctx: Context): string {
  const ts = ctx.stub.getTxTimestamp();
  const millis = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
  return new Date(millis).toISOString();
}
