import { expect } from 'chai';
import { eventScope } from '@swledger/rest/routes/events';

const KINDS = {
  CustomsMSP: 'customs',
  BankAMSP: 'bank',
  BankCMSP: 'bank',
  EnterpriseMSP: 'enterprise',
} as const;

const ALPHA = '91310000MA1K4A7B2X';
const BETA = '91440300MA5F8C6D3Y';

describe('rest/events: who may follow which changes (the chaincode rule for full reads)', () => {
  it('lets customs and bank staff, of any bank on the network, follow every change', () => {
    for (const [mspId, role] of [
      ['CustomsMSP', 'officer'],
      ['CustomsMSP', 'auditor'],
      ['BankAMSP', 'clerk'],
      ['BankCMSP', 'auditor'],
    ] as const) {
      const scope = eventScope({ mspId, role, entity: undefined }, KINDS);

      expect(scope?.({ owner: BETA }), `${mspId} ${role}`).to.equal(true);
    }
  });

  it('lets an enterprise user follow its own records only', () => {
    const scope = eventScope({ mspId: 'EnterpriseMSP', role: 'enterprise', entity: ALPHA }, KINDS);

    expect(scope?.({ owner: ALPHA })).to.equal(true);
    expect(scope?.({ owner: BETA })).to.equal(false);
  });

  it('gives no stream to verifiers, identities without a role, roles foreign to their organisation, or unknown MSPs', () => {
    for (const caller of [
      { mspId: 'CustomsMSP', role: 'verifier', entity: undefined },
      { mspId: 'EnterpriseMSP', role: undefined, entity: undefined },
      { mspId: 'EnterpriseMSP', role: 'auditor', entity: undefined },
      { mspId: 'EnterpriseMSP', role: 'enterprise', entity: undefined },
      { mspId: 'BankAMSP', role: 'officer', entity: undefined },
      { mspId: 'CustomsMSP', role: 'clerk', entity: undefined },
      { mspId: 'OtherMSP', role: 'officer', entity: undefined },
    ])
      expect(eventScope(caller, KINDS), JSON.stringify(caller)).to.equal(undefined);
  });
});
