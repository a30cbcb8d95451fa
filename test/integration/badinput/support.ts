import { expect } from 'chai';
import { SwlClient } from '@swledger/sdk';
import { rejectsWithCode } from '../fixtures';

/**
 * Runs a hostile call and asserts it is refused with exactly `code` and that
 * the ledger did not move: same height on the caller's peer (a submit
 * returns only after its commit, so a written transaction would show) and,
 * for each probe hash, still no document.
 */
export async function refusedUnchanged(
  observer: SwlClient,
  call: () => Promise<unknown>,
  code: string,
  probeHashes: readonly string[] = [],
): Promise<Error & { code: string }> {
  const before = await observer.connection.ledgerHeight();

  const err = await rejectsWithCode(call(), code);

  expect(await observer.connection.ledgerHeight(), 'ledger height').to.equal(before);
  for (const h of probeHashes)
    if (/^[0-9a-f]{64}$/.test(h))
      await rejectsWithCode(observer.documents.getByHash(h), 'NOT_FOUND');
  return err;
}
