import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTopology, ordererPorts, peerOrgPorts } from '@swledger/devnet/topology';

const file = join(__dirname, '../../../network/topology.json');
const standard = (): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('network/topology', () => {
  it('accepts the standard topology and a third bank added by one entry', () => {
    const t = standard();
    (t.peerOrgs as unknown[]).push({
      key: 'bankc',
      index: 5,
      mspId: 'BankCMSP',
      organization: 'Bank C',
      country: 'SG',
      kind: 'bank',
      description: 'Bank C',
      users: [{ name: 'clerk1', role: 'clerk' }],
    });

    const checked = checkTopology(t);

    expect(checked.peerOrgs.map((o) => o.mspId)).to.deep.equal([
      'CustomsMSP',
      'BankAMSP',
      'BankBMSP',
      'EnterpriseMSP',
      'BankCMSP',
    ]);
  });

  const broken: [string, (t: Record<string, unknown>) => void, RegExp][] = [
    ['a duplicate index', (t) => ((t.peerOrgs as { index: number }[])[1]!.index = 1), /unique/],
    [
      'an enterprise user without entity',
      (t) => ((t.peerOrgs as { users: { entity?: string }[] }[])[3]!.users[0]!.entity = undefined),
      /entity/,
    ],
    [
      'a bad USCC',
      (t) => ((t.peerOrgs as { users: { entity?: string }[] }[])[3]!.users[0]!.entity = 'ABC'),
      /USCC/,
    ],
    [
      'an unknown role',
      (t) => ((t.peerOrgs as { users: { role: string }[] }[])[0]!.users[0]!.role = 'admin'),
      /role/,
    ],
    [
      'a reserved user name',
      (t) => ((t.peerOrgs as { users: { name: string }[] }[])[0]!.users[0]!.name = 'admin'),
      /reserved/,
    ],
    ['a missing kind', (t) => delete (t.peerOrgs as Record<string, unknown>[])[0]!.kind, /kind/],
    [
      'two customs organisations',
      (t) => ((t.peerOrgs as { kind: string }[])[1]!.kind = 'customs'),
      /exactly one customs/,
    ],
    [
      'an organisation without a name for its certificates',
      (t) => delete (t.peerOrgs as Record<string, unknown>[])[1]!.organization,
      /banka: organization must be/,
    ],
    [
      'an organisation name with a comma (it would split the subject)',
      (t) => ((t.peerOrgs as { organization: string }[])[1]!.organization = 'Bank A, Ltd'),
      /banka: organization must be/,
    ],
    [
      'an organisation name longer than 64 characters',
      (t) => ((t.peerOrgs as { organization: string }[])[1]!.organization = 'B'.repeat(65)),
      /banka: organization must be/,
    ],
    [
      'a lower-case country',
      (t) => ((t.peerOrgs as { country: string }[])[2]!.country = 'cn'),
      /bankb: country must be an ISO 3166 two-letter code.*got "cn"/,
    ],
    [
      'an orderer organisation without a country',
      (t) => delete (t.ordererOrg as Record<string, unknown>).country,
      /ordererOrg orderer: country must be/,
    ],
    ['a port base out of range', (t) => (t.portBase = 80), /portBase/],
    ['a malformed batch timeout', (t) => (t.batchTimeout = 'fast'), /batchTimeout/],
  ];
  for (const [name, edit, message] of broken) {
    it(`refuses ${name}`, () => {
      const t = standard();
      edit(t);

      const check = () => checkTopology(t);

      expect(check).to.throw(message);
    });
  }

  it("keeps each organisation's name and country for its certificates", () => {
    const t = standard();

    const checked = checkTopology(t);

    expect(checked.ordererOrg.country).to.match(/^[A-Z]{2}$/);
    expect(checked.peerOrgs.map((o) => [o.key, o.organization, o.country])).to.deep.equal([
      ['customs', 'Customs Authority', 'CN'],
      ['banka', 'Bank A', 'CN'],
      ['bankb', 'Bank B', 'HK'],
      ['enterprise', 'Single Window Operator', 'CN'],
    ]);
  });

  it('derives every port from one base without collisions', () => {
    const base = 17000;

    const ports = [0, 1, 2]
      .flatMap((n) => Object.values(ordererPorts(base, n)))
      .concat(
        [1, 2, 3, 4, 5].flatMap((i) => Object.values(peerOrgPorts(base, i))),
        [base + 54, base + 55],
      );

    expect(new Set(ports).size).to.equal(ports.length);
    expect(peerOrgPorts(base, 1).peer).to.equal(17151);
    expect(ordererPorts(base, 2).admin).to.equal(17021);
  });
});
