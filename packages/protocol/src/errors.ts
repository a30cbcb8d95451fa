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
  ALREADY_REMITTED: 'ALREADY_REMITTED',
} as const);

/** One of the codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Values a client needs from a refusal (the amount left, the document concerned), strings only. */
export type ErrorFields = Readonly<Record<string, string>>;

/**
 * Marks where a refusal's fields start in its detail: `CODE: text #fields={"left":"10.00"}`.
 * The fields are canonical JSON (sorted keys) on the same line.
 */
export const FIELDS_MARK = ' #fields=';

/**
 * An error whose message is `CODE: detail`, the only form a client may rely
 * on; `fields` travel at the end of the detail (see {@link FIELDS_MARK}).
 */
export class SwlError extends Error {
  public readonly code: ErrorCode;
  public readonly detail: string;
  public readonly fields: ErrorFields;

  constructor(code: ErrorCode, detail: string, fields: ErrorFields = {}) {
    super(`${code}: ${detail}${encodeFields(fields)}`);
    this.name = SwlError.name;
    this.code = code;
    this.detail = detail;
    this.fields = fields;
  }
}

function encodeFields(fields: ErrorFields): string {
  const names = Object.keys(fields).sort();
  if (names.length === 0) {
    return '';
  }
  const sorted: Record<string, string> = {};
  for (const name of names) {
    sorted[name] = fields[name] ?? '';
  }
  return `${FIELDS_MARK}${JSON.stringify(sorted)}`;
}

/**
 * Splits a refusal's detail (what follows `CODE: `) into its text and its
 * fields; a detail without fields, or with fields that are not an object of
 * strings, has none.
 */
export function splitDetail(detail: string): {
  readonly text: string;
  readonly fields: ErrorFields;
} {
  const at = detail.lastIndexOf(FIELDS_MARK);
  if (at < 0) {
    return { text: detail, fields: {} };
  }
  try {
    const parsed: unknown = JSON.parse(detail.slice(at + FIELDS_MARK.length));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { text: detail, fields: {} };
    }
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value !== 'string') {
        return { text: detail, fields: {} };
      }
      fields[name] = value;
    }
    return { text: detail.slice(0, at), fields };
  } catch {
    return { text: detail, fields: {} };
  }
}

/**
 * Throws a {@link SwlError}; a function so that guards read as one line.
 *
 * @throws SwlError always
 */
export function fail(code: ErrorCode, detail: string, fields?: ErrorFields): never {
  throw new SwlError(code, detail, fields);
}
