import { randomBytes } from 'node:crypto';
import { sha256OfBuffer, DocumentInput } from '@swledger/sdk';

/** The two demo enterprises of the topology. */
export const ALPHA = '91310000MA1K4A7B2X';
export const BETA = '91440300MA5F8C6D3Y';

/** A docId unique to this test run. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** File bytes no other test registers, and their fingerprint. */
export function newFile(label = 'doc'): { buffer: Buffer; sha256: string } {
  const buffer = Buffer.from(`${label}:${randomBytes(16).toString('hex')}\n`);
  return { buffer, sha256: sha256OfBuffer(buffer) };
}

/** A declaration registration for an enterprise. */
export function declaration(
  owner: string,
  docId = uniqueId('DEC'),
  direction: 'IMPORT' | 'EXPORT' = 'EXPORT',
  links: string[] = [],
): DocumentInput {
  return {
    type: 'CUSTOMS_DECLARATION',
    docId,
    owner,
    links,
    facts: { direction, customsOffice: '2200', declaredValue: '125000.00', currency: 'USD' },
  };
}

/** An invoice registration (the owner sells to the other enterprise). */
export function invoice(owner: string, amount = '1000.00', docId = uniqueId('INV')): DocumentInput {
  return {
    type: 'COMMERCIAL_INVOICE',
    docId,
    owner,
    facts: { seller: owner, buyer: owner === ALPHA ? BETA : ALPHA, amount, currency: 'USD' },
  };
}

/** A contract registration. */
export function contract(owner: string, docId = uniqueId('CON')): DocumentInput {
  return {
    type: 'CONTRACT',
    docId,
    owner,
    facts: {
      seller: owner,
      buyer: owner === ALPHA ? BETA : ALPHA,
      amount: '125000.00',
      currency: 'USD',
    },
  };
}

/** Asserts that a promise rejects with an error carrying `code`; returns the error. */
export async function rejectsWithCode(
  promise: Promise<unknown>,
  code: string,
): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code !== code)
      throw new Error(`expected code ${code}, got ${e.code ?? 'none'}: ${e.message}`);
    return e as Error & { code: string };
  }
  throw new Error(`expected a rejection with code ${code}, but the call succeeded`);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
