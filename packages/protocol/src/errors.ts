/**
 * Stable error codes. Clients map these, never the wording after them.
 * The list is append-only: never renumber, rename or reuse a code.
 */
export const ErrorCode = Object.freeze({
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  DUPLICATE_HASH: 'DUPLICATE_HASH',
  FORBIDDEN: 'FORBIDDEN',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  ALREADY_FINANCED: 'ALREADY_FINANCED',
  INSUFFICIENT_BALANCE: 'INSUFFICIENT_BALANCE',
  EXPIRED: 'EXPIRED',
  SCHEMA_MISMATCH: 'SCHEMA_MISMATCH',
  /** An enterprise write without the enterprise's EIP-712 signature on a network that requires one. */
  SIGNATURE_REQUIRED: 'SIGNATURE_REQUIRED',
  /** A signature that is malformed or not by the key it names over this request and domain. */
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  /** The signing key has no confirmed, unrevoked binding to the enterprise concerned. */
  KEY_NOT_BOUND: 'KEY_NOT_BOUND',
  /** A signature's nonce was used before: a replayed request. */
  REPLAYED: 'REPLAYED',
  /** The ledger's enterprise-signature settings were never configured. */
  SIGNING_NOT_CONFIGURED: 'SIGNING_NOT_CONFIGURED',
} as const);

/** One of the codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error whose message is `CODE: detail`, the only form a client may rely on. */
export class SwlError extends Error {
  public readonly code: ErrorCode;
  public readonly detail: string;

  constructor(code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = SwlError.name;
    this.code = code;
    this.detail = detail;
  }
}

/**
 * Throws a {@link SwlError}; a function so that guards read as one line.
 *
 * @throws SwlError always
 */
export function fail(code: ErrorCode, detail: string): never {
  throw new SwlError(code, detail);
}
