import { expect } from 'chai';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Wallet } from 'ethers';
import {
  AnchorTree,
  Leaf,
  LEAF_ENCODING,
  anchorDomain,
  anchorSigner,
  bundleShape,
  leafHash,
  leafValues,
  processProof,
  revokedOf,
  sortBySigner,
} from '@swledger/anchor';
import { leaf } from './fixtures';

describe('anchor/merkle and leaves', () => {
  it("hashes leaves and walks proofs exactly as OpenZeppelin's standard tree, for 1 to 9 leaves", () => {
    for (let size = 1; size <= 9; size++) {
      const leaves = Array.from({ length: size }, (_, i) => leaf(i + 1));
      const reference = StandardMerkleTree.of(leaves.map(leafValues), [...LEAF_ENCODING]);
      const ours = AnchorTree.of(leaves);

      expect(ours.root).to.equal(reference.root);
      leaves.forEach((l, i) => {
        expect(leafHash(l)).to.equal(reference.leafHash(leafValues(l)));
        expect(processProof(leafHash(l), ours.proof(i))).to.equal(reference.root);
      });
    }
  });

  it('a changed value changes the leaf hash (every field is committed)', () => {
    const base = leaf(1);
    const variants: Partial<Leaf>[] = [
      { sha256: 'f'.repeat(64) },
      { type: 'CONTRACT' },
      { docId: 'X' },
      { status: 'REJECTED' },
      { issuerMsp: 'BankAMSP' },
      { owner: '91440300MA5F8C6D3Y' },
      { txId: 'other' },
      { block: 99 },
    ];

    const hashes = new Set(variants.map((v) => leafHash({ ...base, ...v })));

    expect(hashes.size).to.equal(variants.length);
    expect(hashes.has(leafHash(base))).to.equal(false);
  });

  it('revokes the documents whose last change in the range made them unusable, once each, sorted', () => {
    const leaves = [
      leaf(1, { status: 'SUBMITTED', block: 1 }),
      leaf(1, { status: 'REJECTED', block: 2 }),
      leaf(2, { status: 'SUBMITTED', block: 1 }),
      leaf(3, { type: 'TARIFF_GUARANTEE', status: 'APPLIED', block: 1 }),
      leaf(3, { type: 'TARIFF_GUARANTEE', status: 'ISSUED', block: 3 }),
      leaf(4, { type: 'CONTRACT', status: 'TERMINATED', block: 4 }),
    ];

    expect(revokedOf(leaves)).to.deep.equal([`0x${leaf(1).sha256}`, `0x${leaf(4).sha256}`]);
  });

  it('recovers EIP-712 anchor signers and sorts signatures by signer address as the contract requires', async () => {
    const keys = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];
    const domain = anchorDomain(1337n, `0x${'a'.repeat(40)}`);
    const message = {
      fromBlock: 1n,
      toBlock: 2n,
      root: `0x${'1'.repeat(64)}`,
      leaves: 1,
      revoked: [],
    };
    const types = {
      Anchor: [
        { name: 'fromBlock', type: 'uint64' },
        { name: 'toBlock', type: 'uint64' },
        { name: 'root', type: 'bytes32' },
        { name: 'leaves', type: 'uint32' },
        { name: 'revoked', type: 'bytes32[]' },
      ],
    };

    const signed = await Promise.all(
      keys.map(async (k) => ({
        address: k.address,
        signature: await k.signTypedData(domain, types, message),
      })),
    );
    const sorted = sortBySigner(signed);

    signed.forEach((s) => expect(anchorSigner(domain, message, s.signature)).to.equal(s.address));
    expect(sorted.map((s) => BigInt(s.address))).to.deep.equal(
      signed.map((s) => BigInt(s.address)).sort((a, b) => (a < b ? -1 : 1)),
    );
  });

  it('says what is wrong with a malformed bundle', () => {
    expect(bundleShape(null)).to.match(/not a JSON object/);
    expect(bundleShape({ format: 'other' })).to.match(/format/);
    expect(bundleShape({ format: 'swledger-proof/1', leaf: { ...leaf(1), block: 'x' } })).to.match(
      /leaf/,
    );
  });
});
