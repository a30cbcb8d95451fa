import { expect } from 'chai';
import { ErrorCode } from '@swledger/protocol/errors';
import * as guarantee from '@swledger/protocol/guarantee';
import { type State } from '@swledger/protocol/record';
import {
  ACTOR_NAMES,
  actors,
  expectCode,
  hashOf,
  inputFor,
  LATER,
  recordOf,
  TX,
  type ActorName,
} from '../chaincode/fixtures';

const STATUSES = ['APPLIED', 'ISSUED', 'REJECTED', 'ACTIVE', 'RELEASED', 'CLAIMED'];
const AFTER_WINDOW = { id: 'tx-late', time: '2027-01-01T00:00:00.000Z' };

interface Move {
  readonly action: guarantee.GuaranteeCommand['action'];
  readonly who: ActorName;
  readonly from: string;
  readonly to: string;
}

const MOVES: readonly Move[] = [
  { action: 'issue', who: 'clerkA', from: 'APPLIED', to: 'ISSUED' },
  { action: 'reject', who: 'clerkA', from: 'APPLIED', to: 'REJECTED' },
  { action: 'accept', who: 'officer', from: 'ISSUED', to: 'ACTIVE' },
  { action: 'release', who: 'officer', from: 'ACTIVE', to: 'RELEASED' },
];

function guaranteeIn(status: string, state: Partial<State> = {}) {
  return recordOf('TARIFF_GUARANTEE', { status, ...state });
}

function assessedDeclaration(duty = '300.00', overrides: Record<string, unknown> = {}) {
  const input = { ...inputFor('CUSTOMS_DECLARATION', 'DEC-001', hashOf('d')), ...overrides };
  return recordOf(
    'CUSTOMS_DECLARATION',
    { status: 'ACCEPTED', taxStatus: 'ASSESSED', dutyAmount: duty },
    input,
  );
}

function openDraw(amount = '300.00', drawId = 'D-1', declarationDocId = 'DEC-001'): guarantee.Draw {
  return {
    schemaVersion: 1,
    guaranteeDocId: 'TAR-001',
    drawId,
    declarationDocId,
    amount,
    status: 'OPEN',
    createdAt: TX.time,
    createdBy: { msp: 'CustomsMSP', role: 'officer', id: 'x' },
    updatedAt: TX.time,
    updatedBy: { msp: 'CustomsMSP', role: 'officer', id: 'x' },
    txId: TX.id,
  };
}

