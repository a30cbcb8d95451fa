import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Leaf, LEAF_ENCODING, LeafValues, leafValues } from './leaf';

/** The standard Merkle tree (OpenZeppelin's: double-hashed leaves, sorted pairs) over a range's leaves. */
export class AnchorTree {
  private constructor(
    private readonly tree: StandardMerkleTree<LeafValues>,
    readonly leaves: readonly Leaf[],
  ) {}

  /** @throws Error when there is no leaf (an empty range is not anchored) */
  static of(leaves: readonly Leaf[]): AnchorTree {
    if (leaves.length === 0) throw new Error('an anchor needs at least one leaf');
    return new AnchorTree(
      StandardMerkleTree.of(leaves.map(leafValues), [...LEAF_ENCODING]),
      leaves,
    );
  }

  get root(): string {
    return this.tree.root;
  }

  /** The proof of the `i`-th leaf (in the order given to {@link of}). */
  proof(i: number): string[] {
    const values = this.leaves[i];
    if (values === undefined) throw new Error(`no leaf ${i}`);
    return this.tree.getProof(leafValues(values));
  }

  leafHash(i: number): string {
    const values = this.leaves[i];
    if (values === undefined) throw new Error(`no leaf ${i}`);
    return this.tree.leafHash(leafValues(values));
  }
}
