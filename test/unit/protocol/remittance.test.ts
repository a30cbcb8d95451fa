import { expect } from 'chai';
import { ErrorCode } from '@swledger/protocol/errors';
import { type DocRecord, type State } from '@swledger/protocol/record';
import { newRecord } from '@swledger/protocol/register';
import {
  checkRemittance,
  parseRemittanceRequest,
  remit,
  type RemittanceRequest,
} from '@swledger/protocol/remittance';
import { emptyTotals, type Totals } from '@swledger/protocol/totals';
import { actors, expectCode, OTHER, OWNER, TX } from '../chaincode/fixtures';

/** OWNER imports from OTHER: OWNER declares IMPORT, is the invoice's buyer and pays. */
function importer(
  overrides: {
    declaration?: Partial<State>;
    invoice?: Partial<State>;
    contract?: Partial<State>;
    invoiceFacts?: Record<string, string>;
    declarationFacts?: Record<string, string>;
    declarationOwner?: string;
    links?: string[];
  } = {},
): { declaration: DocRecord; invoice: DocRecord; contract: DocRecord } {
  const make = (input: Record<string, unknown>, state: Partial<State> = {}): DocRecord => {
    const owner = input.owner as string;
    const actor = { ...actors.owner, entity: owner };
    const record = newRecord(input, actor, TX);
    return { facts: record.facts, state: { ...record.state, ...state } };
  };
  return {
    declaration: make(
      {
        type: 'CUSTOMS_DECLARATION',
        docId: 'DEC-1',
        sha256: 'd'.repeat(64),
        owner: overrides.declarationOwner ?? OWNER,
        links: overrides.links ?? ['CON-1', 'INV-1'],
        facts: {
          direction: 'IMPORT',
          customsOffice: '2201',
          declaredValue: '1000.00',
          currency: 'USD',
          ...overrides.declarationFacts,
        },
      },
      { status: 'RELEASED', ...overrides.declaration },
    ),
    invoice: make(
      {
        type: 'COMMERCIAL_INVOICE',
        docId: 'INV-1',
        sha256: 'e'.repeat(64),
        owner: OWNER,
        facts: {
          seller: OTHER,
          buyer: OWNER,
          amount: '800.00',
          currency: 'USD',
          ...overrides.invoiceFacts,
        },
      },
      overrides.invoice,
    ),
    contract: make(
      {
        type: 'CONTRACT',
        docId: 'CON-1',
        sha256: 'f'.repeat(64),
        owner: OWNER,
        facts: { seller: OTHER, buyer: OWNER, amount: '5000.00', currency: 'USD' },
      },
      overrides.contract,
    ),
  };
}

function request(overrides: Partial<RemittanceRequest> = {}): RemittanceRequest {
  return {
    remittanceId: 'RM-1',
    declarationDocId: 'DEC-1',
    invoiceDocId: 'INV-1',
    contractDocId: 'CON-1',
    direction: 'OUTWARD',
    payer: OWNER,
    amount: '300.00',
    currency: 'USD',
    ...overrides,
  };
}

function totals(declarationRemitted = '0.00', invoiceRemitted = '0.00') {
  const withRemitted = (t: Totals, remitted: string): Totals => ({ ...t, remitted });
  return {
    declaration: withRemitted(emptyTotals('CUSTOMS_DECLARATION', 'DEC-1'), declarationRemitted),
    invoice: withRemitted(emptyTotals('COMMERCIAL_INVOICE', 'INV-1'), invoiceRemitted),
  };
}

