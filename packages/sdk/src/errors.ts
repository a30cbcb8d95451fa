import { ErrorCode, splitDetail, type ErrorFields } from '@swledger/protocol/errors';

export { ErrorCode, type ErrorFields };

/** Fields every swledger client error carries. */
export interface ErrorInfo {
  readonly transactionId?: string;
  readonly cause?: unknown;
}

/** Base of every error the SDK throws. `code` is stable; the message is for people. */
export class LedgerError extends Error {
  readonly code: string;
  readonly transactionId: string | undefined;
  override readonly cause: unknown;

  constructor(code: string, message: string, info: ErrorInfo = {}) {
    super(message);
    this.name = LedgerError.name;
    this.code = code;
    this.transactionId = info.transactionId;
    this.cause = info.cause;
  }
}

/**
 * The chaincode refused the proposal with one of its frozen codes (`CODE: detail`).
 * `fields` holds the values a client needs (e.g. `left`, the amount still
 * available), parsed from the refusal; empty when it carries none.
 */
export class ChaincodeError extends LedgerError {
  readonly detail: string;
  readonly fields: ErrorFields;
  constructor(code: ErrorCode, detail: string, info: ErrorInfo = {}) {
    super(code, `${code}: ${detail}`, info);
    this.name = ChaincodeError.name;
    const { text, fields } = splitDetail(detail);
    this.detail = text;
    this.fields = fields;
  }
}

/* One class per chaincode code, so callers can `instanceof` instead of comparing strings. */
/** `NOT_FOUND` from the chaincode. */
export class NotFoundError extends ChaincodeError {}
/** `ALREADY_EXISTS` from the chaincode. */
export class AlreadyExistsError extends ChaincodeError {}
/** `DUPLICATE_HASH` from the chaincode. */
export class DuplicateHashError extends ChaincodeError {}
/** `FORBIDDEN` from the chaincode. */
export class ForbiddenError extends ChaincodeError {}
/** `INVALID_TRANSITION` from the chaincode. */
export class InvalidTransitionError extends ChaincodeError {}
/** `INVALID_ARGUMENT` from the chaincode (or from the SDK's own input checks). */
export class InvalidArgumentError extends ChaincodeError {}
/** `ALREADY_FINANCED` from the chaincode. */
export class AlreadyFinancedError extends ChaincodeError {}
/** `INSUFFICIENT_BALANCE` from the chaincode. */
export class InsufficientBalanceError extends ChaincodeError {}
/** `EXPIRED` from the chaincode. */
export class ExpiredError extends ChaincodeError {}
/** `SCHEMA_MISMATCH` from the chaincode. */
export class SchemaMismatchError extends ChaincodeError {}
/** `SIGNATURE_REQUIRED` from the chaincode: an enterprise write without the enterprise's signature. */
export class SignatureRequiredError extends ChaincodeError {}
/** `BAD_SIGNATURE` from the chaincode. */
export class BadSignatureError extends ChaincodeError {}
/** `KEY_NOT_BOUND` from the chaincode: the key is unbound, revoked, retired or another enterprise's. */
export class KeyNotBoundError extends ChaincodeError {}
/** `REPLAYED` from the chaincode: the signature's nonce was used before. */
export class ReplayedError extends ChaincodeError {}
/** `SIGNING_NOT_CONFIGURED` from the chaincode. */
export class SigningNotConfiguredError extends ChaincodeError {}
/** `ALREADY_REMITTED` from the chaincode: `fields.left` is what may still be remitted against `fields.docId`. */
export class AlreadyRemittedError extends ChaincodeError {}

const BY_CODE: Record<
  ErrorCode,
  new (code: ErrorCode, detail: string, info?: ErrorInfo) => ChaincodeError
> = {
  NOT_FOUND: NotFoundError,
  ALREADY_EXISTS: AlreadyExistsError,
  DUPLICATE_HASH: DuplicateHashError,
  FORBIDDEN: ForbiddenError,
  INVALID_TRANSITION: InvalidTransitionError,
  INVALID_ARGUMENT: InvalidArgumentError,
  ALREADY_FINANCED: AlreadyFinancedError,
  INSUFFICIENT_BALANCE: InsufficientBalanceError,
  EXPIRED: ExpiredError,
  SCHEMA_MISMATCH: SchemaMismatchError,
  SIGNATURE_REQUIRED: SignatureRequiredError,
  BAD_SIGNATURE: BadSignatureError,
  KEY_NOT_BOUND: KeyNotBoundError,
  REPLAYED: ReplayedError,
  SIGNING_NOT_CONFIGURED: SigningNotConfiguredError,
  ALREADY_REMITTED: AlreadyRemittedError,
};

