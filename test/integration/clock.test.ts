import { expect } from 'chai';
import { clientAs } from './harness';
import { ALPHA, invoice, newFile, rejectsWithCode } from './fixtures';

/**
 * Runs `fn` while `new Date()` without arguments (what fabric-common uses for
 * a proposal's timestamp) answers a time `offsetMs` away from now. Explicit
 * dates and Date.now() stay real, so deadlines and TLS are unaffected.
 */
async function withProposalClockOffset<T>(offsetMs: number, fn: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<typeof Date> | []) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...(args as ConstructorParameters<typeof Date>));
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

describe('chaincode on the network: endorsing peers refuse a proposal timestamp far from their clock', function () {
  this.timeout(120_000);

  it('refuses a registration proposed an hour in the past (INVALID_ARGUMENT) and writes nothing', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile();

    const err = await withProposalClockOffset(-3_600_000, () =>
      rejectsWithCode(
        alpha.documents.register(invoice(ALPHA), { buffer: file.buffer }),
        'INVALID_ARGUMENT',
      ),
    );

    expect(err.message).to.match(/timestamp/i);
    await rejectsWithCode(alpha.documents.getByHash(file.sha256), 'NOT_FOUND');
  });

  it('refuses a read proposed an hour in the future, and accepts one four minutes off', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const inv = invoice(ALPHA);
    await alpha.documents.register(inv, { sha256: newFile().sha256 });

    await withProposalClockOffset(3_600_000, () =>
      rejectsWithCode(alpha.documents.get('COMMERCIAL_INVOICE', inv.docId), 'INVALID_ARGUMENT'),
    );
    const near = await withProposalClockOffset(-240_000, () =>
      alpha.documents.get('COMMERCIAL_INVOICE', inv.docId),
    );

    expect(near.docId).to.equal(inv.docId);
  });
});
