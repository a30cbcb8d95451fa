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
