import { ErrorCode, fail } from './errors';

/**
 * The shapes of the identifiers every interface accepts, defined once: the
 * chaincode validates with them and the REST schemas are built from them.
 */
export const PATTERNS = Object.freeze({
  /** A document's business number: 1-64 of letters, digits and . _ / - */
  docId: /^[A-Za-z0-9._/-]{1,64}$/,
  /** SHA-256 of the exact file bytes, 64 lowercase hex. */
  sha256: /^[0-9a-f]{64}$/,
  /** An enterprise's 18-character Unified Social Credit Code. */
  uscc: /^[0-9A-HJ-NPQRTUWXY]{18}$/,
  /** A decimal amount: no leading zeros, at most 18 whole and 2 fraction digits. */
  amount: /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,2})?$/,
});
const DOC_ID = PATTERNS.docId;
const SHA256 = PATTERNS.sha256;
const USCC = PATTERNS.uscc;
const AMOUNT = PATTERNS.amount;
const CUSTOMS_OFFICE = /^[0-9]{4}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** ISO 4217 codes the ledger accepts. */
export const CURRENCIES: readonly string[] = Object.freeze([
  'AUD',
  'BRL',
  'CAD',
  'CHF',
  'CNY',
  'DKK',
  'EUR',
  'GBP',
  'HKD',
  'IDR',
  'INR',
  'JPY',
  'KRW',
  'MOP',
  'MYR',
  'NOK',
  'NZD',
  'PHP',
  'RUB',
  'SAR',
  'SEK',
  'SGD',
  'THB',
  'TWD',
  'USD',
  'VND',
  'ZAR',
]);

function invalid(field: string, detail: string): never {
  return fail(ErrorCode.INVALID_ARGUMENT, `${field} ${detail}`);
}

/** Returns `value` if it is a string, else throws INVALID_ARGUMENT. */
export function text(value: unknown, field: string, maxLength = 256): string {
  if (typeof value !== 'string') {
    return invalid(field, 'must be a string');
  }
  if (value.length > maxLength) {
    return invalid(field, `must be at most ${maxLength} characters`);
  }
  return value;
}

/** A business document number: 1–64 of `[A-Za-z0-9._/-]`. */
export function docId(value: unknown, field = 'docId'): string {
  const id = text(value, field, 64);
  return DOC_ID.test(id) ? id : invalid(field, 'must be 1-64 of [A-Za-z0-9._/-]');
}

/** A SHA-256 fingerprint: 64 lowercase hex digits. */
export function sha256(value: unknown, field = 'sha256'): string {
  const hash = text(value, field, 64);
  return SHA256.test(hash) ? hash : invalid(field, 'must be 64 lowercase hex digits');
}

/** A Unified Social Credit Code: 18 of `[0-9A-HJ-NPQRTUWXY]`. */
export function uscc(value: unknown, field: string): string {
  const code = text(value, field, 18);
  return USCC.test(code) ? code : invalid(field, 'must be an 18-character USCC');
}

/** A customs office code: 4 digits. */
export function customsOffice(value: unknown, field = 'customsOffice'): string {
  const code = text(value, field, 4);
  return CUSTOMS_OFFICE.test(code) ? code : invalid(field, 'must be a 4-digit customs office code');
}

/** An ISO 4217 currency from {@link CURRENCIES}. */
export function currency(value: unknown, field = 'currency'): string {
  const code = text(value, field, 3);
  return CURRENCIES.includes(code) ? code : invalid(field, 'must be a supported ISO 4217 code');
}

/** One of `options`. */
export function oneOf<T extends string>(value: unknown, options: readonly T[], field: string): T {
  const chosen = options.find((option) => option === value);
  return chosen ?? invalid(field, `must be one of ${options.join(', ')}`);
}

/**
 * Parses a positive decimal string with at most 2 fraction digits into
 * integer cents. Amounts never pass through floating point.
 */
export function amountCents(value: unknown, field = 'amount', allowZero = false): bigint {
  const amount = text(value, field, 21);
  const match = AMOUNT.exec(amount);
  if (match === null) {
    return invalid(field, 'must be a decimal string with at most 2 fraction digits');
  }
  const whole = BigInt(match[1] ?? '0');
  const fraction = BigInt((match[2] ?? '.').slice(1).padEnd(2, '0'));
  const cents = whole * 100n + fraction;
  return cents > 0n || allowZero ? cents : invalid(field, 'must be positive');
}

/** Formats integer cents as a decimal string with exactly 2 fraction digits. */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const magnitude = cents < 0n ? -cents : cents;
  const fraction = (magnitude % 100n).toString().padStart(2, '0');
  return `${sign}${(magnitude / 100n).toString()}.${fraction}`;
}

/** True when `value` is an amount the chaincode accepts (positive, at most 2 fraction digits). */
export function isAmount(value: string): boolean {
  const match = AMOUNT.exec(value);
  return match !== null && /[1-9]/.test(value);
}

/** A positive amount, normalised to 2 fraction digits. */
export function amount(value: unknown, field = 'amount'): string {
  return formatCents(amountCents(value, field));
}

/** An ISO 8601 UTC timestamp (`…Z`), normalised to milliseconds. */
export function isoTime(value: unknown, field: string): string {
  const stamp = text(value, field, 30);
  const millis = ISO_TIME.test(stamp) ? Date.parse(stamp) : Number.NaN;
  return Number.isFinite(millis)
    ? new Date(millis).toISOString()
    : invalid(field, 'must be an ISO 8601 UTC timestamp');
}

/** An integer in [min, max]. Accepts a decimal string, as contract arguments are strings. */
export function integer(value: unknown, field: string, min: number, max: number): number {
  const parsed = typeof value === 'string' && /^-?[0-9]{1,9}$/.test(value) ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isSafeInteger(parsed)) {
    return invalid(field, 'must be an integer');
  }
  return parsed >= min && parsed <= max ? parsed : invalid(field, `must be in [${min}, ${max}]`);
}

/**
 * Checks that `value` is a plain object holding every `required` field and
 * nothing outside `required` and `optional`.
 */
export function fields(
  value: unknown,
  field: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Readonly<Record<string, unknown>> {
  if (!isPlainObject(value)) {
    return invalid(field, 'must be a JSON object');
  }
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      invalid(field, `has unknown field ${JSON.stringify(key)}`);
    }
  }
  for (const key of required) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) {
      invalid(field, `lacks field ${key}`);
    }
  }
  return value;
}

/** A list of at most `max` items. */
export function list(value: unknown, field: string, max: number): readonly unknown[] {
  if (!Array.isArray(value)) {
    return invalid(field, 'must be a JSON array');
  }
  return value.length <= max ? value : invalid(field, `must hold at most ${max} items`);
}

/** Distinct docIds, at most `max`, sorted so that equal inputs store equal bytes. */
export function docIdList(value: unknown, field: string, max: number): string[] {
  const ids = list(value, field, max).map((item, index) => docId(item, `${field}[${index}]`));
  if (new Set(ids).size !== ids.length) {
    return invalid(field, 'must not repeat a docId');
  }
  return [...ids].sort();
}

/**
 * Parses a JSON contract argument, rejecting keys that could reach an
 * object prototype anywhere in the tree.
 */
export function parseJson(argument: string, field: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text(argument, field, 4_000_000));
  } catch {
    return invalid(field, 'must be valid JSON');
  }
  rejectForbiddenKeys(parsed, field);
  return parsed;
}

function rejectForbiddenKeys(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => rejectForbiddenKeys(item, `${path}[${index}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        invalid(path, `must not contain the key ${key}`);
      }
      rejectForbiddenKeys(child, `${path}.${key}`);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
