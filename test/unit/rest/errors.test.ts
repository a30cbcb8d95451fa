import { expect } from 'chai';
import { toHttpError } from '@swledger/rest/errors';
import {
  chaincodeError,
  CommitUnknownError,
  EndorsementError,
  EndorsementPolicyError,
  LedgerError,
  MvccConflictError,
  OrdererUnavailableError,
  PeerUnreachableError,
} from '@swledger/sdk';

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

  it('ledger failures are 503 with their code, Retry-After and no raw Fabric wording', () => {
    const raw = 'peer=peer0, status=500, message=14 UNAVAILABLE: No connection established';
    const cases: [LedgerError, string][] = [
      [new PeerUnreachableError(raw), 'PEER_UNREACHABLE'],
      [new EndorsementError(raw), 'ENDORSEMENT_FAILED'],
      [new OrdererUnavailableError(raw), 'ORDERER_UNAVAILABLE'],
      [new CommitUnknownError(raw, { transactionId: 'abc' }), 'COMMIT_UNKNOWN'],
    ];
    for (const [err, code] of cases) {
      const http = toHttpError(err);

      expect([http.status, http.code], code).to.deep.equal([503, code]);
      expect(http.headers['Retry-After']).to.equal('5');
      expect(http.message).not.to.include('UNAVAILABLE');
    }
  });

  it('a transaction invalidated at commit is 409 with its validation code', () => {
    const mvcc = toHttpError(new MvccConflictError('x', { transactionId: 't1' }));
    const policy = toHttpError(new EndorsementPolicyError('x', { transactionId: 't2' }));

    expect([mvcc.status, mvcc.code]).to.deep.equal([409, 'MVCC_READ_CONFLICT']);
    expect([policy.status, policy.code]).to.deep.equal([409, 'ENDORSEMENT_POLICY_FAILURE']);
    expect(policy.message).to.include('t2');
  });

  it('a stored value of an unknown schema is 500 SCHEMA_MISMATCH', () => {
    const http = toHttpError(chaincodeError('SCHEMA_MISMATCH', 'schemaVersion 9'));

    expect([http.status, http.code]).to.deep.equal([500, 'SCHEMA_MISMATCH']);
  });

  it('body parser limits are 413, anything unknown is 500 INTERNAL without its message', () => {
    const tooLarge = toHttpError({ type: 'entity.too.large', status: 413 });
    const badJson = toHttpError({ type: 'entity.parse.failed', status: 400 });
    const other4xx = toHttpError({ type: 'request.aborted', status: 400 });
    expect([tooLarge.status, tooLarge.code]).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
    expect([badJson.status, badJson.code]).to.deep.equal([400, 'INVALID_ARGUMENT']);
    expect([other4xx.status, other4xx.code]).to.deep.equal([400, 'BAD_REQUEST']);
    const http = toHttpError(new Error('secret internals at foo.js:1'));

    expect([http.status, http.code, http.message]).to.deep.equal([
      500,
      'INTERNAL',
      'internal error',
    ]);
  });
});
