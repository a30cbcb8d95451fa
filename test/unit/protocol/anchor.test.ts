import { expect } from 'chai';
import { checkAnchorRecord, parseAnchorInput, recordAnchor } from '@swledger/protocol/anchor';
import { ErrorCode } from '@swledger/protocol/errors';
import { actors, expectCode, LATER, TX } from '../chaincode/fixtures';

const H = (c: string) => `0x${c.repeat(64)}`;
const A = (c: string) => `0x${c.repeat(40)}`;

function input(overrides: Record<string, unknown> = {}) {
  return {
    chainId: '1337',
    contract: A('A'),
    index: 1,
    root: H('1'),
    fromBlock: '6',
    toBlock: '9',
    leaves: 3,
    revoked: [H('b'), H('a')],
    evmTransaction: H('2'),
    evmBlock: '15',
    signers: [A('c'), A('b'), A('d')],
    ...overrides,
  };
}

describe('protocol/anchor', () => {
  it('normalises an anchor to record: lower-case hex, sorted revocations and signers', () => {
    const parsed = parseAnchorInput(input());

    expect(parsed.contract).to.equal(A('a'));
    expect(parsed.revoked).to.deep.equal([H('a'), H('b')]);
    expect(parsed.signers).to.deep.equal([A('b'), A('c'), A('d')]);
  });

  for (const [name, bad] of [
    ['a chain id that is not decimal', { chainId: '0x539' }],
    ['a short contract address', { contract: '0x1234' }],
    ['a root that is not 32 bytes', { root: '0x12' }],
    ['a range that ends before it starts', { fromBlock: '9', toBlock: '8' }],
    ['no leaf', { leaves: 0 }],
    ['a repeated signer', { signers: [A('b'), A('b')] }],
    ['an unknown field', { extra: 1 }],
  ] as const) {
    it(`refuses ${name} (INVALID_ARGUMENT)`, () => {
      expectCode(() => parseAnchorInput(input(bad)), ErrorCode.INVALID_ARGUMENT);
    });
  }

  it('lets a customs officer or a bank clerk record; an enterprise user, an auditor or a verifier is FORBIDDEN', () => {
    const parsed = parseAnchorInput(input());

    const byOfficer = recordAnchor(parsed, undefined, actors.officer, TX);
    const byClerk = recordAnchor(parsed, undefined, actors.clerkA, TX);

    expect(byOfficer.recordedBy.msp).to.equal('CustomsMSP');
    expect(byOfficer.txId).to.equal(TX.id);
    expect(byClerk.recordedAt).to.equal(TX.time);
    for (const who of [actors.owner, actors.bankAuditor, actors.customsVerifier])
      expectCode(() => recordAnchor(parsed, undefined, who, TX), ErrorCode.FORBIDDEN);
  });

  it('keeps the chain order: the next anchor starts right after the previous range; a gap, an overlap or a missing predecessor is INVALID_TRANSITION', () => {
    const first = recordAnchor(parseAnchorInput(input()), undefined, actors.officer, TX);
    const next = (fromBlock: string) =>
      parseAnchorInput(input({ index: 2, fromBlock, toBlock: '20' }));

    const second = recordAnchor(next('10'), first, actors.officer, LATER);

    expect(second.index).to.equal(2);
    expectCode(
      () => recordAnchor(next('11'), first, actors.officer, LATER),
      ErrorCode.INVALID_TRANSITION,
    );
    expectCode(
      () => recordAnchor(next('9'), first, actors.officer, LATER),
      ErrorCode.INVALID_TRANSITION,
    );
    expectCode(
      () => recordAnchor(next('10'), undefined, actors.officer, LATER),
      ErrorCode.INVALID_TRANSITION,
    );
  });

  it('re-validates a stored record (SCHEMA_MISMATCH otherwise)', () => {
    const stored = recordAnchor(parseAnchorInput(input()), undefined, actors.officer, TX);

    expect(checkAnchorRecord({ ...stored })).to.deep.equal(stored);
    expectCode(() => checkAnchorRecord({ ...stored, root: 'nope' }), ErrorCode.SCHEMA_MISMATCH);
  });
});
