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

  for (const [name, list, message] of [
    [
      'no customs',
      [
        { msp: 'BankAMSP', kind: 'bank' },
        { msp: 'EnterpriseMSP', kind: 'enterprise' },
      ],
      /exactly one customs organisation/,
    ],
    [
      'two customs',
      [...DEFAULT_PEER_ORGS, { msp: 'Customs2MSP', kind: 'customs' }],
      /exactly one customs organisation/,
    ],
    [
      'no bank',
      [
        { msp: 'CustomsMSP', kind: 'customs' },
        { msp: 'EnterpriseMSP', kind: 'enterprise' },
      ],
      /at least one bank/,
    ],
    [
      'a duplicate MSP',
      [...DEFAULT_PEER_ORGS, { msp: 'BankAMSP', kind: 'bank' }],
      /MSP IDs must be unique/,
    ],
    [
      'an unknown kind',
      [...DEFAULT_PEER_ORGS, { msp: 'PortMSP', kind: 'port' }],
      /bad kind port for PortMSP/,
    ],
    ['a bad MSP ID', [...DEFAULT_PEER_ORGS, { msp: 'bank c', kind: 'bank' }], /bad MSP ID bank c/],
    ['an empty list', [], /non-empty JSON array/],
  ] as const) {
    it(`refuses ${name}`, () => {
      const json = JSON.stringify(list);

      const parse = () => parsePeerOrgs(json);

      expect(parse).to.throw(Error, message);
    });
  }
});
