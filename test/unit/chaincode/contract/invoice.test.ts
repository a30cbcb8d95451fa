import { expect } from 'chai';
import { DocumentContract } from '@swledger/chaincode/contract/document';
import { InvoiceContract } from '@swledger/chaincode/contract/invoice';
import { ErrorCode } from '@swledger/protocol/errors';
import { type Financing } from '@swledger/protocol/invoice';
import { type FullView } from '@swledger/protocol/view';
import { actors, hashOf, inputFor } from '../fixtures';
import { evaluate, policyFor, refused, snapshot, submit } from './harness';
import { MemoryStub } from './memory-stub';

const documents = new DocumentContract();
const contract = new InvoiceContract();

interface Financed {
  readonly financing: Financing;
  readonly invoice: FullView;
}

describe('contract/invoice', () => {
  let stub: MemoryStub;

  beforeEach(async () => {
    stub = new MemoryStub();
    const input = inputFor('COMMERCIAL_INVOICE', 'INV-001', hashOf('1'));
    await submit(stub, documents, actors.owner, (ctx) =>
      documents.register(ctx, JSON.stringify(input), ''),
    );
  });

  it('records a financing under its own key with the bank-accountable policy', async () => {
    const result = await submit<Financed>(stub, contract, actors.clerkA, (ctx) =>
      contract.finance(ctx, 'INV-001', 'F-A1', '600'),
    );

    const financingKey = stub.createCompositeKey('financing', ['INV-001', 'F-A1']);
    expect(result.invoice.state).to.deep.include({
      status: 'FINANCED',
      financed: '600.00',
      openFinancings: 1,
    });
    expect(result.financing).to.deep.include({
      bankMsp: 'BankAMSP',
      amount: '600.00',
      status: 'OPEN',
    });
    expect(Buffer.from(stub.params.get(financingKey)!).equals(policyFor(['BankAMSP']))).to.equal(
      true,
    );
    expect(
      Buffer.from(
        stub.params.get(stub.createCompositeKey('state', ['COMMERCIAL_INVOICE', 'INV-001']))!,
      ).toString('hex'),
    ).to.equal(policyFor([]).toString('hex'));
  });

  it('emits one event with the financing detail', async () => {
    const ctx = stub.contextFor(actors.clerkB);

    await contract.finance(ctx, 'INV-001', 'F-B1', '100');

    expect(stub.event().payload).to.deep.include({
      changes: [
        {
          action: 'finance',
          detail: {
            amount: '100.00',
            bankMsp: 'BankBMSP',
            financed: '100.00',
            financingId: 'F-B1',
          },
          docId: 'INV-001',
          newStatus: 'FINANCED',
          oldStatus: 'REGISTERED',
          owner: inputFor('COMMERCIAL_INVOICE').owner,
          sha256: hashOf('1'),
          type: 'COMMERCIAL_INVOICE',
        },
      ],
    });
  });

  it('never lets the banks together finance more than the amount', async () => {
    await submit(stub, contract, actors.clerkA, (ctx) =>
      contract.finance(ctx, 'INV-001', 'F-A1', '600'),
    );
    const before = snapshot(stub);

    const error = await refused(
      stub,
      contract,
      actors.clerkB,
      (ctx) => contract.finance(ctx, 'INV-001', 'F-B1', '400.01'),
      ErrorCode.ALREADY_FINANCED,
    );
    const afterRefusal = snapshot(stub);
    const rest = await submit<Financed>(stub, contract, actors.clerkB, (ctx) =>
      contract.finance(ctx, 'INV-001', 'F-B1', '400'),
    );

    expect(error.message).to.contain('400.00 USD left');
    expect(afterRefusal).to.equal(before);
    expect(snapshot(stub)).to.not.equal(before);
    expect(rest.invoice.state).to.deep.include({ financed: '1000.00', openFinancings: 2 });
    await refused(
      stub,
      contract,
      actors.clerkA,
      (ctx) => contract.finance(ctx, 'INV-001', 'F-A2', '0.01'),
      ErrorCode.ALREADY_FINANCED,
    );
  });

  it('refuses a financing id used before, and anyone but a bank clerk', async () => {
    await submit(stub, contract, actors.clerkA, (ctx) =>
      contract.finance(ctx, 'INV-001', 'F-1', '1'),
    );

    await refused(
      stub,
      contract,
      actors.clerkB,
      (ctx) => contract.finance(ctx, 'INV-001', 'F-1', '1'),
      ErrorCode.ALREADY_EXISTS,
    );
    for (const actor of [
      actors.owner,
      actors.officer,
      actors.bankAuditor,
      actors.customsVerifier,
    ]) {
      await refused(
        stub,
        contract,
        actor,
        (ctx) => contract.finance(ctx, 'INV-001', 'F-2', '1'),
        ErrorCode.FORBIDDEN,
      );
    }
  });

  it('settles financings bank by bank, the invoice SETTLED after the last', async () => {
    await submit(stub, contract, actors.clerkA, (ctx) =>
      contract.finance(ctx, 'INV-001', 'F-A1', '600'),
    );
    await submit(stub, contract, actors.clerkB, (ctx) =>
      contract.finance(ctx, 'INV-001', 'F-B1', '400'),
    );

    await refused(
      stub,
      contract,
      actors.clerkB,
      (ctx) => contract.settle(ctx, 'INV-001', 'F-A1'),
      ErrorCode.FORBIDDEN,
    );
    const first = await submit<Financed>(stub, contract, actors.clerkA, (ctx) =>
      contract.settle(ctx, 'INV-001', 'F-A1'),
    );
    await refused(
      stub,
      contract,
      actors.clerkA,
      (ctx) => contract.settle(ctx, 'INV-001', 'F-A1'),
      ErrorCode.INVALID_TRANSITION,
    );
    const last = await submit<Financed>(stub, contract, actors.clerkB, (ctx) =>
      contract.settle(ctx, 'INV-001', 'F-B1'),
    );

    expect(first.invoice.status).to.equal('FINANCED');
    expect(last.invoice.status).to.equal('SETTLED');
    await refused(
      stub,
      contract,
      actors.clerkA,
      (ctx) => contract.settle(ctx, 'INV-001', 'F-404'),
      ErrorCode.NOT_FOUND,
    );
  });

  it('shows every financing in the full view', async () => {
    await submit(stub, contract, actors.clerkA, (ctx) =>
      contract.finance(ctx, 'INV-001', 'F-A1', '600'),
    );
    await submit(stub, contract, actors.clerkB, (ctx) =>
      contract.finance(ctx, 'INV-001', 'F-B1', '400'),
    );

    const view = await evaluate(stub, documents, actors.owner, (ctx) =>
      documents.get(ctx, 'COMMERCIAL_INVOICE', 'INV-001'),
    );

    expect(view.financings!.map((f) => [f.financingId, f.bankMsp, f.amount])).to.deep.equal([
      ['F-A1', 'BankAMSP', '600.00'],
      ['F-B1', 'BankBMSP', '400.00'],
    ]);
  });

  it('refuses to cancel a financed invoice', async () => {
    await submit(stub, contract, actors.clerkA, (ctx) =>
      contract.finance(ctx, 'INV-001', 'F-A1', '1'),
    );

    await refused(
      stub,
      documents,
      actors.owner,
      (ctx) => documents.transition(ctx, 'COMMERCIAL_INVOICE', 'INV-001', 'cancel', '', ''),
      ErrorCode.INVALID_TRANSITION,
    );
  });
});
