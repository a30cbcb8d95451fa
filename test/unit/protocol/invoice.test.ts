import { expect } from 'chai';
import { ErrorCode } from '@swledger/protocol/errors';
import * as invoice from '@swledger/protocol/invoice';
import { ACTOR_NAMES, actors, expectCode, LATER, recordOf, TX } from '../chaincode/fixtures';

const STATUSES = ['REGISTERED', 'FINANCED', 'SETTLED', 'CANCELLED'];
const CLERKS = ['clerkA', 'clerkB'];

function openFinancing(bankMsp = 'BankAMSP', amount = '400.00'): invoice.Financing {
  return {
    schemaVersion: 1,
    invoiceDocId: 'COM-001',
    financingId: 'F-1',
    bankMsp,
    amount,
    currency: 'USD',
    status: 'OPEN',
    createdAt: TX.time,
    createdBy: { msp: bankMsp, role: 'clerk', id: 'x' },
    updatedAt: TX.time,
    updatedBy: { msp: bankMsp, role: 'clerk', id: 'x' },
    txId: TX.id,
  };
}

describe('domain/invoice', () => {
  it('starts REGISTERED with nothing financed', () => {
    expect(invoice.initialState()).to.deep.equal({
      status: 'REGISTERED',
      financed: '0.00',
      openFinancings: 0,
    });
  });

  describe('cancel', () => {
    for (const status of STATUSES) {
      it(`${status === 'REGISTERED' ? 'cancels' : 'refuses to cancel'} a ${status} invoice for its owner`, () => {
        const record = recordOf('COMMERCIAL_INVOICE', { status });

        const act = () => invoice.transition(record, { action: 'cancel' }, actors.owner, LATER);

        if (status === 'REGISTERED') {
          expect(act().status).to.equal('CANCELLED');
        } else {
          expectCode(act, ErrorCode.INVALID_TRANSITION);
        }
      });
    }

    it('refuses to cancel once anything was financed', () => {
      const record = recordOf('COMMERCIAL_INVOICE', { financed: '1.00' });

      expectCode(
        () => invoice.transition(record, { action: 'cancel' }, actors.owner, LATER),
        ErrorCode.INVALID_TRANSITION,
      );
    });

    for (const name of ACTOR_NAMES.filter((n) => n !== 'owner')) {
      it(`is FORBIDDEN to ${name}`, () => {
        const record = recordOf('COMMERCIAL_INVOICE');

        expectCode(
          () => invoice.transition(record, { action: 'cancel' }, actors[name], LATER),
          ErrorCode.FORBIDDEN,
        );
      });
    }
  });

  describe('finance', () => {
    const request = invoice.parseFinanceRequest('F-1', '400');

    for (const status of STATUSES) {
      const allowed = status === 'REGISTERED' || status === 'FINANCED';
      it(`${allowed ? 'finances' : 'refuses to finance'} a ${status} invoice`, () => {
        const record = recordOf('COMMERCIAL_INVOICE', { status });

        const act = () => invoice.finance(record, request, actors.clerkB, LATER);

        if (allowed) {
          const { state, financing } = act();
          expect(state).to.deep.include({
            status: 'FINANCED',
            financed: '400.00',
            openFinancings: 1,
          });
          expect(financing).to.deep.include({
            bankMsp: 'BankBMSP',
            amount: '400.00',
            currency: 'USD',
            status: 'OPEN',
          });
        } else {
          expectCode(act, ErrorCode.INVALID_TRANSITION);
        }
      });
    }

    for (const name of ACTOR_NAMES.filter((n) => !CLERKS.includes(n))) {
      it(`is FORBIDDEN to ${name}`, () => {
        const record = recordOf('COMMERCIAL_INVOICE');

        expectCode(
          () => invoice.finance(record, request, actors[name], LATER),
          ErrorCode.FORBIDDEN,
        );
      });
    }

    it('lets banks together finance exactly the amount, never more', () => {
      const first = invoice.finance(
        recordOf('COMMERCIAL_INVOICE'),
        invoice.parseFinanceRequest('F-1', '600'),
        actors.clerkA,
        TX,
      );
      const afterFirst = recordOf('COMMERCIAL_INVOICE', first.state);

      const second = invoice.finance(
        afterFirst,
        invoice.parseFinanceRequest('F-2', '400'),
        actors.clerkB,
        LATER,
      );

      expect(second.state).to.deep.include({ financed: '1000.00', openFinancings: 2 });
    });

    it('names how much is left when a financing would exceed the amount', () => {
      const record = recordOf('COMMERCIAL_INVOICE', {
        status: 'FINANCED',
        financed: '999.99',
        openFinancings: 1,
      });

      const error = expectCode(
        () =>
          invoice.finance(record, invoice.parseFinanceRequest('F-2', '0.02'), actors.clerkB, LATER),
        ErrorCode.ALREADY_FINANCED,
      );

      expect(error.message).to.contain('0.01 USD left');
    });

    it('rejects bad financing ids and amounts', () => {
      expectCode(() => invoice.parseFinanceRequest('', '1'), ErrorCode.INVALID_ARGUMENT);
      expectCode(() => invoice.parseFinanceRequest('F-1', '1.234'), ErrorCode.INVALID_ARGUMENT);
    });
  });

  describe('settle', () => {
    it('settles one financing and keeps the invoice FINANCED while another is open', () => {
      const record = recordOf('COMMERCIAL_INVOICE', {
        status: 'FINANCED',
        financed: '800.00',
        openFinancings: 2,
      });

      const { state, financing } = invoice.settle(record, openFinancing(), actors.clerkA, LATER);

      expect(state).to.deep.include({ status: 'FINANCED', openFinancings: 1 });
      expect(financing).to.deep.include({
        status: 'SETTLED',
        updatedAt: LATER.time,
        txId: LATER.id,
      });
    });

    it('makes the invoice SETTLED when the last financing is settled', () => {
      const record = recordOf('COMMERCIAL_INVOICE', {
        status: 'FINANCED',
        financed: '400.00',
        openFinancings: 1,
      });

      const { state } = invoice.settle(record, openFinancing(), actors.clerkA, LATER);

      expect(state).to.deep.include({ status: 'SETTLED', openFinancings: 0 });
    });

    it('is FORBIDDEN to another bank and to everyone but the financing bank clerk', () => {
      const record = recordOf('COMMERCIAL_INVOICE', {
        status: 'FINANCED',
        financed: '400.00',
        openFinancings: 1,
      });

      for (const name of ACTOR_NAMES.filter((n) => n !== 'clerkA')) {
        expectCode(
          () => invoice.settle(record, openFinancing(), actors[name], LATER),
          ErrorCode.FORBIDDEN,
        );
      }
    });

    it('refuses to settle a financing twice', () => {
      const record = recordOf('COMMERCIAL_INVOICE', {
        status: 'FINANCED',
        financed: '400.00',
        openFinancings: 1,
      });

      expectCode(
        () =>
          invoice.settle(record, { ...openFinancing(), status: 'SETTLED' }, actors.clerkA, LATER),
        ErrorCode.INVALID_TRANSITION,
      );
    });
  });
});
