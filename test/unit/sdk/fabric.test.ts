import { expect } from 'chai';
import {
  AlreadyFinancedError,
  CommitFailedError,
  EndorsementError,
  EndorsementPolicyError,
  ForbiddenError,
  MvccConflictError,
  NotFoundError,
  OrdererUnavailableError,
  PeerUnreachableError,
} from '@swledger/sdk/errors';
import { mapFabricError } from '@swledger/sdk/fabric';

function endorsementFailure(...messages: string[]): Error {
  return new Error(
    [
      'No valid responses from any peers. Errors:',
      ...messages.map((m, i) => `peer=localhost:7${i}51, status=500, message=${m}`),
    ].join('\n    '),
  );
}

function commitFailure(code: string): Error {
  const err = new Error(
    `Commit of transaction abc failed on peer localhost:7151 with status ${code}`,
  ) as Error & { transactionCode: string; transactionId: string };
  err.name = 'TransactionError';
  err.transactionCode = code;
  err.transactionId = 'abc';
  return err;
}

describe('sdk/fabric: mapFabricError', () => {
  it('turns a chaincode refusal into the class of its code, keeping detail and cause', () => {
    const raw = endorsementFailure(
      'FORBIDDEN: only customs may release',
      'FORBIDDEN: only customs may release',
    );

    const err = mapFabricError(raw, 'tx1');

    expect(err).to.be.instanceOf(ForbiddenError);
    expect(err.code).to.equal('FORBIDDEN');
    expect(err.transactionId).to.equal('tx1');
    expect(err.cause).to.equal(raw);
    expect(err.message).to.equal('FORBIDDEN: only customs may release');
  });

  it('keeps the detail of ALREADY_FINANCED (how much is left)', () => {
    const err = mapFabricError(
      endorsementFailure('ALREADY_FINANCED: INV-1 has 400.00 USD left to finance'),
      undefined,
    );

    expect(err).to.be.instanceOf(AlreadyFinancedError);
    expect((err as AlreadyFinancedError).detail).to.equal('INV-1 has 400.00 USD left to finance');
  });

  it('recognises a bare coded message (evaluate path)', () => {
    const err = mapFabricError(new Error('NOT_FOUND: no document has sha256 ab'), undefined);

    expect(err).to.be.instanceOf(NotFoundError);
  });

  it('does not trust an upper-case word that is not one of the frozen codes', () => {
    const err = mapFabricError(endorsementFailure('PANIC: something odd'), undefined);

    expect(err).to.be.instanceOf(EndorsementError);
    expect(err.code).to.equal('ENDORSEMENT_FAILED');
  });

  it('maps commit validation codes to their classes', () => {
    expect(mapFabricError(commitFailure('MVCC_READ_CONFLICT'), 'abc')).to.be.instanceOf(
      MvccConflictError,
    );
    expect(mapFabricError(commitFailure('ENDORSEMENT_POLICY_FAILURE'), 'abc')).to.be.instanceOf(
      EndorsementPolicyError,
    );
    const other = mapFabricError(commitFailure('PHANTOM_READ_CONFLICT'), 'abc');
    expect(other).to.be.instanceOf(CommitFailedError);
    expect((other as CommitFailedError).validationCode).to.equal('PHANTOM_READ_CONFLICT');
    expect(other.transactionId).to.equal('abc');
  });

  it('maps connection failures to PeerUnreachableError', () => {
    const err = mapFabricError(new Error('14 UNAVAILABLE: No connection established'), 'tx');

    expect(err).to.be.instanceOf(PeerUnreachableError);
    expect(err.code).to.equal('PEER_UNREACHABLE');
  });

  it('maps an outright refusal by the ordering service to OrdererUnavailableError (not ordered, safe to resend)', () => {
    const err = mapFabricError(
      new Error(
        'Failed to send transaction successfully to the committer. status:SERVICE_UNAVAILABLE',
      ),
      'tx',
    );

    expect(err).to.be.instanceOf(OrdererUnavailableError);
    expect(err.code).to.equal('ORDERER_UNAVAILABLE');
  });

  it('passes an SDK error through unchanged', () => {
    const original = new NotFoundError('NOT_FOUND', 'x');

    expect(mapFabricError(original, 'tx')).to.equal(original);
  });
});
