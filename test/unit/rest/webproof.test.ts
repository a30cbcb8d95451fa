import { expect } from 'chai';
import {
  ANCHOR_TYPES as ANCHOR_TYPES_NODE,
  LEAF_ENCODING as LEAF_NODE,
  Leaf,
  leafHash as leafHashNode,
  processProof as processNode,
} from '@swledger/anchor';
import { artifact } from '@swledger/anchor/artifact';
import { USABLE_STATUSES } from '@swledger/protocol/view';
import { Interface } from 'ethers';
import {
  ANCHOR_TYPES,
  LEAF_ENCODING,
  READ_ABI,
  USABLE,
  leafHash,
  processProof,
} from '../../../packages/rest/web/proof';

const leaf: Leaf = {
  sha256: 'ab'.repeat(32),
  type: 'CONTRACT',
  docId: 'CON-1',
  status: 'REGISTERED',
  issuerMsp: 'EnterpriseMSP',
  owner: '91310000MA1K4A7B2X',
  txId: 'tx',
  block: 7,
};

describe("verify page's proof check agrees with the anchor package", () => {
  it('same leaf encoding, leaf hash and Merkle walk', () => {
    const siblings = [`0x${'01'.repeat(32)}`, `0x${'ff'.repeat(32)}`];

    expect(LEAF_ENCODING).to.deep.equal(LEAF_NODE);
    expect(leafHash(leaf)).to.equal(leafHashNode(leaf));
    expect(processProof(leafHash(leaf), siblings)).to.equal(
      processNode(leafHashNode(leaf), siblings),
    );
  });

  it('same EIP-712 type, usable statuses, and contract functions as the compiled contract', () => {
    const compiled = new Interface(artifact().abi);
    const page = new Interface(READ_ABI);

    expect(ANCHOR_TYPES).to.deep.equal(ANCHOR_TYPES_NODE);
    expect(USABLE).to.deep.equal(USABLE_STATUSES);
    page.forEachFunction((f) =>
      expect(compiled.getFunction(f.selector)?.format(), f.format()).to.equal(f.format()),
    );
  });
});
