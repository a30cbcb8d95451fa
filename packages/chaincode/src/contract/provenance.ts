import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { hasKnownRole } from '@swledger/protocol/actor';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { DOC_TYPES } from '@swledger/protocol/record';
import { timestampIso } from '@swledger/protocol/time';
import * as valid from '@swledger/protocol/validate';
import { respond, SwlContract } from './base';
import { actorOf } from './identity';
import { KeyType, Store } from './store';

/** Most keys one `provenance:keys` call reads. */
export const MAX_KEYS = 64;

/** One committed version of a key, as the peer's history database holds it. */
export interface KeyVersion {
  readonly txId: string;
  readonly timestamp: string;
  readonly isDelete: boolean;
  /** The value written, base64 ('' for a delete). */
  readonly value: string;
}

/** Every committed version of each key asked for, newest first. */
export interface KeyHistories {
  readonly keys: Readonly<Record<string, readonly KeyVersion[]>>;
}

/**
 * Raw material of the provenance check (SPEC §4): every committed version of
 * a record's keys, which the client then checks against the signed
 * transactions in the blocks. These reads return what any channel member
 * can already read from the blocks (qscc); they never decide anything.
 */
@Info({ title: 'provenance', description: 'Key histories for checking provenance from signatures' })
export class ProvenanceContract extends SwlContract {
  constructor() {
    super('provenance');
  }

  /**
   * Every version of every key of a record: facts, state, hash and owner
   * index, and each financing or draw under it.
   *
   * @throws SwlError FORBIDDEN for a caller without a known role, NOT_FOUND
   */
  @Transaction(false)
  @Returns('string')
  public async record(ctx: Context, type: string, docId: string): Promise<string> {
    requireKnownRole(ctx);
    const store = new Store(ctx.stub);
    const record = await store.loadRecord(valid.oneOf(type, DOC_TYPES, 'type'), valid.docId(docId));

    const keys = [
      ...store.recordKeys(record.facts),
      ...(await store.childKeys(KeyType.FINANCING, record.facts.docId)),
      ...(await store.childKeys(KeyType.DRAW, record.facts.docId)),
    ];
    return respond(await histories(ctx, keys));
  }

  /**
   * Every version of each of up to 64 keys (a JSON array of strings).
   *
   * @throws SwlError FORBIDDEN for a caller without a known role, INVALID_ARGUMENT
   */
  @Transaction(false)
  @Returns('string')
  public async keys(ctx: Context, keysJson: string): Promise<string> {
    requireKnownRole(ctx);
    const keys = valid
      .list(valid.parseJson(keysJson, 'keys'), 'keys', MAX_KEYS)
      .map((key, index) => valid.text(key, `keys[${index}]`, 1024));

    return respond(await histories(ctx, keys));
  }
}

function requireKnownRole(ctx: Context): void {
  if (!hasKnownRole(actorOf(ctx))) {
    fail(ErrorCode.FORBIDDEN, 'the caller has no swledger role');
  }
}

async function histories(ctx: Context, keys: readonly string[]): Promise<KeyHistories> {
  const found: Record<string, KeyVersion[]> = {};
  for (const key of [...new Set(keys)].sort()) {
    const versions: KeyVersion[] = [];
    for await (const version of ctx.stub.getHistoryForKey(key)) {
      versions.push({
        txId: version.txId,
        timestamp: timestampIso(version.timestamp),
        isDelete: version.isDelete,
        value: version.isDelete ? '' : Buffer.from(version.value).toString('base64'),
      });
    }
    found[key] = versions;
  }
  return { keys: found };
}