describe('domain/guarantee', () => {
  describe('application facts', () => {
    const facts = inputFor('TARIFF_GUARANTEE').facts as Record<string, string>;

    it('normalises amounts and times', () => {
      expect(guarantee.parseFacts(facts)).to.deep.equal({
        bankMsp: 'BankAMSP',
        customsOffice: '2201',
        amount: '1000.00',
        validFrom: '2026-01-01T00:00:00.000Z',
        validTo: '2026-12-31T23:59:59.000Z',
      });
    });

    it('requires a bank on the channel, a window that ends after it starts and after the transaction', () => {
      expectCode(
        () => guarantee.parseFacts({ ...facts, bankMsp: 'CustomsMSP' }),
        ErrorCode.INVALID_ARGUMENT,
      );
      expectCode(
        () => guarantee.parseFacts({ ...facts, bankMsp: 'BankZMSP' }),
        ErrorCode.INVALID_ARGUMENT,
      );
      expectCode(
        () => guarantee.parseFacts({ ...facts, validTo: facts.validFrom }),
        ErrorCode.INVALID_ARGUMENT,
      );
      expectCode(
        () => guarantee.checkApplication(guarantee.parseFacts(facts), AFTER_WINDOW),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    it('starts APPLIED with the full amount as balance', () => {
      expect(guarantee.initialState(guarantee.parseFacts(facts))).to.deep.equal({
        status: 'APPLIED',
        balance: '1000.00',
        openDraws: 0,
      });
    });
  });

  for (const move of MOVES) {
    describe(move.action, () => {
      for (const status of STATUSES) {
        it(`${status === move.from ? 'moves' : 'refuses'} a ${status} guarantee for ${move.who}`, () => {
          const record = guaranteeIn(status);

          const act = () =>
            guarantee.transition(record, { action: move.action }, actors[move.who], LATER);

          if (status === move.from) {
            expect(act()).to.deep.include({ status: move.to, txId: LATER.id });
          } else {
            expectCode(act, ErrorCode.INVALID_TRANSITION);
          }
        });
      }

      for (const name of ACTOR_NAMES.filter((n) => n !== move.who)) {
        it(`is FORBIDDEN to ${name}`, () => {
          const record = guaranteeIn(move.from);

          expectCode(
            () => guarantee.transition(record, { action: move.action }, actors[name], LATER),
            ErrorCode.FORBIDDEN,
          );
        });
      }
    });
  }

  it('lets only the named bank issue: another bank is FORBIDDEN', () => {
    expectCode(
      () => guarantee.transition(guaranteeIn('APPLIED'), { action: 'issue' }, actors.clerkB, LATER),
      ErrorCode.FORBIDDEN,
    );
  });

  it('refuses to issue or accept after the validity window', () => {
    expectCode(
      () =>
        guarantee.transition(
          guaranteeIn('APPLIED'),
          { action: 'issue' },
          actors.clerkA,
          AFTER_WINDOW,
        ),
      ErrorCode.EXPIRED,
    );
    expectCode(
      () =>
        guarantee.transition(
          guaranteeIn('ISSUED'),
          { action: 'accept' },
          actors.officer,
          AFTER_WINDOW,
        ),
      ErrorCode.EXPIRED,
    );
  });

  it('refuses to release while a draw is open', () => {
    const record = guaranteeIn('ACTIVE', { openDraws: 1, balance: '700.00' });

    expectCode(
      () => guarantee.transition(record, { action: 'release' }, actors.officer, LATER),
      ErrorCode.INVALID_TRANSITION,
    );
  });

  it('reports EXPIRED for a live guarantee after its window, and the stored status otherwise', () => {
    const reports = ['APPLIED', 'ISSUED', 'ACTIVE', 'RELEASED', 'CLAIMED', 'REJECTED'].map(
      (status) => guarantee.effectiveStatus(guaranteeIn(status), AFTER_WINDOW.time),
    );

    expect(reports).to.deep.equal([
      'EXPIRED',
      'EXPIRED',
      'EXPIRED',
      'RELEASED',
      'CLAIMED',
      'REJECTED',
    ]);
    expect(guarantee.effectiveStatus(guaranteeIn('ACTIVE'), '2026-12-31T23:59:59.000Z')).to.equal(
      'ACTIVE',
    );
  });

  describe('draw', () => {
    const request = guarantee.parseDrawRequest('D-1', 'DEC-001', '300');

    it('lowers the balance, records the draw and guarantees the declaration duty', () => {
      const outcome = guarantee.draw(
        guaranteeIn('ACTIVE'),
        assessedDeclaration(),
        request,
        actors.officer,
        LATER,
      );

      expect(outcome.state).to.deep.include({ status: 'ACTIVE', balance: '700.00', openDraws: 1 });
      expect(outcome.draw).to.deep.include({
        drawId: 'D-1',
        declarationDocId: 'DEC-001',
        amount: '300.00',
        status: 'OPEN',
      });
      expect(outcome.declarationState.taxStatus).to.equal('GUARANTEED');
    });

    it('may draw the whole balance but never more', () => {
      const full = guarantee.parseDrawRequest('D-1', 'DEC-001', '1000');
      const over = guarantee.parseDrawRequest('D-1', 'DEC-001', '1000.01');

      const outcome = guarantee.draw(
        guaranteeIn('ACTIVE'),
        assessedDeclaration('1000.00'),
        full,
        actors.officer,
        LATER,
      );

      expect(outcome.state.balance).to.equal('0.00');
      const error = expectCode(
        () =>
          guarantee.draw(
            guaranteeIn('ACTIVE'),
            assessedDeclaration('1000.01'),
            over,
            actors.officer,
            LATER,
          ),
        ErrorCode.INSUFFICIENT_BALANCE,
      );
      expect(error.message).to.contain('1000.00 CNY left');
    });

    it('is EXPIRED after the validity window', () => {
      expectCode(
        () =>
          guarantee.draw(
            guaranteeIn('ACTIVE'),
            assessedDeclaration(),
            request,
            actors.officer,
            AFTER_WINDOW,
          ),
        ErrorCode.EXPIRED,
      );
    });

    it('is refused before the validity window opens', () => {
      const early = { id: 'tx-early', time: '2025-12-31T00:00:00.000Z' };

      expectCode(
        () =>
          guarantee.draw(
            guaranteeIn('ACTIVE'),
            assessedDeclaration(),
            request,
            actors.officer,
            early,
          ),
        ErrorCode.INVALID_TRANSITION,
      );
    });

    for (const status of STATUSES.filter((s) => s !== 'ACTIVE')) {
      it(`is refused on a ${status} guarantee`, () => {
        expectCode(
          () =>
            guarantee.draw(
              guaranteeIn(status),
              assessedDeclaration(),
              request,
              actors.officer,
              LATER,
            ),
          ErrorCode.INVALID_TRANSITION,
        );
      });
    }

    for (const name of ACTOR_NAMES.filter((n) => n !== 'officer')) {
      it(`is FORBIDDEN to ${name}`, () => {
        expectCode(
          () =>
            guarantee.draw(
              guaranteeIn('ACTIVE'),
              assessedDeclaration(),
              request,
              actors[name],
              LATER,
            ),
          ErrorCode.FORBIDDEN,
        );
      });
    }

    it('needs a declaration of the applicant, at the same office, with that duty assessed', () => {
      const elsewhere = assessedDeclaration('300.00', {
        facts: { direction: 'IMPORT', customsOffice: '0100', declaredValue: '1', currency: 'USD' },
      });
      const unassessed = recordOf('CUSTOMS_DECLARATION', { status: 'ACCEPTED' });
      const otherDuty = assessedDeclaration('250.00');

      expectCode(
        () => guarantee.draw(guaranteeIn('ACTIVE'), elsewhere, request, actors.officer, LATER),
        ErrorCode.INVALID_ARGUMENT,
      );
      expectCode(
        () => guarantee.draw(guaranteeIn('ACTIVE'), unassessed, request, actors.officer, LATER),
        ErrorCode.INVALID_TRANSITION,
      );
      expectCode(
        () => guarantee.draw(guaranteeIn('ACTIVE'), otherDuty, request, actors.officer, LATER),
        ErrorCode.INVALID_ARGUMENT,
      );
    });
  });

  describe('settleDraw', () => {
    const drawn = { balance: '700.00', openDraws: 1 };
    const guaranteed = () =>
      recordOf('CUSTOMS_DECLARATION', { taxStatus: 'GUARANTEED', dutyAmount: '300.00' });

    it('restores the balance and marks the duty PAID', () => {
      const outcome = guarantee.settleDraw(
        guaranteeIn('ACTIVE', drawn),
        openDraw(),
        guaranteed(),
        actors.officer,
        LATER,
      );

      expect(outcome.state).to.deep.include({ balance: '1000.00', openDraws: 0 });
      expect(outcome.draw.status).to.equal('SETTLED');
      expect(outcome.declarationState.taxStatus).to.equal('PAID');
    });

    it('refuses a settled draw, an inactive guarantee and anyone but a customs officer', () => {
      const settled = { ...openDraw(), status: 'SETTLED' };

      expectCode(
        () =>
          guarantee.settleDraw(
            guaranteeIn('ACTIVE', drawn),
            settled,
            guaranteed(),
            actors.officer,
            LATER,
          ),
        ErrorCode.INVALID_TRANSITION,
      );
      expectCode(
        () =>
          guarantee.settleDraw(
            guaranteeIn('CLAIMED', drawn),
            openDraw(),
            guaranteed(),
            actors.officer,
            LATER,
          ),
        ErrorCode.INVALID_TRANSITION,
      );
      expectCode(
        () =>
          guarantee.settleDraw(
            guaranteeIn('ACTIVE', drawn),
            openDraw(),
            guaranteed(),
            actors.clerkA,
            LATER,
          ),
        ErrorCode.FORBIDDEN,
      );
    });
  });

  describe('claim', () => {
    // Two open draws of 300.00 and 150.50 on a 1000.00 guarantee.
    const drawn = { balance: '549.50', openDraws: 2 };
    const guaranteedDecl = (docId: string, duty: string, taxStatus = 'GUARANTEED') =>
      recordOf(
        'CUSTOMS_DECLARATION',
        { status: 'RELEASED', taxStatus, dutyAmount: duty },
        inputFor('CUSTOMS_DECLARATION', docId, hashOf(docId === 'DEC-001' ? 'd' : 'e')),
      );
    const twoOpen = (): guarantee.OpenDraw[] => [
      {
        draw: openDraw('300.00', 'D-1', 'DEC-001'),
        declaration: guaranteedDecl('DEC-001', '300.00'),
      },
      {
        draw: openDraw('150.50', 'D-2', 'DEC-002'),
        declaration: guaranteedDecl('DEC-002', '150.50'),
      },
    ];

    it('claims every open draw: draws CLAIMED, duties PAID, the guarantee CLAIMED with the total', () => {
      const outcome = guarantee.claim(
        guaranteeIn('ACTIVE', drawn),
        twoOpen(),
        actors.officer,
        LATER,
      );

      expect(outcome.state).to.deep.include({
        status: 'CLAIMED',
        claimed: '450.50',
        openDraws: 0,
        balance: '549.50',
        txId: LATER.id,
      });
      expect(outcome.draws.map((c) => [c.draw.drawId, c.draw.status, c.draw.txId])).to.deep.equal([
        ['D-1', 'CLAIMED', LATER.id],
        ['D-2', 'CLAIMED', LATER.id],
      ]);
      expect(
        outcome.draws.map((c) => [c.declarationState.docId, c.declarationState.taxStatus]),
      ).to.deep.equal([
        ['DEC-001', 'PAID'],
        ['DEC-002', 'PAID'],
      ]);
      expect(outcome.draws.map((c) => c.declarationState.status)).to.deep.equal([
        'RELEASED',
        'RELEASED',
      ]);
    });

    it('lists every change in one event: the guarantee, then each draw with its declaration', () => {
      const record = guaranteeIn('ACTIVE', drawn);
      const outcome = guarantee.claim(record, twoOpen(), actors.officer, LATER);

      const changes = guarantee.claimChanges(record, outcome);

      expect(
        changes.map((c) => [c.type, c.docId, c.oldStatus, c.newStatus, c.action]),
      ).to.deep.equal([
        ['TARIFF_GUARANTEE', 'TAR-001', 'ACTIVE', 'CLAIMED', 'claim'],
        ['CUSTOMS_DECLARATION', 'DEC-001', 'RELEASED', 'RELEASED', 'claim'],
        ['CUSTOMS_DECLARATION', 'DEC-002', 'RELEASED', 'RELEASED', 'claim'],
      ]);
      expect(changes[0]?.detail).to.deep.equal({ claimed: '450.50', drawIds: 'D-1,D-2' });
      expect(changes[2]?.detail).to.deep.equal({
        taxStatus: 'PAID',
        amount: '150.50',
        drawId: 'D-2',
        drawStatus: 'CLAIMED',
        guaranteeDocId: 'TAR-001',
        paidBy: 'BankAMSP',
      });
    });

    it('refuses a claim with no open draw: INVALID_TRANSITION', () => {
      expectCode(
        () => guarantee.claim(guaranteeIn('ACTIVE'), [], actors.officer, LATER),
        ErrorCode.INVALID_TRANSITION,
      );
    });

    for (const status of STATUSES.filter((s) => s !== 'ACTIVE')) {
      it(`refuses to claim a ${status} guarantee: INVALID_TRANSITION`, () => {
        expectCode(
          () => guarantee.claim(guaranteeIn(status, drawn), twoOpen(), actors.officer, LATER),
          ErrorCode.INVALID_TRANSITION,
        );
      });
    }

    for (const name of ACTOR_NAMES.filter((n) => n !== 'officer')) {
      it(`is FORBIDDEN to ${name}`, () => {
        expectCode(
          () => guarantee.claim(guaranteeIn('ACTIVE', drawn), twoOpen(), actors[name], LATER),
          ErrorCode.FORBIDDEN,
        );
      });
    }

    it('may claim after the validity window: the draws were made within it', () => {
      const outcome = guarantee.claim(
        guaranteeIn('ACTIVE', drawn),
        twoOpen(),
        actors.officer,
        AFTER_WINDOW,
      );

      expect(outcome.state.status).to.equal('CLAIMED');
    });

    it('refuses draws that are not the open draws the guarantee counts', () => {
      const [first, second] = twoOpen() as [guarantee.OpenDraw, guarantee.OpenDraw];
      const settled = { ...first, draw: { ...first.draw, status: 'SETTLED' } };
      const wrongDecl = { ...first, declaration: second.declaration };

      expectCode(
        () => guarantee.claim(guaranteeIn('ACTIVE', drawn), [first], actors.officer, LATER),
        ErrorCode.SCHEMA_MISMATCH,
      );
      expectCode(
        () =>
          guarantee.claim(guaranteeIn('ACTIVE', drawn), [settled, second], actors.officer, LATER),
        ErrorCode.INVALID_TRANSITION,
      );
      expectCode(
        () =>
          guarantee.claim(guaranteeIn('ACTIVE', drawn), [wrongDecl, second], actors.officer, LATER),
        ErrorCode.SCHEMA_MISMATCH,
      );
    });

    it('refuses a draw whose declaration duty is not GUARANTEED', () => {
      const [first] = twoOpen() as [guarantee.OpenDraw];
      const paid = { ...first, declaration: guaranteedDecl('DEC-001', '300.00', 'PAID') };

      expectCode(
        () =>
          guarantee.claim(
            guaranteeIn('ACTIVE', { balance: '700.00', openDraws: 1 }),
            [paid],
            actors.officer,
            LATER,
          ),
        ErrorCode.INVALID_TRANSITION,
      );
    });

    it('accepts CLAIMED as a stored draw status and the claimed total in a stored state', () => {
      const stored = guarantee.checkDraw({ ...openDraw(), status: 'CLAIMED' });

      expect(stored.status).to.equal('CLAIMED');
      expect(() =>
        guarantee.checkState(guaranteeIn('CLAIMED', { claimed: '450.50', openDraws: 0 }).state),
      ).not.to.throw();
      expectCode(
        () => guarantee.checkState(guaranteeIn('CLAIMED', { claimed: 'lots' }).state),
        ErrorCode.INVALID_ARGUMENT,
      );
      expectCode(
        () => guarantee.checkDraw({ ...openDraw(), status: 'LOST' }),
        ErrorCode.INVALID_ARGUMENT,
      );
    });
  });
});
