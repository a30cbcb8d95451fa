import { expect } from 'chai';
import {
  CommitError,
  CommitStatusError,
  EndorseError,
  GatewayError,
  StatusCode,
  type ErrorDetail,
} from '@hyperledger/fabric-gateway';
// fabric-gateway 1.11 exports SubmitError as a type only; the class is what it throws.
import { SubmitError } from '@hyperledger/fabric-gateway/dist/submiterror';
import {
  AccessDeniedError,
  AlreadyFinancedError,
  CommitFailedError,
  EndorsementError,
  EndorsementPolicyError,
  ForbiddenError,
  LedgerError,
  MvccConflictError,
  NotFoundError,
  OrdererUnavailableError,
  PeerUnreachableError,
} from '@swledger/sdk/errors';
import {
  Grpc,
  isAmbiguousGatewayFailure,
  mapGatewayError,
  validationCodeName,
} from '@swledger/sdk/gatewayerrors';

type Cause = ConstructorParameters<typeof GatewayError>[0]['cause'];

/** A gRPC ServiceError as grpc-js raises it (only what the classification may read). */
function serviceError(code: number, message: string): Cause {
  return Object.assign(new Error(`${code} ${message}`), {
    code,
    details: message,
    metadata: { get: () => [] },
  }) as unknown as Cause;
}

function detail(mspId: string, message: string): ErrorDetail {
  return { address: `peer0.${mspId.toLowerCase()}:7051`, mspId, message };
}

function endorseError(code: number, message: string, ...details: ErrorDetail[]): EndorseError {
  return new EndorseError({
    code,
    details,
    cause: serviceError(code, message),
    transactionId: 'tx1',
    message: `${code} ${message}`,
  });
}

function evaluateError(code: number, message: string, ...details: ErrorDetail[]): GatewayError {
  return new GatewayError({
    code,
    details,
    cause: serviceError(code, message),
    message: `${code} ${message}`,
  });
}

function submitError(code: number, message: string, ...details: ErrorDetail[]): SubmitError {
  return new SubmitError({
    code,
    details,
    cause: serviceError(code, message),
    transactionId: 'tx1',
    message: `${code} ${message}`,
  });
}

function commitStatusError(code: number): CommitStatusError {
  return new CommitStatusError({
    code,
    details: [],
    cause: serviceError(code, 'commit status'),
    transactionId: 'tx1',
    message: `${code} commit status`,
  });
}

