import { expect } from 'chai';
import { type Actor } from '@swledger/protocol/actor';
import { type ErrorCode, SwlError } from '@swledger/protocol/errors';
import { type DocRecord, type DocType, type State, type Tx } from '@swledger/protocol/record';
import { newRecord } from '@swledger/protocol/register';

/** Test USCCs: the owner of every sample record, and a second enterprise. */
export const OWNER = '91310000MA1FL8XQ3B';
export const OTHER = '91440300MA5EXAMPLE';

/** One actor per role that matters to the rules. */
export const actors = {
  officer: { msp: 'CustomsMSP', role: 'officer', id: 'x509::/CN=officer1::/CN=ca.customs' },
  customsAuditor: { msp: 'CustomsMSP', role: 'auditor', id: 'x509::/CN=auditor1::/CN=ca.customs' },
  customsVerifier: {
    msp: 'CustomsMSP',
    role: 'verifier',
    id: 'x509::/CN=verifier::/CN=ca.customs',
  },
  clerkA: { msp: 'BankAMSP', role: 'clerk', id: 'x509::/CN=clerk1::/CN=ca.banka' },
  clerkB: { msp: 'BankBMSP', role: 'clerk', id: 'x509::/CN=clerk1::/CN=ca.bankb' },
  bankAuditor: { msp: 'BankAMSP', role: 'auditor', id: 'x509::/CN=auditor1::/CN=ca.banka' },
  owner: {
    msp: 'EnterpriseMSP',
    role: 'enterprise',
    entity: OWNER,
    id: 'x509::/CN=ent1::/CN=ca.ent',
  },
  stranger: {
    msp: 'EnterpriseMSP',
    role: 'enterprise',
    entity: OTHER,
    id: 'x509::/CN=ent2::/CN=ca.ent',
  },
  enterpriseVerifier: {
    msp: 'EnterpriseMSP',
    role: 'verifier',
    id: 'x509::/CN=verifier::/CN=ca.ent',
  },
  officerAtBank: { msp: 'BankAMSP', role: 'officer', id: 'x509::/CN=odd::/CN=ca.banka' },
  clerkAtCustoms: { msp: 'CustomsMSP', role: 'clerk', id: 'x509::/CN=odd::/CN=ca.customs' },
  noRole: { msp: 'CustomsMSP', role: '', id: 'x509::/CN=nobody::/CN=ca.customs' },
  outsider: { msp: 'OtherMSP', role: 'officer', id: 'x509::/CN=officer::/CN=ca.other' },
} as const satisfies Record<string, Actor>;

/** Name of an entry in {@link actors}. */
export type ActorName = keyof typeof actors;

/** Every actor name. */
export const ACTOR_NAMES = Object.keys(actors) as ActorName[];

/** The transaction every sample runs in. */
export const TX: Tx = { id: 'tx-0001', time: '2026-03-01T10:00:00.000Z' };

/** A later transaction. */
export const LATER: Tx = { id: 'tx-0002', time: '2026-03-02T10:00:00.000Z' };

/** A 64-hex fingerprint made from one character. */
export function hashOf(char: string): string {
  return char.repeat(64);
}

/** Registration inputs per family. */
export function inputFor(
  type: DocType,
  docId = `${type.slice(0, 3)}-001`,
  sha256 = hashOf('a'),
): Record<string, unknown> {
  switch (type) {
    case 'CUSTOMS_DECLARATION':
      return {
        type,
        docId,
        sha256,
        owner: OWNER,
        links: ['INV-001'],
        facts: {
          direction: 'IMPORT',
          customsOffice: '2201',
          declaredValue: '125000.5',
          currency: 'USD',
        },
      };
    case 'COMMERCIAL_INVOICE':
      return {
        type,
        docId,
        sha256,
        owner: OWNER,
        facts: { seller: OTHER, buyer: OWNER, amount: '1000', currency: 'USD' },
      };
    case 'CONTRACT':
      return {
        type,
        docId,
        sha256,
        owner: OWNER,
        facts: { buyer: OWNER, seller: OTHER, amount: '50000.00', currency: 'EUR' },
      };
    case 'TARIFF_GUARANTEE':
      return {
        type,
        docId,
        sha256,
        owner: OWNER,
        facts: {
          bankMsp: 'BankAMSP',
          customsOffice: '2201',
          amount: '1000',
          validFrom: '2026-01-01T00:00:00Z',
          validTo: '2026-12-31T23:59:59Z',
        },
      };
  }
}

/**
 * A guarantee application whose window ends `millis` after the real clock:
 * for contract tests, whose transactions carry the current time.
 */
export function guaranteeValidFor(millis: number, docId = 'TAR-001', sha256 = hashOf('7')) {
  const input = inputFor('TARIFF_GUARANTEE', docId, sha256);
  return {
    ...input,
    facts: {
      ...(input.facts as Record<string, string>),
      validTo: new Date(Date.now() + millis).toISOString(),
    },
  };
}

/** A freshly registered record of `type`, its state overridden by `state`. */
export function recordOf(
  type: DocType,
  state: Partial<State> = {},
  input = inputFor(type),
): DocRecord {
  const record = newRecord(input, actors.owner, TX);
  return { facts: record.facts, state: { ...record.state, ...state } };
}

/**
 * Runs `act` and returns the coded error it throws.
 *
 * @throws AssertionError when it throws nothing or another code
 */
export function expectCode(act: () => unknown, code: ErrorCode): SwlError {
  try {
    act();
  } catch (err) {
    expect(err).to.be.instanceOf(SwlError);
    expect((err as SwlError).code).to.equal(code, (err as Error).message);
    expect((err as Error).message.startsWith(`${code}: `)).to.equal(true);
    return err as SwlError;
  }
  return expect.fail(`expected ${code}, nothing was thrown`);
}

/** {@link expectCode} for asynchronous work. */
export async function expectCodeAsync(
  act: () => Promise<unknown>,
  code: ErrorCode,
): Promise<SwlError> {
  try {
    await act();
  } catch (err) {
    expect(err).to.be.instanceOf(SwlError);
    expect((err as SwlError).code).to.equal(code, (err as Error).message);
    return err as SwlError;
  }
  return expect.fail(`expected ${code}, nothing was thrown`);
}
