import { ErrorRequestHandler } from 'express';
import {
  AccessDeniedError,
  ChaincodeError,
  CommitFailedError,
  CommitUnknownError,
  LedgerError,
  PeerUnreachableError,
} from '@swledger/sdk';

/** An error the service answers with: HTTP status, stable code, a message for people. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Values a client needs from a refusal (e.g. `left`); omitted from the body when empty. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = HttpError.name;
  }
}

/** HTTP status of each chaincode code. */
const CHAINCODE_STATUS: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  DUPLICATE_HASH: 409,
  ALREADY_FINANCED: 409,
  ALREADY_REMITTED: 409,
  INVALID_TRANSITION: 422,
  INSUFFICIENT_BALANCE: 422,
  EXPIRED: 422,
  SCHEMA_MISMATCH: 500,
  SIGNATURE_REQUIRED: 403,
  BAD_SIGNATURE: 403,
  KEY_NOT_BOUND: 403,
  REPLAYED: 409,
  SIGNING_NOT_CONFIGURED: 503,
};

/** The answer for any error: never a stack trace or a raw Fabric message. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ChaincodeError)
    return new HttpError(CHAINCODE_STATUS[err.code] ?? 500, err.code, err.detail, {}, err.fields);
  if (err instanceof AccessDeniedError)
    return new HttpError(
      403,
      err.code,
      "the ledger refuses this token's identity (its certificate was revoked or has expired)",
    );
  if (err instanceof PeerUnreachableError)
    return new HttpError(503, err.code, 'the ledger is not reachable; retry later', {
      'Retry-After': '5',
    });
  if (err instanceof CommitUnknownError)
    return new HttpError(
      503,
      err.code,
      `the outcome of transaction ${err.transactionId ?? ''} is not known yet; retry with the same Idempotency-Key`,
      { 'Retry-After': '5' },
    );
  if (err instanceof CommitFailedError)
    return new HttpError(
      409,
      err.code,
      `transaction ${err.transactionId ?? ''} was invalidated at commit (${err.validationCode}); retry`,
    );
  if (err instanceof LedgerError)
    return new HttpError(503, err.code, 'the ledger could not process the request; retry later', {
      'Retry-After': '5',
    });
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large')
    return new HttpError(413, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
  if (e?.type === 'entity.parse.failed')
    return new HttpError(400, 'INVALID_ARGUMENT', 'the request body is not valid JSON');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new HttpError(e.status, 'BAD_REQUEST', 'the request could not be read');
  return new HttpError(500, 'INTERNAL', 'internal error');
}

/** The one error middleware: `{ "error": { "code", "message", "fields"? } }` with the mapped status. */
export function errorMiddleware(log: (line: string) => void): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const http = toHttpError(err);
    if (http.status >= 500)
      log(
        `${req.method} ${req.originalUrl} -> ${http.status} ${http.code}: ${err instanceof Error ? err.message : String(err)}`,
      );
    res
      .status(http.status)
      .set(http.headers)
      .json({
        error: {
          code: http.code,
          message: http.message,
          ...(Object.keys(http.fields).length === 0 ? {} : { fields: http.fields }),
        },
      });
  };
}