describe('sdk/gatewayerrors: mapGatewayError', () => {
  it("turns the first endorser's chaincode refusal into the class of its code, keeping detail and cause", () => {
    const raw = endorseError(
      Grpc.ABORTED,
      'failed to endorse transaction, see attached details for more info',
      detail('CustomsMSP', 'chaincode response 500, FORBIDDEN: only customs may release'),
    );

    const err = mapGatewayError(raw, 'tx1');

    expect(err).to.be.instanceOf(ForbiddenError);
    expect(err.code).to.equal('FORBIDDEN');
    expect(err.message).to.equal('FORBIDDEN: only customs may release');
    expect(err.transactionId).to.equal('tx1');
    expect(err.cause).to.equal(raw);
  });

  it('finds the code in an evaluate error message (no details) and keeps the detail text', () => {
    const raw = evaluateError(
      Grpc.UNKNOWN,
      'evaluate call to endorser returned error: chaincode response 500, ALREADY_FINANCED: INV-1 has 400.00 USD left to finance',
    );

    const err = mapGatewayError(raw, undefined);

    expect(err).to.be.instanceOf(AlreadyFinancedError);
    expect((err as AlreadyFinancedError).detail).to.equal('INV-1 has 400.00 USD left to finance');
  });

  it('takes the transaction id from the error when the caller has none', () => {
    const raw = endorseError(
      Grpc.ABORTED,
      'failed to endorse transaction',
      detail('BankAMSP', 'chaincode response 500, NOT_FOUND: no INV-9'),
    );

    const err = mapGatewayError(raw, undefined);

    expect(err).to.be.instanceOf(NotFoundError);
    expect(err.transactionId).to.equal('tx1');
  });

  it('does not take an unknown upper-case word for a chaincode code', () => {
    const raw = evaluateError(
      Grpc.UNKNOWN,
      'evaluate call to endorser returned error: chaincode response 500, PANIC: boom',
    );

    const err = mapGatewayError(raw, undefined);

    expect(err).to.be.instanceOf(EndorsementError);
    expect(err.code).to.equal('ENDORSEMENT_FAILED');
  });

  it('reports a refused creator (revoked certificate) as ACCESS_DENIED, from a detail or PERMISSION_DENIED', () => {
    const refused = endorseError(
      Grpc.ABORTED,
      'failed to endorse transaction, see attached details for more info',
      detail('CustomsMSP', 'access denied: channel [tradechannel] creator org [CustomsMSP]'),
    );
    const denied = evaluateError(Grpc.PERMISSION_DENIED, 'failed evaluating policy');

    const errors = [mapGatewayError(refused, 'tx1'), mapGatewayError(denied, undefined)];

    for (const err of errors) {
      expect(err).to.be.instanceOf(AccessDeniedError);
      expect(err.code).to.equal('ACCESS_DENIED');
      expect(err.message).to.include('access denied');
    }
  });

  it('reports an unreachable peer, a missing organisation and a plan discovery cannot make as PEER_UNREACHABLE', () => {
    const raws = [
      evaluateError(Grpc.UNAVAILABLE, 'No connection established'),
      endorseError(Grpc.UNAVAILABLE, 'failed to find any endorsing peers for org(s): EvilMSP'),
      endorseError(
        Grpc.FAILED_PRECONDITION,
        'no combination of peers can be derived which satisfy the endorsement policy',
      ),
      endorseError(Grpc.DEADLINE_EXCEEDED, 'endorsement timeout expired'),
    ];

    const codes = raws.map((raw) => mapGatewayError(raw, 'tx1'));

    for (const err of codes) expect(err).to.be.instanceOf(PeerUnreachableError);
    expect(codes.map((e) => e.code)).to.deep.equal(Array(4).fill('PEER_UNREACHABLE'));
  });

  it('reports peers that disagree as ENDORSEMENT_FAILED with every endpoint named', () => {
    const raw = endorseError(
      Grpc.ABORTED,
      'failed to collect enough transaction endorsements, see attached details for more info',
      detail('BankAMSP', 'ProposalResponsePayloads do not match'),
    );

    const err = mapGatewayError(raw, 'tx1');

    expect(err).to.be.instanceOf(EndorsementError);
    expect(err.message).to.include('BankAMSP peer0.bankamsp:7051: ProposalResponsePayloads');
  });

  it('reports an ordering service without a leader as ORDERER_UNAVAILABLE, a forbidden creator as ACCESS_DENIED', () => {
    const busy = submitError(
      Grpc.UNAVAILABLE,
      'no orderers could successfully process transaction',
    );
    const notJoined = submitError(
      Grpc.ABORTED,
      'received unsuccessful response from orderer: status=NOT_FOUND, info=channel not found',
    );
    const forbidden = submitError(
      Grpc.ABORTED,
      'received unsuccessful response from orderer: status=FORBIDDEN, info=implicit policy evaluation failed',
    );

    expect(mapGatewayError(busy, 'tx1')).to.be.instanceOf(OrdererUnavailableError);
    expect(mapGatewayError(notJoined, 'tx1').code).to.equal('ORDERER_UNAVAILABLE');
    expect(mapGatewayError(forbidden, 'tx1')).to.be.instanceOf(AccessDeniedError);
  });

  it('turns a validation code into the commit error class of the fabric-network transport', () => {
    type Code = ConstructorParameters<typeof CommitError>[0]['code'];
    const commit = (code: Code) => new CommitError({ code, transactionId: 'tx1' });

    const mvcc = mapGatewayError(commit(StatusCode.MVCC_READ_CONFLICT), undefined);
    const policy = mapGatewayError(commit(StatusCode.ENDORSEMENT_POLICY_FAILURE), undefined);
    const other = mapGatewayError(commit(StatusCode.DUPLICATE_TXID), undefined);

    expect(mvcc).to.be.instanceOf(MvccConflictError);
    expect(policy).to.be.instanceOf(EndorsementPolicyError);
    expect(other).to.be.instanceOf(CommitFailedError);
    expect([mvcc.code, policy.code, other.code]).to.deep.equal([
      'MVCC_READ_CONFLICT',
      'ENDORSEMENT_POLICY_FAILURE',
      'DUPLICATE_TXID',
    ]);
    expect(other.transactionId).to.equal('tx1');
  });

  it('passes the SDK own errors through and wraps anything else without losing it', () => {
    const own = new PeerUnreachableError('down');
    const stream = Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), {
      code: Grpc.UNAVAILABLE,
    });
    const odd = new Error('something else');

    expect(mapGatewayError(own, undefined)).to.equal(own);
    expect(mapGatewayError(stream, undefined)).to.be.instanceOf(PeerUnreachableError);
    const wrapped = mapGatewayError(odd, 'tx2');
    expect(wrapped).to.be.instanceOf(LedgerError);
    expect([wrapped.code, wrapped.transactionId, wrapped.cause]).to.deep.equal([
      'ENDORSEMENT_FAILED',
      'tx2',
      odd,
    ]);
  });
});

describe('sdk/gatewayerrors: isAmbiguousGatewayFailure', () => {
  it('is unknown when the commit status or the broadcast broke, definitive when orderers answered', () => {
    const cases: [unknown, boolean][] = [
      [commitStatusError(Grpc.DEADLINE_EXCEEDED), true],
      [commitStatusError(Grpc.UNAVAILABLE), true],
      [commitStatusError(Grpc.PERMISSION_DENIED), false],
      [submitError(Grpc.DEADLINE_EXCEEDED, 'submit timeout expired'), true],
      [
        submitError(
          Grpc.UNAVAILABLE,
          'no orderers could successfully process transaction',
          detail('OrdererMSP', 'rpc error: code = Unavailable desc = transport is closing'),
        ),
        true,
      ],
      [submitError(Grpc.UNAVAILABLE, 'no orderers could successfully process transaction'), false],
      [
        submitError(
          Grpc.ABORTED,
          'received unsuccessful response from orderer: status=BAD_REQUEST',
        ),
        false,
      ],
      [endorseError(Grpc.DEADLINE_EXCEEDED, 'endorsement timeout expired'), false],
      [new Error('anything'), false],
    ];

    const verdicts = cases.map(([err]) => isAmbiguousGatewayFailure(err));

    expect(verdicts).to.deep.equal(cases.map(([, ambiguous]) => ambiguous));
  });
});

describe('sdk/gatewayerrors: validationCodeName', () => {
  it("names Fabric's validation codes and keeps an unknown number as its digits", () => {
    const names = [0, 10, 11, 254, 999].map(validationCodeName);

    expect(names).to.deep.equal([
      'VALID',
      'ENDORSEMENT_POLICY_FAILURE',
      'MVCC_READ_CONFLICT',
      'NOT_VALIDATED',
      '999',
    ]);
  });
});
