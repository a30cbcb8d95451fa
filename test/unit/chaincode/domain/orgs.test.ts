import { expect } from 'chai';
import { DEFAULT_PEER_ORGS, parsePeerOrgs } from '../../../../chaincode/src/domain/orgs';

describe('domain/orgs: the peer-organisation list', () => {
  it('parses a list with a third bank', () => {
    const json = JSON.stringify([...DEFAULT_PEER_ORGS, { msp: 'BankCMSP', kind: 'bank' }]);

    const orgs = parsePeerOrgs(json);

    expect(orgs.map((o) => o.msp)).to.deep.equal([
      'CustomsMSP',
      'BankAMSP',
      'BankBMSP',
      'EnterpriseMSP',
      'BankCMSP',
    ]);
  });

  for (const [name, list] of [
    [
      'no customs',
      [
        { msp: 'BankAMSP', kind: 'bank' },
        { msp: 'EnterpriseMSP', kind: 'enterprise' },
      ],
    ],
    ['two customs', [...DEFAULT_PEER_ORGS, { msp: 'Customs2MSP', kind: 'customs' }]],
    [
      'no bank',
      [
        { msp: 'CustomsMSP', kind: 'customs' },
        { msp: 'EnterpriseMSP', kind: 'enterprise' },
      ],
    ],
    ['a duplicate MSP', [...DEFAULT_PEER_ORGS, { msp: 'BankAMSP', kind: 'bank' }]],
    ['an unknown kind', [...DEFAULT_PEER_ORGS, { msp: 'PortMSP', kind: 'port' }]],
    ['a bad MSP ID', [...DEFAULT_PEER_ORGS, { msp: 'bank c', kind: 'bank' }]],
  ] as const) {
    it(`refuses ${name}`, () => {
      const json = JSON.stringify(list);

      const parse = () => parsePeerOrgs(json);

      expect(parse).to.throw(Error);
    });
  }
});
