import { expect } from 'chai';
import { Wallet } from 'ethers';
import {
  AnchorMessage,
  Leaf,
  LedgerReader,
  LocalOrgSigner,
  anchorDomain,
  anchorSigner,
  buildRange,
} from '@swledger/anchor';
import { leaf } from './fixtures';

/** This suite's ledger starts at block 11. */
function ledgerLeaf(n: number, overrides: Partial<Leaf> = {}): Leaf {
  return leaf(n, overrides, 10);
}

/** A peer's ledger as a list of leaves, `height` blocks high. */
class FakeReader implements LedgerReader {
  constructor(
    readonly mspId: string,
    private readonly all: readonly Leaf[],
    private readonly blocks = 20n,
  ) {}
  height(): Promise<bigint> {
    return Promise.resolve(this.blocks);
  }
  leaves(from: bigint, to: bigint): Promise<Leaf[]> {
    return Promise.resolve(
      this.all.filter((l) => BigInt(l.block) >= from && BigInt(l.block) <= to),
    );
  }
}

const DOMAIN = anchorDomain(1337n, `0x${'a'.repeat(40)}`);
const LEDGER = [ledgerLeaf(1), ledgerLeaf(2), ledgerLeaf(3, { status: 'REJECTED' })];

describe('anchor/service: each organisation signs only the root it rebuilt from its own peer', () => {
  it('builds the range from the own peer: root, record count, revocations', async () => {
    const built = await buildRange(new FakeReader('CustomsMSP', LEDGER), 11n, 13n);

    expect(built?.message.leaves).to.equal(3);
    expect(built?.message.revoked).to.deep.equal([`0x${ledgerLeaf(3).sha256}`]);
    expect(await buildRange(new FakeReader('CustomsMSP', LEDGER), 14n, 19n)).to.equal(undefined);
  });

  it('signs a proposal equal to its own rebuild, with a signature the contract recovers to its key', async () => {
    const key = Wallet.createRandom();
    const proposal = (await buildRange(new FakeReader('CustomsMSP', LEDGER), 11n, 13n))!.message;
    const signer = new LocalOrgSigner(new FakeReader('BankAMSP', LEDGER), key);

    const answer = await signer.sign(DOMAIN, proposal);

    expect('signature' in answer && anchorSigner(DOMAIN, proposal, answer.signature)).to.equal(
      key.address,
    );
  });

  it("refuses a dishonest proposer's root: a rejected declaration shown ACCEPTED, a dropped revocation, a record left out, a root claimed for a shorter range", async () => {
    const honest = new LocalOrgSigner(new FakeReader('BankBMSP', LEDGER), Wallet.createRandom());
    const forged = [ledgerLeaf(1), ledgerLeaf(2), ledgerLeaf(3, { status: 'ACCEPTED' })];
    const real = (await buildRange(new FakeReader('x', LEDGER), 11n, 13n))!.message;
    const proposals: AnchorMessage[] = [
      (await buildRange(new FakeReader('x', forged), 11n, 13n))!.message,
      { ...real, revoked: [] },
      (await buildRange(new FakeReader('x', LEDGER.slice(0, 2)), 11n, 13n))!.message,
      { ...real, toBlock: 12n },
    ];

    const answers = await Promise.all(proposals.map((p) => honest.sign(DOMAIN, p)));

    expect(answers.map((a) => 'refused' in a)).to.deep.equal([true, true, true, true]);
    expect(answers.map((a) => ('refused' in a ? a.refused : '')).join(' | ')).to.match(
      /BankBMSP rebuilt root/,
    );
  });

  it('refuses to sign a range its peer has not reached yet (it cannot rebuild it)', async () => {
    const behind = new LocalOrgSigner(
      new FakeReader('BankBMSP', LEDGER, 12n),
      Wallet.createRandom(),
      0,
    );
    const proposal = (await buildRange(new FakeReader('x', LEDGER), 11n, 13n))!.message;

    const answer = await behind.sign(DOMAIN, proposal);

    expect('refused' in answer && answer.refused).to.match(/has not reached block 13/);
  });
});
