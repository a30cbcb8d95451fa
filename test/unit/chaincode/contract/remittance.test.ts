import { expect } from 'chai';
import { DocumentContract } from '@swledger/chaincode/contract/document';
import { InvoiceContract } from '@swledger/chaincode/contract/invoice';
import { RemittanceContract } from '@swledger/chaincode/contract/remittance';
import { ShipmentContract } from '@swledger/chaincode/contract/shipment';
import { ErrorCode } from '@swledger/protocol/errors';
import { type FullView } from '@swledger/protocol/view';
import { actors, OTHER, OWNER } from '../fixtures';
import { policyFor, refused, snapshot, submit, writeOncePolicy } from './harness';
import { MemoryStub } from './memory-stub';

const documents = new DocumentContract();
const remit = new RemittanceContract();
const shipments = new ShipmentContract();
const invoices = new InvoiceContract();

/** OWNER exports to OTHER: an EXPORT declaration of 1000 USD linking an invoice of 800 and a contract. */
async function exportShipment(stub: MemoryStub, declaredValue = '1000.00'): Promise<void> {
  const register = (input: Record<string, unknown>) =>
    submit(stub, documents, actors.owner, (ctx) =>
      documents.register(ctx, JSON.stringify(input), ''),
    );
  await register({
    type: 'CONTRACT',
    docId: 'CON-1',
    sha256: 'c'.repeat(64),
    owner: OWNER,
    facts: { seller: OWNER, buyer: OTHER, amount: '5000.00', currency: 'USD' },
  });
  await register({
    type: 'COMMERCIAL_INVOICE',
    docId: 'INV-1',
    sha256: 'e'.repeat(64),
    owner: OWNER,
    links: ['CON-1'],
    facts: { seller: OWNER, buyer: OTHER, amount: '800.00', currency: 'USD' },
  });
  await register({
    type: 'CUSTOMS_DECLARATION',
    docId: 'DEC-1',
    sha256: 'd'.repeat(64),
    owner: OWNER,
    links: ['CON-1', 'INV-1'],
    facts: { direction: 'EXPORT', customsOffice: '2201', declaredValue, currency: 'USD' },
  });
}

function request(amount: string, remittanceId = 'RM-1'): string {
  return JSON.stringify({
    remittanceId,
    declarationDocId: 'DEC-1',
    invoiceDocId: 'INV-1',
    contractDocId: 'CON-1',
    direction: 'INWARD',
    payer: OTHER,
    amount,
    currency: 'USD',
  });
}

