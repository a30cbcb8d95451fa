import { expect } from 'chai';
import { EndorsementPlans } from '@swledger/sdk';
import { CHAINCODE_POLICY_FUNCTIONS } from '@swledger/protocol/policy';

describe('endorsement plans (Gateway transport)', () => {
  it('learns the endorsers of a registration, each organisation once and in a stable order', () => {
    const plans = new EndorsementPlans();
    expect(plans.wants('document', 'register')).to.equal(true);

    plans.learn('document', 'register', ['EnterpriseMSP', 'BankBMSP', 'CustomsMSP', 'BankBMSP']);

    expect(plans.planFor('document', 'register')).to.deep.equal([
      'BankBMSP',
      'CustomsMSP',
      'EnterpriseMSP',
    ]);
    expect(plans.wants('document', 'register'), 'nothing more to learn').to.equal(false);
    expect(plans.planFor('document', 'registerBatch'), 'one plan per function').to.equal(undefined);
  });

  it('never plans a function whose endorsement depends on the record (a transition, a financing)', () => {
    const plans = new EndorsementPlans();

    for (const [ns, fn] of [
      ['document', 'transition'],
      ['invoice', 'finance'],
      ['guarantee', 'approve'],
    ] as const) {
      expect(plans.wants(ns, fn)).to.equal(false);
      plans.learn(ns, fn, ['CustomsMSP', 'BankAMSP', 'EnterpriseMSP']);
      expect(plans.planFor(ns, fn)).to.equal(undefined);
    }
  });

  it('plans exactly the functions whose writes are new keys or keys without a rule', () => {
    expect([...CHAINCODE_POLICY_FUNCTIONS].sort()).to.deep.equal([
      'document:register',
      'document:registerBatch',
      'system:noop',
    ]);
  });

  it('learns nothing from an empty endorser list, and forgets a plan on request', () => {
    const plans = new EndorsementPlans();
    plans.learn('system', 'noop', []);
    expect(plans.planFor('system', 'noop')).to.equal(undefined);

    plans.learn('system', 'noop', ['EnterpriseMSP', 'CustomsMSP', 'BankAMSP']);
    plans.forget('system', 'noop');

    expect(plans.planFor('system', 'noop')).to.equal(undefined);
    expect(plans.wants('system', 'noop')).to.equal(true);
  });
});
