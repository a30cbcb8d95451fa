import { expect } from 'chai';
import * as declaration from '@swledger/protocol/declaration';
import { ErrorCode } from '@swledger/protocol/errors';
import {
  ACTOR_NAMES,
  actors,
  expectCode,
  LATER,
  recordOf,
  type ActorName,
} from '../chaincode/fixtures';

const STATUSES = ['SUBMITTED', 'ACCEPTED', 'REJECTED', 'RELEASED'];
const TAX_STATUSES = ['NONE', 'ASSESSED', 'PAID', 'GUARANTEED'];
const ONLY_OFFICER = ACTOR_NAMES.filter((name) => name !== 'officer');

interface Move {
  readonly command: declaration.DeclarationCommand;
  readonly from: readonly string[];
  readonly fromTax: readonly string[];
  readonly expected: Record<string, string>;
}

const MOVES: readonly Move[] = [
  {
    command: { action: 'accept' },
    from: ['SUBMITTED'],
    fromTax: TAX_STATUSES,
    expected: { status: 'ACCEPTED' },
  },
  {
    command: { action: 'reject' },
    from: ['SUBMITTED'],
    fromTax: TAX_STATUSES,
    expected: { status: 'REJECTED' },
  },
  {
    command: { action: 'release' },
    from: ['ACCEPTED'],
    fromTax: TAX_STATUSES,
    expected: { status: 'RELEASED' },
  },
  {
    command: { action: 'assessDuty', amount: '321.00' },
    from: ['SUBMITTED', 'ACCEPTED', 'RELEASED'],
    fromTax: ['NONE'],
    expected: { taxStatus: 'ASSESSED', dutyAmount: '321.00' },
  },
  {
    command: { action: 'payDuty' },
    from: STATUSES,
    fromTax: ['ASSESSED'],
    expected: { taxStatus: 'PAID' },
  },
];

function declarationIn(status: string, taxStatus: string) {
  return recordOf('CUSTOMS_DECLARATION', {
    status,
    taxStatus,
    ...(taxStatus === 'NONE' ? {} : { dutyAmount: '321.00' }),
  });
}

describe('domain/declaration', () => {
  it('validates and normalises registration facts', () => {
    const facts = declaration.parseFacts({
      direction: 'EXPORT',
      customsOffice: '0100',
      declaredValue: '10',
      currency: 'CNY',
    });

    expect(facts).to.deep.equal({
      direction: 'EXPORT',
      customsOffice: '0100',
      declaredValue: '10.00',
      currency: 'CNY',
    });
  });

  it('rejects a bad direction, unknown facts and missing facts', () => {
    const good = {
      direction: 'IMPORT',
      customsOffice: '0100',
      declaredValue: '10',
      currency: 'CNY',
    };

    expectCode(
      () => declaration.parseFacts({ ...good, direction: 'TRANSIT' }),
      ErrorCode.INVALID_ARGUMENT,
    );
    expectCode(
      () => declaration.parseFacts({ ...good, hsCode: '8471' }),
      ErrorCode.INVALID_ARGUMENT,
    );
    expectCode(
      () => declaration.parseFacts({ ...good, currency: undefined }),
      ErrorCode.INVALID_ARGUMENT,
    );
  });

  it('starts SUBMITTED with no duty', () => {
    expect(declaration.initialState()).to.deep.equal({ status: 'SUBMITTED', taxStatus: 'NONE' });
  });

  describe('parseCommand', () => {
    it('parses assessDuty with its amount and the others without arguments', () => {
      expect(declaration.parseCommand('assessDuty', { amount: '12.5' })).to.deep.equal({
        action: 'assessDuty',
        amount: '12.50',
      });
      expect(declaration.parseCommand('accept', {})).to.deep.equal({ action: 'accept' });
    });

    it('rejects unknown actions and unexpected arguments', () => {
      expectCode(() => declaration.parseCommand('approve', {}), ErrorCode.INVALID_ARGUMENT);
      expectCode(
        () => declaration.parseCommand('accept', { reason: 'x' }),
        ErrorCode.INVALID_ARGUMENT,
      );
      expectCode(() => declaration.parseCommand('assessDuty', {}), ErrorCode.INVALID_ARGUMENT);
      expectCode(
        () => declaration.parseCommand('assessDuty', { amount: '0' }),
        ErrorCode.INVALID_ARGUMENT,
      );
    });
  });

  for (const move of MOVES) {
    const { action } = move.command;
    describe(`${action}`, () => {
      for (const status of STATUSES) {
        for (const taxStatus of TAX_STATUSES) {
          const allowed = move.from.includes(status) && move.fromTax.includes(taxStatus);
          it(`${allowed ? 'moves' : 'refuses'} a declaration ${status}/${taxStatus} for a customs officer`, () => {
            const record = declarationIn(status, taxStatus);

            const act = () => declaration.transition(record, move.command, actors.officer, LATER);

            if (allowed) {
              const next = act();
              expect(next).to.deep.include({
                ...move.expected,
                updatedAt: LATER.time,
                txId: LATER.id,
              });
              expect(next.updatedBy).to.deep.equal({
                msp: 'CustomsMSP',
                role: 'officer',
                id: actors.officer.id,
              });
            } else {
              expectCode(act, ErrorCode.INVALID_TRANSITION);
            }
          });
        }
      }

      for (const name of ONLY_OFFICER) {
        it(`is FORBIDDEN to ${name}`, () => {
          const record = declarationIn(move.from[0]!, move.fromTax[0]!);

          expectCode(
            () => declaration.transition(record, move.command, actors[name as ActorName], LATER),
            ErrorCode.FORBIDDEN,
          );
        });
      }
    });
  }

  it('leaves the input record untouched', () => {
    const record = declarationIn('SUBMITTED', 'NONE');
    const before = JSON.stringify(record);

    declaration.transition(record, { action: 'accept' }, actors.officer, LATER);

    expect(JSON.stringify(record)).to.equal(before);
  });

  describe('duty covered by a guarantee', () => {
    it('moves ASSESSED to GUARANTEED for a draw of exactly the duty', () => {
      const record = declarationIn('ACCEPTED', 'ASSESSED');

      const next = declaration.guaranteeDuty(record, '321.00', actors.officer, LATER);

      expect(next.taxStatus).to.equal('GUARANTEED');
    });

    it('refuses a draw of another amount', () => {
      const record = declarationIn('ACCEPTED', 'ASSESSED');

      expectCode(
        () => declaration.guaranteeDuty(record, '300.00', actors.officer, LATER),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    for (const taxStatus of ['NONE', 'PAID', 'GUARANTEED']) {
      it(`refuses to guarantee a duty that is ${taxStatus}`, () => {
        const record = declarationIn('ACCEPTED', taxStatus);

        expectCode(
          () => declaration.guaranteeDuty(record, '321.00', actors.officer, LATER),
          ErrorCode.INVALID_TRANSITION,
        );
      });
    }

    it('moves GUARANTEED to PAID when the draw is settled, and nothing else', () => {
      const record = declarationIn('RELEASED', 'GUARANTEED');

      const next = declaration.payGuaranteedDuty(record, actors.officer, LATER);

      expect(next.taxStatus).to.equal('PAID');
      expectCode(
        () =>
          declaration.payGuaranteedDuty(
            declarationIn('RELEASED', 'ASSESSED'),
            actors.officer,
            LATER,
          ),
        ErrorCode.INVALID_TRANSITION,
      );
      expectCode(
        () => declaration.payGuaranteedDuty(record, actors.clerkA, LATER),
        ErrorCode.FORBIDDEN,
      );
    });
  });
});