describe('contract/remittance and contract/shipment', () => {
  let stub: MemoryStub;

  beforeEach(async () => {
    stub = new MemoryStub();
    await exportShipment(stub);
  });

  it('refuses a remittance against a SUBMITTED declaration, ledger unchanged', async () => {
    const before = snapshot(stub);

    await refused(
      stub,
      remit,
      actors.clerkA,
      (ctx) => remit.record(ctx, request('10')),
      ErrorCode.INVALID_TRANSITION,
    );

    expect(snapshot(stub)).to.equal(before);
  });

  describe('once customs accepted the declaration', () => {
    beforeEach(async () => {
      await submit(stub, documents, actors.officer, (ctx) =>
        documents.transition(ctx, 'CUSTOMS_DECLARATION', 'DEC-1', 'accept', '', ''),
      );
    });

    it('writes the remittance write-once and both totals under MAJORITY, with one event of two changes', async () => {
      const ctx = stub.contextFor(actors.clerkA);

      await remit.beforeTransaction(ctx);
      await remit.record(ctx, request('300'));
      const event = stub.event().payload as {
        changes: { docId: string; action: string; detail: Record<string, string> }[];
      };
      stub.commit();

      const remitKey = stub.createCompositeKey('remit', ['DEC-1', 'RM-1']);
      const declTotals = stub.createCompositeKey('totals', ['CUSTOMS_DECLARATION', 'DEC-1']);
      const invTotals = stub.createCompositeKey('totals', ['COMMERCIAL_INVOICE', 'INV-1']);
      expect(Buffer.from(stub.params.get(remitKey)!).equals(writeOncePolicy())).to.equal(true);
      expect(Buffer.from(stub.params.get(declTotals)!).equals(policyFor([]))).to.equal(true);
      expect(Buffer.from(stub.params.get(invTotals)!).equals(policyFor([]))).to.equal(true);
      expect(event.changes.map((c) => [c.docId, c.action, c.detail.remitted])).to.deep.equal([
        ['DEC-1', 'remit', '300.00'],
        ['INV-1', 'remit', '300.00'],
      ]);
    });

    it('adds up across banks and refuses the excess with what is left, ledger unchanged', async () => {
      await submit(stub, remit, actors.clerkA, (ctx) => remit.record(ctx, request('500')));
      const before = snapshot(stub);

      const err = await refused(
        stub,
        remit,
        actors.clerkB,
        (ctx) => remit.record(ctx, request('300.01', 'RM-2')),
        ErrorCode.ALREADY_REMITTED,
      );

      expect(err.fields).to.include({ docId: 'INV-1', left: '300.00' });
      expect(snapshot(stub)).to.equal(before);
    });

    it('refuses a reused remittanceId (ALREADY_EXISTS), ledger unchanged', async () => {
      await submit(stub, remit, actors.clerkA, (ctx) => remit.record(ctx, request('5')));
      const before = snapshot(stub);

      await refused(
        stub,
        remit,
        actors.clerkB,
        (ctx) => remit.record(ctx, request('5')),
        ErrorCode.ALREADY_EXISTS,
      );

      expect(snapshot(stub)).to.equal(before);
    });

    it('shows the remitted total in the declaration and invoice full views', async () => {
      await submit(stub, remit, actors.clerkA, (ctx) => remit.record(ctx, request('250')));

      const declaration = await submit<FullView>(stub, documents, actors.bankAuditor, (ctx) =>
        documents.get(ctx, 'CUSTOMS_DECLARATION', 'DEC-1'),
      );
      const invoice = await submit<FullView>(stub, documents, actors.bankAuditor, (ctx) =>
        documents.get(ctx, 'COMMERCIAL_INVOICE', 'INV-1'),
      );

      expect(declaration.shipment).to.deep.include({ remitted: '250.00', remitLeft: '750.00' });
      expect(declaration.remittances).to.have.length(1);
      expect(invoice.remitted).to.equal('250.00');
    });

    it('finances the shipment once across the declaration and its invoice', async () => {
      await submit(stub, shipments, actors.clerkA, (ctx) =>
        shipments.finance(ctx, 'DEC-1', 'SF-1', '400'),
      );
      const before = snapshot(stub);

      const err = await refused(
        stub,
        invoices,
        actors.clerkB,
        (ctx) => invoices.finance(ctx, 'INV-1', 'F-1', '700'),
        ErrorCode.ALREADY_FINANCED,
      );
      await submit(stub, invoices, actors.clerkB, (ctx) =>
        invoices.finance(ctx, 'INV-1', 'F-1', '600'),
      );
      const excess = await refused(
        stub,
        shipments,
        actors.clerkA,
        (ctx) => shipments.finance(ctx, 'DEC-1', 'SF-2', '0.01'),
        ErrorCode.ALREADY_FINANCED,
      );
      const view = await submit<FullView>(stub, documents, actors.bankAuditor, (ctx) =>
        documents.get(ctx, 'CUSTOMS_DECLARATION', 'DEC-1'),
      );

      expect(before).to.not.equal(snapshot(stub));
      expect(err.fields).to.include({
        docId: 'DEC-1',
        left: '600.00',
        type: 'CUSTOMS_DECLARATION',
      });
      expect(excess.fields).to.include({ left: '0.00' });
      expect(view.shipment).to.deep.include({
        financed: '1000.00',
        financedDirect: '400.00',
        financeLeft: '0.00',
        financedByInvoice: { 'INV-1': '600.00' },
      });
      expect(
        Buffer.from(stub.params.get(stub.createCompositeKey('declfin', ['DEC-1', 'SF-1']))!).equals(
          policyFor(['BankAMSP']),
        ),
      ).to.equal(true);
    });

    it('keeps the invoice its own cap below the shipment cap', async () => {
      await refused(
        stub,
        invoices,
        actors.clerkA,
        (ctx) => invoices.finance(ctx, 'INV-1', 'F-1', '800.01'),
        ErrorCode.ALREADY_FINANCED,
      );
    });

    it('lets only the financing bank settle a declaration financing', async () => {
      await submit(stub, shipments, actors.clerkA, (ctx) =>
        shipments.finance(ctx, 'DEC-1', 'SF-1', '100'),
      );

      await refused(
        stub,
        shipments,
        actors.clerkB,
        (ctx) => shipments.settle(ctx, 'DEC-1', 'SF-1'),
        ErrorCode.FORBIDDEN,
      );
      const settled = await submit<{ financing: { status: string } }>(
        stub,
        shipments,
        actors.clerkA,
        (ctx) => shipments.settle(ctx, 'DEC-1', 'SF-1'),
      );

      expect(settled.financing.status).to.equal('SETTLED');
    });
  });

  it('refuses to finance an IMPORT declaration (INVALID_ARGUMENT)', async () => {
    await submit(stub, documents, actors.owner, (ctx) =>
      documents.register(
        ctx,
        JSON.stringify({
          type: 'CUSTOMS_DECLARATION',
          docId: 'DEC-IMP',
          sha256: 'a'.repeat(64),
          owner: OWNER,
          facts: {
            direction: 'IMPORT',
            customsOffice: '2201',
            declaredValue: '10',
            currency: 'USD',
          },
        }),
        '',
      ),
    );
    await submit(stub, documents, actors.officer, (ctx) =>
      documents.transition(ctx, 'CUSTOMS_DECLARATION', 'DEC-IMP', 'accept', '', ''),
    );

    await refused(
      stub,
      shipments,
      actors.clerkA,
      (ctx) => shipments.finance(ctx, 'DEC-IMP', 'SF-1', '1'),
      ErrorCode.INVALID_ARGUMENT,
    );
  });

  it('indexes an EXPORT declaration’s links write-once at registration', () => {
    const key = stub.createCompositeKey('shiplink', ['INV-1', 'DEC-1']);

    expect(Buffer.from(stub.params.get(key)!).equals(writeOncePolicy())).to.equal(true);
  });
});
