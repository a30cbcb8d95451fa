import { ErrorCode, fail } from './errors';

/** Version of every value the chaincode stores; bumped only with a migration. */
export const SCHEMA_VERSION = 1;

/** A value the canonical form can hold. */
export type Json =
  null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * Serialises `value` as JSON with object keys sorted at every depth, so equal
 * values always give equal bytes on every peer. Omits undefined fields and
 * refuses what JSON cannot hold faithfully (non-integer or unsafe numbers,
 * functions, bigint).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalise(value, '$'));
}

/** {@link canonicalJson} as UTF-8 bytes. */
export function encode(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/**
 * Decodes stored bytes, checks the schema version and hands the object to
 * `check`, which re-validates its shape before anything uses it.
 *
 * @throws SwlError SCHEMA_MISMATCH when the bytes are not a value this version wrote
 */
export function decode<T>(
  bytes: Uint8Array,
  what: string,
  check: (value: Readonly<Record<string, unknown>>) => T,
): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return fail(ErrorCode.SCHEMA_MISMATCH, `${what} is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail(ErrorCode.SCHEMA_MISMATCH, `${what} is not an object`);
  }
  const record = parsed as Readonly<Record<string, unknown>>;
  if (record.schemaVersion !== SCHEMA_VERSION) {
    return fail(
      ErrorCode.SCHEMA_MISMATCH,
      `${what} has schemaVersion ${String(record.schemaVersion)}`,
    );
  }
  return check(record);
}

function canonicalise(value: unknown, path: string): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new Error(`canonical JSON holds only safe integers (at ${path})`);
    }
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => canonicalise(item, `${path}[${index}]`));
  }
  if (typeof value === 'object') {
    const sorted = Object.create(null) as Record<string, Json>;
    for (const key of Object.keys(value).sort()) {
      const child: unknown = (value as Record<string, unknown>)[key];
      if (child !== undefined) {
        sorted[key] = canonicalise(child, `${path}.${key}`);
      }
    }
    return sorted;
  }
  throw new Error(`canonical JSON cannot hold a ${typeof value} (at ${path})`);
}