/** The typed error for a chaincode code. */
export function chaincodeError(
  code: ErrorCode,
  detail: string,
  info: ErrorInfo = {},
): ChaincodeError {
  const err = new BY_CODE[code](code, detail, info);
  err.name = BY_CODE[code].name;
  return err;
}

/** Whether a string is one of the chaincode's codes. */
export function isErrorCode(s: string): s is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ErrorCode, s);
}

/** Endorsement failed for a reason that is not a chaincode code (peer error, mismatched responses). */
export class EndorsementError extends LedgerError {
  constructor(message: string, info: ErrorInfo = {}) {
    super('ENDORSEMENT_FAILED', message, info);
    this.name = EndorsementError.name;
  }
}

/** No endorsing peer could be reached. */
export class PeerUnreachableError extends LedgerError {
  constructor(message: string, info: ErrorInfo = {}) {
    super('PEER_UNREACHABLE', message, info);
    this.name = PeerUnreachableError.name;
  }
}

/**
 * The channel refuses the identity itself (Fabric's "access denied"): its
 * certificate was revoked (a CRL in its organisation's MSP), has expired,
 * or is not of a channel member. Retrying cannot help.
 */
export class AccessDeniedError extends LedgerError {
  constructor(message: string, info: ErrorInfo = {}) {
    super('ACCESS_DENIED', message, info);
    this.name = AccessDeniedError.name;
  }
}

/**
 * An {@link AccessDeniedError} for a connection whose service discovery
 * the peers refused with "access denied" (reported as unreachable peers by
 * the connection), else undefined.
 */
export function accessDenied(err: unknown): AccessDeniedError | undefined {
  if (!(err instanceof PeerUnreachableError) || !/\baccess denied\b/.test(err.message))
    return undefined;
  return new AccessDeniedError(
    `the peers refuse this identity (access denied): its certificate may have been revoked or expired; ${err.message}`,
    { cause: err },
  );
}

/** The ordering service refused the transaction outright (e.g. no Raft leader): it was not ordered. */
export class OrdererUnavailableError extends LedgerError {
  constructor(message: string, info: ErrorInfo = {}) {
    super('ORDERER_UNAVAILABLE', message, info);
    this.name = OrdererUnavailableError.name;
  }
}

/** The transaction was ordered but invalidated at commit; `validationCode` is Fabric's (e.g. MVCC_READ_CONFLICT). */
export class CommitFailedError extends LedgerError {
  readonly validationCode: string;
  constructor(validationCode: string, message: string, info: ErrorInfo = {}) {
    super(validationCode, message, info);
    this.name = CommitFailedError.name;
    this.validationCode = validationCode;
  }
}

/** Invalidated by a concurrent write to a key it read (a lost race; safe to retry). */
export class MvccConflictError extends CommitFailedError {
  constructor(message: string, info: ErrorInfo = {}) {
    super('MVCC_READ_CONFLICT', message, info);
    this.name = MvccConflictError.name;
  }
}

/** Invalidated because its endorsements do not satisfy a key-level or chaincode policy. */
export class EndorsementPolicyError extends CommitFailedError {
  constructor(message: string, info: ErrorInfo = {}) {
    super('ENDORSEMENT_POLICY_FAILURE', message, info);
    this.name = EndorsementPolicyError.name;
  }
}

/** The commit was not seen in time and the ledger does not (yet) show the transaction: outcome unknown. */
export class CommitUnknownError extends LedgerError {
  constructor(message: string, info: ErrorInfo = {}) {
    super('COMMIT_UNKNOWN', message, info);
    this.name = CommitUnknownError.name;
  }
}

/** The typed error for a transaction invalidated at commit with Fabric's validation code `code`. */
export function commitError(
  code: string,
  message: string,
  transactionId: string,
  cause?: unknown,
): CommitFailedError {
  if (code === 'MVCC_READ_CONFLICT')
    return new MvccConflictError(message, { transactionId, cause });
  if (code === 'ENDORSEMENT_POLICY_FAILURE')
    return new EndorsementPolicyError(message, { transactionId, cause });
  return new CommitFailedError(code, message, { transactionId, cause });
}
