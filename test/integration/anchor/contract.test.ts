import { expect } from 'chai';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { BaseWallet, Wallet } from 'ethers';
import {
  AnchorChain,
  AnchorMessage,
  AnchorRefusedError,
  LEAF_ENCODING,
  Leaf,
  OrgSignature,
  leafHash,
  leafValues,
  processProof,
  signAnchor,
  signKeySet,
} from '@swledger/anchor';
import { rpcUrlOf, submitterOf } from '@swledger/devnet/evm';
import { testLayout } from '../harness';

const ORGS = ['CustomsMSP', 'BankAMSP', 'BankBMSP', 'EnterpriseMSP'];

function leaf(n: number, status = 'SUBMITTED'): Leaf {
  return {
    sha256: n.toString(16).padStart(64, '0'),
    type: 'CUSTOMS_DECLARATION',
    docId: `DEC-${n}`,
    status,
    issuerMsp: 'EnterpriseMSP',
    owner: '91310000MA1K4A7B2X',
    txId: `tx${n}`,
    block: 10 + n,
  };
}

function root(leaves: readonly Leaf[]): string {
  return StandardMerkleTree.of(leaves.map(leafValues), [...LEAF_ENCODING]).root;
}

async function refusal(p: Promise<unknown>): Promise<AnchorRefusedError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(AnchorRefusedError);
    return err as AnchorRefusedError;
  }
  throw new Error('the contract accepted the call');
}

