import { expect } from 'chai';
import * as contract from '@swledger/protocol/contract';
import { ErrorCode } from '@swledger/protocol/errors';
import {
  ACTOR_NAMES,
  actors,
  expectCode,
  hashOf,
  inputFor,
  LATER,
  OTHER,
  OWNER,
  recordOf,
} from '../chaincode/fixtures';

const STATUSES = ['REGISTERED', 'TERMINATED', 'SUPERSEDED'];
const NOT_OWNER = ACTOR_NAMES.filter((name) => name !== 'owner');

function successor(overrides: Record<string, unknown> = {}, status = 'REGISTERED') {
  const input = {
    ...inputFor('CONTRACT', 'CON-002', hashOf('b')),
    links: ['CON-001'],
    ...overrides,
  };
  return recordOf('CONTRACT', { status }, input);
}

describe('domain/contract', () => {
  it('validates the parties: the owner must be buyer or seller, and they must differ', () => {
    const facts = { buyer: OWNER, seller: OTHER, amount: '1', currency: 'EUR' };

    expect(contract.parseFacts(facts, OWNER)).to.deep.equal({ ...facts, amount: '1.00' });
    expectCode(() => contract.parseFacts(facts, '91110000600037341L'), ErrorCode.INVALID_ARGUMENT);
    expectCode(
      () => contract.parseFacts({ ...facts, seller: OWNER }, OWNER),
      ErrorCode.INVALID_ARGUMENT,
    );
  });

  it('parses supersede with its byDocId', () => {
    expect(contract.parseCommand('supersede', { byDocId: 'CON-002' })).to.deep.equal({
      action: 'supersede',
      byDocId: 'CON-002',
    });
    expectCode(() => contract.parseCommand('supersede', {}), ErrorCode.INVALID_ARGUMENT);
    expectCode(
      () => contract.parseCommand('terminate', { byDocId: 'x' }),
      ErrorCode.INVALID_ARGUMENT,
    );
  });

  for (const status of STATUSES) {
    const allowed = status === 'REGISTERED';

    it(`${allowed ? 'terminates' : 'refuses to terminate'} a ${status} contract for its owner`, () => {
      const record = recordOf('CONTRACT', { status });

      const act = () => contract.transition(record, { action: 'terminate' }, actors.owner, LATER);

      if (allowed) {
        expect(act().status).to.equal('TERMINATED');
      } else {
        expectCode(act, ErrorCode.INVALID_TRANSITION);
      }
    });

    it(`${allowed ? 'supersedes' : 'refuses to supersede'} a ${status} contract for its owner`, () => {
      const record = recordOf('CONTRACT', { status });

      const act = () =>
        contract.transition(
          record,
          { action: 'supersede', byDocId: 'CON-002' },
          actors.owner,
          LATER,
          successor(),
        );

      if (allowed) {
        expect(act()).to.deep.include({ status: 'SUPERSEDED', supersededBy: 'CON-002' });
      } else {
        expectCode(act, ErrorCode.INVALID_TRANSITION);
      }
    });
  }

  for (const name of NOT_OWNER) {
    it(`is FORBIDDEN to ${name}`, () => {
      const record = recordOf('CONTRACT');

      expectCode(
        () => contract.transition(record, { action: 'terminate' }, actors[name], LATER),
        ErrorCode.FORBIDDEN,
      );
      expectCode(
        () =>
          contract.transition(
            record,
            { action: 'supersede', byDocId: 'CON-002' },
            actors[name],
            LATER,
            successor(),
          ),
        ErrorCode.FORBIDDEN,
      );
    });
  }

  describe('the successor', () => {
    const supersede = { action: 'supersede', byDocId: 'CON-002' } as const;

    it('must exist', () => {
      expectCode(
        () => contract.transition(recordOf('CONTRACT'), supersede, actors.owner, LATER),
        ErrorCode.NOT_FOUND,
      );
    });

    it('must link to the contract it supersedes', () => {
      const unlinked = successor({ links: [] });

      expectCode(
        () => contract.transition(recordOf('CONTRACT'), supersede, actors.owner, LATER, unlinked),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    it('must be registered', () => {
      const ended = successor({}, 'TERMINATED');

      expectCode(
        () => contract.transition(recordOf('CONTRACT'), supersede, actors.owner, LATER, ended),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    it('must not be the contract itself', () => {
      const self = recordOf('CONTRACT', {}, { ...inputFor('CONTRACT'), links: ['CON-001'] });

      expectCode(
        () =>
          contract.transition(
            recordOf('CONTRACT'),
            { action: 'supersede', byDocId: 'CON-001' },
            actors.owner,
            LATER,
            self,
          ),
        ErrorCode.INVALID_ARGUMENT,
      );
    });
  });
});
