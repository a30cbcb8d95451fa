import { expect } from 'chai';
import { toHttpError } from '../../../../client/src/rest/errors';
import {
  chaincodeError,
  CommitUnknownError,
  EndorsementError,
  MvccConflictError,
  PeerUnreachableError,
} from '../../../../client/src/sdk';

describe('rest/errors: one mapping from codes to HTTP statuses', () => {
  const cases: [string, number][] = [
    ['INVALID_ARGUMENT', 400],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['ALREADY_EXISTS', 409],
    ['DUPLICATE_HASH', 409],
    ['ALREADY_FINANCED', 409],
    ['INVALID_TRANSITION', 422],
    ['INSUFFICIENT_BALANCE', 422],
    ['EXPIRED', 422],
  ];
  for (const [code, status] of cases)
    it(`${code} → ${status} with the chaincode's detail`, () => {
      const err = chaincodeError(code as Parameters<typeof chaincodeError>[0], 'INV-1 detail');

      const http = toHttpError(err);

      expect([http.status, http.code, http.message]).to.deep.equal([status, code, 'INV-1 detail']);
    });

  it('ledger failures are 503 with Retry-After and no raw Fabric wording', () => {
    const raw = 'peer=peer0, status=500, message=14 UNAVAILABLE: No connection established';
    for (const err of [
      new PeerUnreachableError(raw),
      new EndorsementError(raw),
      new CommitUnknownError(raw, { transactionId: 'abc' }),
    ]) {
      const http = toHttpError(err);

      expect(http.status).to.equal(503);
      expect(http.headers['Retry-After']).to.equal('5');
      expect(http.message).not.to.include('UNAVAILABLE');
    }
  });

  it('a lost race is 409 MVCC_READ_CONFLICT', () => {
    const http = toHttpError(new MvccConflictError('x', { transactionId: 't1' }));

    expect([http.status, http.code]).to.deep.equal([409, 'MVCC_READ_CONFLICT']);
  });

  it('body parser limits are 413, anything unknown is 500 INTERNAL without its message', () => {
    expect(toHttpError({ type: 'entity.too.large', status: 413 }).status).to.equal(413);
    const http = toHttpError(new Error('secret internals at foo.js:1'));

    expect([http.status, http.code, http.message]).to.deep.equal([
      500,
      'INTERNAL',
      'internal error',
    ]);
  });
});
