import { Contract, type Context } from 'fabric-contract-api';
import { canonicalJson } from '@swledger/protocol/serialize';
import { type Tx } from '@swledger/protocol/record';
import { assertFreshTimestamp, timestampIso, timestampMillis } from '@swledger/protocol/time';

/**
 * Base of the swledger contracts: before any transaction, read or write, the
 * endorsing peer refuses a proposal whose timestamp is more than 5 minutes
 * from its own clock. This is the chaincode's only use of a local clock.
 */
export abstract class SwlContract extends Contract {
  override async beforeTransaction(ctx: Context): Promise<void> {
    assertFreshTimestamp(timestampMillis(ctx.stub.getTxTimestamp()), Date.now());
  }
}

/** The transaction a rule runs in: id and timestamp, nothing from the local clock. */
export function txOf(ctx: Context): Tx {
  return { id: ctx.stub.getTxID(), time: timestampIso(ctx.stub.getTxTimestamp()) };
}

/** The sorted-key JSON string a transaction returns. */
export function respond(value: unknown): string {
  return canonicalJson(value);
}
