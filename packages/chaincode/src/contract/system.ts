import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { isBankClerk, isCustomsOfficer, mayWrite } from '@swledger/protocol/actor';
import { nextSigningConfig, parseSigningConfig } from '@swledger/protocol/signing';
import { parseJson } from '@swledger/protocol/validate';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { decode, encode, SCHEMA_VERSION } from '@swledger/protocol/serialize';
import { respond, SwlContract, txOf } from './base';
import { actorOf } from './identity';
import { Store } from './store';

/** Key written by `noop`: one key, so the baseline measures one write per transaction. */
export const NOOP_KEY = 'swl~noop';

/** Longest tag `noop` stores. */
const MAX_TAG = 128;

/** What `noop` writes (stored with its schemaVersion). */
interface NoopRecord {
  readonly tag: string;
  readonly txId: string;
  readonly txTime: string;
}

/**
 * Health check and performance baseline: `ping` reads nothing and `noop`
 * writes one key. Both stay for ever so every release can be measured
 * against the same floor. Like every contract, they refuse a proposal whose
 * timestamp is more than 5 minutes from the peer's clock.
 */
@Info({ title: 'system', description: 'Health check and performance baseline' })
export class SystemContract extends SwlContract {
  constructor() {
    super('system');
  }

  /** Returns the transaction timestamp (ISO 8601) and id: proves the chaincode answers. */
  @Transaction(false)
  @Returns('string')
  public async ping(ctx: Context): Promise<string> {
    const tx = txOf(ctx);
    return respond({ txId: tx.id, txTime: tx.time });
  }

  /**
   * Writes the caller's tag and the tx timestamp under one key; returns what
   * was written. Like every write it needs a writing role (SPEC §2).
   *
   * @throws SwlError FORBIDDEN for a caller without a writing role (auditors, verifiers),
   *   INVALID_ARGUMENT for a tag longer than 128 characters
   */
  @Transaction()
  @Returns('string')
  public async noop(ctx: Context, tag: string): Promise<string> {
    const actor = actorOf(ctx);
    if (!mayWrite(actor))
      fail(
        ErrorCode.FORBIDDEN,
        `a ${actor.role || 'role-less'} identity of ${actor.msp} never writes`,
      );
    if (tag.length > MAX_TAG)
      fail(ErrorCode.INVALID_ARGUMENT, `tag must be at most ${MAX_TAG} characters`);
    const tx = txOf(ctx);
    const written: NoopRecord = { tag, txId: tx.id, txTime: tx.time };
    await ctx.stub.putState(NOOP_KEY, encode({ schemaVersion: SCHEMA_VERSION, ...written }));
    return respond(written);
  }

  /**
   * Sets the ledger's enterprise-signature settings `{mode, chainId,
   * chaincode}`: once at network creation, later only from `optional` to
   * `required` (the key's write-once policy needs every organisation).
   * A customs officer or a bank clerk calls it; never an enterprise.
   *
   * @throws SwlError FORBIDDEN, INVALID_ARGUMENT, INVALID_TRANSITION
   */
  @Transaction()
  @Returns('string')
  public async configureSigning(ctx: Context, settingsJson: string): Promise<string> {
    const actor = actorOf(ctx);
    if (!isCustomsOfficer(actor) && !isBankClerk(actor)) {
      fail(ErrorCode.FORBIDDEN, 'only a customs officer or a bank clerk configures signing');
    }
    const store = new Store(ctx.stub);
    const wanted = parseSigningConfig(parseJson(settingsJson, 'signing'));
    const current = await store.findSigningConfig();
    const next = nextSigningConfig(current, wanted);

    await store.saveSigningConfig(next, current === undefined);
    return respond(next);
  }

  /** The ledger's signing settings (empty string when never configured). */
  @Transaction(false)
  @Returns('string')
  public async signing(ctx: Context): Promise<string> {
    const config = await new Store(ctx.stub).findSigningConfig();
    return config === undefined ? '' : respond(config);
  }

  /**
   * Reads what the last committed `noop` wrote (empty string when none).
   *
   * @throws SwlError SCHEMA_MISMATCH when the stored value is not one this version wrote
   */
  @Transaction(false)
  @Returns('string')
  public async lastNoop(ctx: Context): Promise<string> {
    const bytes = await ctx.stub.getState(NOOP_KEY);
    if (bytes.length === 0) return '';
    return respond(decode(bytes, 'the noop record', checkNoop));
  }
}

function checkNoop(value: Readonly<Record<string, unknown>>): NoopRecord {
  const { tag, txId, txTime } = value;
  if (typeof tag !== 'string' || typeof txId !== 'string' || typeof txTime !== 'string')
    fail(ErrorCode.SCHEMA_MISMATCH, 'the noop record lacks tag, txId or txTime');
  return { tag, txId, txTime };
}
