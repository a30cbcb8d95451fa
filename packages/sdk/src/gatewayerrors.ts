/**
 * The Gateway transport's errors as the SDK's typed errors, from what the
 * Gateway reports in fields: the gRPC status code, the error class (which
 * step failed: endorse, submit, commit status), the transaction's
 * validation code, and each failing peer's or orderer's detail. Text is
 * read only where Fabric puts a code into it: the chaincode's own
 * `CODE: detail` (after the Gateway's "chaincode response <status>, "), an
 * orderer's `status=NAME`, and the endorser's "access denied" (its ACL
 * check has no code of its own).
 */
import {
  CommitError,
  CommitStatusError,
  EndorseError,
  GatewayError,
  StatusCode,
  type SubmitError,
} from '@hyperledger/fabric-gateway';
import {
  AccessDeniedError,
  chaincodeError,
  commitError,
  EndorsementError,
  isErrorCode,
  LedgerError,
  OrdererUnavailableError,
  PeerUnreachableError,
} from './errors';

/** gRPC status codes (https://grpc.io/docs/guides/status-codes/). */
export const Grpc = Object.freeze({
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNAVAILABLE: 14,
});

const VALIDATION_CODE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(StatusCode).map(([name, code]) => [code, name]),
);

/** Fabric's name of a validation code (e.g. 11 → MVCC_READ_CONFLICT). */
export function validationCodeName(code: number): string {
  return VALIDATION_CODE_NAMES.get(code) ?? String(code);
}

/** The chaincode's error as the Gateway reports a peer's answer: `chaincode response 500, CODE: detail`. */
const CHAINCODE_RESPONSE = /chaincode response \d+, ([A-Z][A-Z_]+): ([^\n]*)/;
/** An orderer's answer to a broadcast, as the Gateway reports it. */
const ORDERER_STATUS = /\bstatus=([A-Z_]+)/;
/** The endorser's refusal of the proposal's creator (revoked, expired or not a member). */
const ACCESS_DENIED = /\baccess denied\b/i;

/** Orderer statuses that say the transaction was not ordered and may be sent again later. */
const ORDERER_BUSY = new Set(['SERVICE_UNAVAILABLE', 'NOT_FOUND']);

/** fabric-gateway 1.11 exports SubmitError as a type only: recognised by its name. */
function isSubmitError(err: unknown): err is SubmitError {
  return err instanceof GatewayError && err.name === 'SubmitError';
}

/** Every message of a Gateway error: its own, then each failing endpoint's. */
export function gatewayMessages(err: GatewayError): string[] {
  return [err.message, ...err.details.map((d) => `${d.mspId} ${d.address}: ${d.message}`)];
}

function summary(err: GatewayError): string {
  return gatewayMessages(err).join('; ').slice(0, 1000);
}

/**
 * Whether a failed submit or commit-status call leaves the outcome unknown:
 * the transaction may have been ordered, so it must be looked up by its id,
 * never reported as refused. An orderer's explicit refusal (a status in the
 * answer) is definitive.
 */
export function isAmbiguousGatewayFailure(err: unknown): boolean {
  if (err instanceof CommitStatusError) return err.code !== Grpc.PERMISSION_DENIED;
  if (!isSubmitError(err)) return false;
  if (err.code === Grpc.DEADLINE_EXCEEDED || err.code === Grpc.CANCELLED) return true;
  if (err.code === Grpc.UNKNOWN) return true;
  // Every orderer refused with a status (no details) or none could be reached before sending:
  // details name the broadcasts that broke, possibly after the orderer took the envelope.
  return err.code === Grpc.UNAVAILABLE && err.details.length > 0;
}

/**
 * Turns an error of the Gateway transport into the SDK's typed errors,
 * with the same codes as the fabric-network transport.
 * @param err what fabric-gateway threw
 * @param transactionId the transaction concerned, if any
 */
export function mapGatewayError(err: unknown, transactionId: string | undefined): LedgerError {
  if (err instanceof LedgerError) return err;
  if (err instanceof CommitError) {
    const code = validationCodeName(err.code);
    return commitError(
      code,
      `transaction ${err.transactionId} was invalidated at commit: ${code}`,
      err.transactionId,
      err,
    );
  }
  if (!(err instanceof GatewayError)) return otherError(err, transactionId);
  const id = transactionId ?? transactionIdOf(err);
  const info = { transactionId: id, cause: err };
  for (const message of gatewayMessages(err)) {
    const coded = CHAINCODE_RESPONSE.exec(message);
    if (coded?.[1] !== undefined && isErrorCode(coded[1]))
      return chaincodeError(coded[1], (coded[2] ?? '').trim(), info);
  }
  if (
    err.code === Grpc.PERMISSION_DENIED ||
    gatewayMessages(err).some((m) => ACCESS_DENIED.test(m))
  )
    return new AccessDeniedError(
      `the peers refuse this identity (access denied): its certificate may have been revoked or expired; ${summary(err)}`,
      info,
    );
  if (isSubmitError(err)) return submitError(err, info);
  if (
    err.code === Grpc.UNAVAILABLE ||
    err.code === Grpc.DEADLINE_EXCEEDED ||
    err.code === Grpc.FAILED_PRECONDITION
  )
    return new PeerUnreachableError(`no endorsing peer could be reached: ${summary(err)}`, info);
  return new EndorsementError(summary(err), info);
}

function submitError(
  err: SubmitError,
  info: { transactionId: string | undefined; cause: unknown },
): LedgerError {
  const status = ORDERER_STATUS.exec(err.message)?.[1];
  if (err.code === Grpc.UNAVAILABLE || (status !== undefined && ORDERER_BUSY.has(status)))
    return new OrdererUnavailableError(
      `the ordering service refused the transaction: ${summary(err)}`,
      info,
    );
  if (status === 'FORBIDDEN')
    return new AccessDeniedError(
      `the ordering service refuses this identity: ${summary(err)}`,
      info,
    );
  return new EndorsementError(
    `the ordering service refused the transaction: ${summary(err)}`,
    info,
  );
}

function transactionIdOf(err: GatewayError): string | undefined {
  return err instanceof EndorseError || isSubmitError(err) || err instanceof CommitStatusError
    ? err.transactionId
    : undefined;
}

/** A gRPC error thrown outside fabric-gateway's classes (e.g. by the event stream), or anything else. */
function otherError(err: unknown, transactionId: string | undefined): LedgerError {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === Grpc.UNAVAILABLE || code === Grpc.DEADLINE_EXCEEDED)
    return new PeerUnreachableError(`the peer could not be reached: ${message}`, {
      transactionId,
      cause: err,
    });
  if (code === Grpc.PERMISSION_DENIED)
    return new AccessDeniedError(`the peer refuses this identity: ${message}`, {
      transactionId,
      cause: err,
    });
  return new EndorsementError(message, { transactionId, cause: err });
}