describe('protocol/remittance', () => {
  it('records an outward payment against an IMPORT declaration and adds it to both totals', () => {
    const result = remit(importer(), totals('100.00', '50.00'), request(), actors.clerkA, TX);

    expect(result.remittance).to.deep.include({
      payer: OWNER,
      payee: OTHER,
      bankMsp: 'BankAMSP',
      amount: '300.00',
      txId: TX.id,
    });
    expect(result.declaration.remitted).to.equal('400.00');
    expect(result.invoice.remitted).to.equal('350.00');
    expect(checkRemittance({ ...result.remittance })).to.deep.equal(result.remittance);
  });

  it('records an inward receipt against an EXPORT declaration of the payee', () => {
    const docs = importer({
      declarationOwner: OTHER,
      declarationFacts: { direction: 'EXPORT' },
    });

    const result = remit(docs, totals(), request({ direction: 'INWARD' }), actors.clerkB, TX);

    expect(result.remittance.payee).to.equal(OTHER);
  });

  it('refuses past the declared value with the amount left as a field (ALREADY_REMITTED)', () => {
    const err = expectCode(
      () => remit(importer(), totals('900.00'), request({ amount: '100.01' }), actors.clerkA, TX),
      ErrorCode.ALREADY_REMITTED,
    );

    expect(err.fields).to.deep.equal({
      currency: 'USD',
      docId: 'DEC-1',
      left: '100.00',
      type: 'CUSTOMS_DECLARATION',
    });
    expect(err.message).to.match(/#fields=\{"currency":"USD","docId":"DEC-1","left":"100.00"/);
  });

  it('refuses past the invoice amount with the invoice and what is left', () => {
    const err = expectCode(
      () =>
        remit(
          importer(),
          totals('0.00', '700.00'),
          request({ amount: '100.01' }),
          actors.clerkA,
          TX,
        ),
      ErrorCode.ALREADY_REMITTED,
    );

    expect(err.fields).to.include({ docId: 'INV-1', left: '100.00', type: 'COMMERCIAL_INVOICE' });
  });

  it('accepts exactly the amount left', () => {
    const result = remit(
      importer(),
      totals('0.00', '700.00'),
      request({ amount: '100' }),
      actors.clerkA,
      TX,
    );

    expect(result.invoice.remitted).to.equal('800.00');
  });

  const refusals: readonly [string, () => unknown, ErrorCode][] = [
    [
      'a customs officer',
      () => remit(importer(), totals(), request(), actors.officer, TX),
      ErrorCode.FORBIDDEN,
    ],
    [
      'a bank auditor',
      () => remit(importer(), totals(), request(), actors.bankAuditor, TX),
      ErrorCode.FORBIDDEN,
    ],
    [
      'an enterprise',
      () => remit(importer(), totals(), request(), actors.owner, TX),
      ErrorCode.FORBIDDEN,
    ],
    [
      'an INWARD receipt against an IMPORT declaration',
      () => remit(importer(), totals(), request({ direction: 'INWARD' }), actors.clerkA, TX),
      ErrorCode.INVALID_ARGUMENT,
    ],
    [
      'a payer that is not the invoice buyer',
      () => remit(importer(), totals(), request({ payer: OTHER }), actors.clerkA, TX),
      ErrorCode.INVALID_ARGUMENT,
    ],
    [
      "another enterprise's declaration",
      () => remit(importer({ declarationOwner: OTHER }), totals(), request(), actors.clerkA, TX),
      ErrorCode.INVALID_ARGUMENT,
    ],
    [
      'a SUBMITTED declaration',
      () =>
        remit(
          importer({ declaration: { status: 'SUBMITTED' } }),
          totals(),
          request(),
          actors.clerkA,
          TX,
        ),
      ErrorCode.INVALID_TRANSITION,
    ],
    [
      'a REJECTED declaration',
      () =>
        remit(
          importer({ declaration: { status: 'REJECTED' } }),
          totals(),
          request(),
          actors.clerkA,
          TX,
        ),
      ErrorCode.INVALID_TRANSITION,
    ],
    [
      'a CANCELLED invoice',
      () =>
        remit(
          importer({ invoice: { status: 'CANCELLED' } }),
          totals(),
          request(),
          actors.clerkA,
          TX,
        ),
      ErrorCode.INVALID_TRANSITION,
    ],
    [
      'a TERMINATED contract',
      () =>
        remit(
          importer({ contract: { status: 'TERMINATED' } }),
          totals(),
          request(),
          actors.clerkA,
          TX,
        ),
      ErrorCode.INVALID_TRANSITION,
    ],
    [
      'a currency other than the documents’',
      () => remit(importer(), totals(), request({ currency: 'EUR' }), actors.clerkA, TX),
      ErrorCode.INVALID_ARGUMENT,
    ],
    [
      'an invoice in another currency',
      () =>
        remit(
          importer({ invoiceFacts: { currency: 'EUR' } }),
          totals(),
          request(),
          actors.clerkA,
          TX,
        ),
      ErrorCode.INVALID_ARGUMENT,
    ],
    [
      'a contract between other parties',
      () =>
        remit(
          importer({ invoiceFacts: { seller: '91110000MA00000001' } }),
          totals(),
          request(),
          actors.clerkA,
          TX,
        ),
      ErrorCode.INVALID_ARGUMENT,
    ],
    [
      'a declaration that does not link the invoice',
      () => remit(importer({ links: ['CON-1'] }), totals(), request(), actors.clerkA, TX),
      ErrorCode.INVALID_ARGUMENT,
    ],
    [
      'a contract linked from neither document',
      () => remit(importer({ links: ['INV-1'] }), totals(), request(), actors.clerkA, TX),
      ErrorCode.INVALID_ARGUMENT,
    ],
  ];
  for (const [what, act, code] of refusals) {
    it(`refuses ${what} (${code})`, () => {
      expectCode(act, code);
    });
  }

  const badRequests: readonly [string, Record<string, unknown>][] = [
    ['a negative amount', { amount: '-1.00' }],
    ['a zero amount', { amount: '0' }],
    ['an oversized amount', { amount: '1'.repeat(30) }],
    ['three fraction digits', { amount: '1.001' }],
    ['an unknown direction', { direction: 'SIDEWAYS' }],
    ['a malformed payer', { payer: 'nobody' }],
    ['an unknown field', { extra: 'x' }],
  ];
  for (const [what, change] of badRequests) {
    it(`refuses a request with ${what} (INVALID_ARGUMENT)`, () => {
      expectCode(
        () => parseRemittanceRequest({ ...request(), ...change }),
        ErrorCode.INVALID_ARGUMENT,
      );
    });
  }
});
