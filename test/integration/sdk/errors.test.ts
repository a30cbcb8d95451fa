import { expect } from 'chai';
import {
  AlreadyExistsError,
  AlreadyFinancedError,
  DuplicateHashError,
  ForbiddenError,
  InvalidArgumentError,
  InvalidTransitionError,
  MvccConflictError,
  NotFoundError,
  PeerUnreachableError,
  SwlClient,
} from '@swledger/sdk';
import { clientAs, TEST_NETWORK } from '../harness';
import { ALPHA, invoice, newFile } from '../fixtures';
import { localConnectionOptions } from '@swledger/devnet/client';

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('SDK: typed errors', function () {
  this.timeout(180_000);

  it('maps each chaincode code to its own class carrying code and cause', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerk = await clientAs('banka:clerk1');
    const file = newFile();
    const inv = invoice(ALPHA, '100.00');
    await alpha.documents.register(inv, { buffer: file.buffer });
    await clerk.invoices.finance(inv.docId, 'F1', '100.00');

    const errors = await Promise.all([
      caught(alpha.documents.get('CONTRACT', 'NO-SUCH-DOC')),
      caught(alpha.documents.register(inv, { sha256: newFile().sha256 })),
      caught(alpha.documents.register(invoice(ALPHA), { sha256: file.sha256 })),
      caught(clerk.documents.register(invoice(ALPHA), { sha256: newFile().sha256 })),
      caught(alpha.documents.transition('COMMERCIAL_INVOICE', inv.docId, 'cancel')),
      caught(alpha.documents.getByHash('XYZ')),
      caught(clerk.invoices.finance(inv.docId, 'F2', '1.00')),
    ]);

    const classes = [
      NotFoundError,
      AlreadyExistsError,
      DuplicateHashError,
      ForbiddenError,
      InvalidTransitionError,
      InvalidArgumentError,
      AlreadyFinancedError,
    ];
    const codes = [
      'NOT_FOUND',
      'ALREADY_EXISTS',
      'DUPLICATE_HASH',
      'FORBIDDEN',
      'INVALID_TRANSITION',
      'INVALID_ARGUMENT',
      'ALREADY_FINANCED',
    ];
    errors.forEach((err, i) => {
      expect(err, codes[i]).to.be.instanceOf(classes[i]!);
      expect((err as { code: string }).code).to.equal(codes[i]);
      expect((err as { cause: unknown }).cause).to.be.instanceOf(Error);
      expect((err as Error).name).to.equal(classes[i]!.name);
    });
  });

  it('reports a lost race as MvccConflictError when retries are off', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const bankA = await clientAs('banka:clerk1');
    const bankB = await clientAs('bankb:clerk1');
    let conflict: unknown;
    for (let round = 0; round < 10 && !conflict; round++) {
      const inv = invoice(ALPHA, '1000.00');
      await alpha.documents.register(inv, { sha256: newFile().sha256 });
      const results = await Promise.allSettled([
        bankA.invoices.finance(inv.docId, 'A', '10.00', { retries: 0 }),
        bankB.invoices.finance(inv.docId, 'B', '10.00', { retries: 0 }),
      ]);
      conflict = results.find(
        (r): r is PromiseRejectedResult =>
          r.status === 'rejected' && r.reason instanceof MvccConflictError,
      )?.reason;
    }

    expect(conflict, 'no MVCC conflict in 10 concurrent rounds').to.be.instanceOf(
      MvccConflictError,
    );
    expect((conflict as MvccConflictError).validationCode).to.equal('MVCC_READ_CONFLICT');
    expect((conflict as MvccConflictError).transactionId).to.match(/^[0-9a-f]{64}$/);
  });

  it('reports an unreachable network as PeerUnreachableError', async () => {
    const opts = localConnectionOptions({ as: 'customs:officer1', network: TEST_NETWORK });
    const peers = Object.fromEntries(
      Object.entries(opts.profile.peers).map(([name, p]) => [
        name,
        { ...p, url: 'grpcs://localhost:1' },
      ]),
    );

    const err = await caught(SwlClient.open({ ...opts, profile: { ...opts.profile, peers } }));

    expect(err).to.be.instanceOf(PeerUnreachableError);
  });
});
