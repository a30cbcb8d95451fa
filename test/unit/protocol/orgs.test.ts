import { expect } from 'chai';
import * as orgs from '@swledger/protocol/orgs';
import { endorsementRule, writeOnceRule } from '@swledger/protocol/policy';

const { DEFAULT_PEER_ORGS, parsePeerOrgs } = orgs;

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

  it('switches a client process to a network of five organisations, and back', () => {
    const five = [...DEFAULT_PEER_ORGS, { msp: 'BankCMSP', kind: 'bank' as const }];

    orgs.usePeerOrgs(five);
    const fiveRule = endorsementRule(['CustomsMSP']);
    const fiveWriteOnce = writeOnceRule();
    orgs.usePeerOrgs(DEFAULT_PEER_ORGS);

    expect(fiveRule).to.deep.equal({
      required: ['CustomsMSP'],
      outOf: 2,
      others: ['BankAMSP', 'BankBMSP', 'EnterpriseMSP', 'BankCMSP'],
    });
    expect(fiveWriteOnce.required).to.have.length(5);
    expect(orgs.PEER_MSPS).to.have.length(4);
    expect(() => orgs.usePeerOrgs([{ msp: 'BankAMSP', kind: 'bank' }])).to.throw(/customs/);
    expect(orgs.PEER_MSPS).to.have.length(4);
  });
});
