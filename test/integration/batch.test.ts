import { expect } from 'chai';
import { DocumentRegistration } from '@swledger/sdk';
import { clientAs } from './harness';
import { BETA, invoice, newFile, rejectsWithCode, uniqueId } from './fixtures';

function entries(n: number): DocumentRegistration[] {
  const prefix = uniqueId('B');
  return Array.from({ length: n }, (_, i) => ({
    ...invoice(BETA, '10.00', `${prefix}-${i}`),
    sha256: newFile(`b${i}`).sha256,
  }));
}

describe('chaincode on the network: batch registration', function () {
  this.timeout(300_000);

  it('registers 500 documents in one transaction', async () => {
    const beta = await clientAs('enterprise:beta');
    const batch = entries(500);

    const res = await beta.documents.registerBatch(batch);
    const last = await beta.documents.getByHash(batch[499]!.sha256);
    const first = await beta.documents.getByHash(batch[0]!.sha256);

    expect(res.count).to.equal(500);
    expect(last.docId).to.equal(batch[499]!.docId);
    expect(first.txId).to.equal(last.txId);
  });

  it('registers nothing when one entry is bad', async () => {
    const beta = await clientAs('enterprise:beta');
    const batch = entries(20);
    const bad = { ...batch[7]!, sha256: 'ABC' };

    const err = await rejectsWithCode(
      beta.documents.registerBatch([...batch.slice(0, 7), bad, ...batch.slice(8)]),
      'INVALID_ARGUMENT',
    );

    expect(err.message).to.include('entry 7');
    await rejectsWithCode(beta.documents.getByHash(batch[0]!.sha256), 'NOT_FOUND');
  });

  it('registers nothing when two entries share a hash', async () => {
    const beta = await clientAs('enterprise:beta');
    const batch = entries(10);
    const twin = { ...batch[3]!, docId: `${batch[3]!.docId}-twin` };

    await rejectsWithCode(beta.documents.registerBatch([...batch, twin]), 'DUPLICATE_HASH');

    await rejectsWithCode(beta.documents.getByHash(batch[0]!.sha256), 'NOT_FOUND');
    await rejectsWithCode(beta.documents.get('COMMERCIAL_INVOICE', twin.docId), 'NOT_FOUND');
  });
});
