import { DocumentRegistration } from '@swledger/sdk';
import { clientAs } from './harness';
import { ALPHA, BETA, declaration, invoice, newFile } from './fixtures';

/** Changes one round of {@link batchBesideOthers} makes: a batch of three and four single registrations. */
export const CHANGES_PER_ROUND = 7;

/**
 * Registers a batch of three invoices (one transaction, three changes) and,
 * spread over the next 200 ms, four single registrations of two
 * enterprises, so that the orderer (BatchTimeout 250 ms) usually cuts the
 * batch and another transaction into one block. docIds start with
 * `${tag}-${round}-`. Returns the batch's transaction id.
 */
export async function batchBesideOthers(tag: string, round: number): Promise<string> {
  const alpha = await clientAs('enterprise:alpha');
  const beta = await clientAs('enterprise:beta');
  const batch: DocumentRegistration[] = [0, 1, 2].map((i) => ({
    ...invoice(ALPHA, '1.00', `${tag}-${round}-B${i}`),
    sha256: newFile().sha256,
  }));
  const single = async (i: number) => {
    await new Promise((r) => setTimeout(r, i * 60));
    const sha256 = newFile().sha256;
    if (i % 2 === 0)
      await alpha.documents.register(invoice(ALPHA, '1.00', `${tag}-${round}-S${i}`), { sha256 });
    else await beta.documents.register(declaration(BETA, `${tag}-${round}-S${i}`), { sha256 });
  };
  const [batched] = await Promise.all([
    alpha.documents.registerBatch(batch),
    ...[0, 1, 2, 3].map(single),
  ]);
  return batched.txId;
}