describe('anchor contract on the geth node', function () {
  this.timeout(120_000);
  let chain: AnchorChain;
  let keys: BaseWallet[];

  const sign = (message: AnchorMessage, signers: readonly BaseWallet[]): Promise<OrgSignature[]> =>
    Promise.all(
      signers.map(async (k, i) => ({
        mspId: ORGS[i] ?? 'X',
        address: k.address,
        signature: await signAnchor(k, chain.domain, message),
      })),
    );

  const message = (
    fromBlock: bigint,
    toBlock: bigint,
    leaves: readonly Leaf[],
    revoked: string[] = [],
  ): AnchorMessage => ({
    fromBlock,
    toBlock,
    root: root(leaves),
    leaves: leaves.length,
    revoked,
  });

  beforeEach(async () => {
    const layout = testLayout();
    keys = ORGS.map(() => Wallet.createRandom());
    const rpc = rpcUrlOf(layout);
    const submitter = await submitterOf(layout, 1337n);
    chain = (
      await AnchorChain.deploy(
        rpc,
        submitter,
        keys.map((k) => k.address),
        100n,
      )
    ).chain;
  });

  afterEach(() => chain.close());

  it('accepts a root signed by three of four organisations and records its range and time', async () => {
    const leaves = [leaf(1), leaf(2), leaf(3)];
    const m = message(100n, 104n, leaves);

    const done = await chain.submit(m, await sign(m, keys.slice(0, 3)));
    const anchored = await chain.anchorOf(m.root);

    expect(done.index).to.equal(1);
    expect(anchored?.fromBlock).to.equal(100n);
    expect(anchored?.toBlock).to.equal(104n);
    expect(anchored?.leaves).to.equal(3);
    expect(anchored?.timestamp).to.be.greaterThan(0);
    expect(await chain.nextBlock()).to.equal(105n);
    process.stdout.write(`      [gas] one anchor of 3 leaves: ${done.gasUsed} gas\n`);
  });

  it('refuses a root signed by only two organisations (NoMajority), a stranger key (SignerNotKey) and one key twice (SignersNotSorted); nothing changes', async () => {
    const m = message(100n, 104n, [leaf(1)]);
    const two = await sign(m, keys.slice(0, 2));
    const stranger = await sign(m, [keys[0]!, keys[1]!, Wallet.createRandom()]);
    const twice = await sign(m, [keys[0]!, keys[1]!]);

    const noMajority = await refusal(chain.submit(m, two));
    const notKey = await refusal(chain.submit(m, stranger));
    const dup = await refusal(chain.submit(m, [...twice, twice[0]!]));

    expect(noMajority.reason).to.equal('NoMajority');
    expect(noMajority.args).to.deep.equal(['2', '3']);
    expect(notKey.reason).to.equal('SignerNotKey');
    expect(dup.reason).to.equal('SignersNotSorted');
    expect(await chain.anchorCount()).to.equal(0);
    expect(await chain.nextBlock()).to.equal(100n);
    expect(await chain.anchorOf(m.root)).to.equal(undefined);
  });

  it('refuses signatures over another message (a root swapped after signing)', async () => {
    const signed = message(100n, 104n, [leaf(1)]);
    const swapped = { ...signed, root: root([leaf(9)]) };

    const err = await refusal(chain.submit(swapped, await sign(signed, keys.slice(0, 3))));

    expect(['SignerNotKey', 'SignersNotSorted']).to.include(err.reason);
    expect(await chain.anchorCount()).to.equal(0);
  });

  it('refuses a replayed range, an overlapping one and a gap (RangeNotNext), and a known root (RootKnown)', async () => {
    const first = message(100n, 104n, [leaf(1)]);
    await chain.submit(first, await sign(first, keys.slice(0, 3)));
    const overlap = message(103n, 110n, [leaf(2)]);
    const gap = message(106n, 110n, [leaf(2)]);
    const sameRoot = { ...first, fromBlock: 105n, toBlock: 106n };

    const replay = await refusal(chain.submit(first, await sign(first, keys.slice(0, 3))));
    const overlapping = await refusal(chain.submit(overlap, await sign(overlap, keys.slice(0, 3))));
    const gapped = await refusal(chain.submit(gap, await sign(gap, keys.slice(0, 3))));
    const known = await refusal(chain.submit(sameRoot, await sign(sameRoot, keys.slice(0, 3))));

    expect(replay.reason).to.equal('RangeNotNext');
    expect(replay.args).to.deep.equal(['105', '100']);
    expect(overlapping.reason).to.equal('RangeNotNext');
    expect(gapped.reason).to.equal('RangeNotNext');
    expect(known.reason).to.equal('RootKnown');
    expect(await chain.anchorCount()).to.equal(1);
    expect(await chain.nextBlock()).to.equal(105n);
  });

  it('records a revocation with the anchor that carries it and emits Revoked', async () => {
    const doc = leaf(1);
    const first = message(100n, 104n, [doc]);
    await chain.submit(first, await sign(first, keys.slice(0, 3)));
    const rejected = leaf(1, 'REJECTED');
    const second = message(105n, 109n, [{ ...rejected, block: 107 }], [`0x${doc.sha256}`]);

    const done = await chain.submit(second, await sign(second, keys.slice(1, 4)));
    const receipt = await chain.provider.getTransactionReceipt(done.transactionHash);

    expect(done.index).to.equal(2);
    expect(await chain.revokedIn(doc.sha256)).to.equal(2);
    expect(await chain.revokedIn(leaf(2).sha256)).to.equal(0);
    expect(receipt?.logs.length).to.equal(2); // Revoked, then Anchored
  });

  it('rotates the organisation keys only with a majority of the current keys (StaleNonce, NoMajority otherwise)', async () => {
    const fresh = Wallet.createRandom();
    const next = [keys[0]!.address, keys[1]!.address, keys[2]!.address, fresh.address];
    const sigs = async (signers: readonly BaseWallet[], nonce: bigint) =>
      Promise.all(
        signers.map(async (k) => ({
          mspId: 'X',
          address: k.address,
          signature: await signKeySet(k, chain.domain, { keys: next, nonce }),
        })),
      );

    const minority = await refusal(
      chain.setKeys({ keys: next, nonce: 1n }, await sigs(keys.slice(0, 2), 1n)),
    );
    const stale = await refusal(
      chain.setKeys({ keys: next, nonce: 0n }, await sigs(keys.slice(0, 3), 0n)),
    );
    await chain.setKeys({ keys: next, nonce: 1n }, await sigs(keys.slice(1, 4), 1n));
    const replayed = await refusal(
      chain.setKeys({ keys: next, nonce: 1n }, await sigs(keys.slice(1, 4), 1n)),
    );
    const m = message(100n, 101n, [leaf(1)]);
    const oldKeyCounts = await refusal(
      chain.submit(m, await sign(m, [keys[1]!, keys[2]!, keys[3]!])),
    );
    await chain.submit(m, await sign(m, [keys[1]!, keys[2]!, fresh]));

    expect(minority.reason).to.equal('NoMajority');
    expect(stale.reason).to.equal('StaleNonce');
    expect(replayed.reason).to.equal('StaleNonce');
    expect(oldKeyCounts.reason).to.equal('SignerNotKey');
    expect(await chain.keys()).to.deep.equal(next);
    expect(await chain.keysNonce()).to.equal(1n);
    expect(await chain.anchorCount()).to.equal(1);
  });

  it("verifies OpenZeppelin's standard-tree proofs on chain exactly as the off-chain verifier does", async () => {
    const leaves = Array.from({ length: 7 }, (_, i) => leaf(i + 1));
    const tree = StandardMerkleTree.of(leaves.map(leafValues), [...LEAF_ENCODING]);

    for (const l of leaves) {
      const proof = tree.getProof(leafValues(l));
      expect(leafHash(l)).to.equal(tree.leafHash(leafValues(l)));
      expect(processProof(leafHash(l), proof)).to.equal(tree.root);
      expect(await chain.verifyProof(proof, tree.root, leafHash(l))).to.equal(true);
    }
    const other = leafHash({ ...leaves[0]!, status: 'REJECTED' });
    expect(await chain.verifyProof(tree.getProof(0), tree.root, other)).to.equal(false);
  });
});
