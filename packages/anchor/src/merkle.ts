import { AbiCoder, concat, keccak256 } from 'ethers';
import { Leaf, LEAF_ENCODING, leafValues } from './leaf';

/**
 * The standard tree's leaf hash: keccak256(keccak256(abi.encode(values))).
 * Written out (not taken from the tree library) so a verifier needs only ethers.
 */
export function leafHash(leaf: Leaf): string {
  return keccak256(
    keccak256(AbiCoder.defaultAbiCoder().encode([...LEAF_ENCODING], leafValues(leaf))),
  );
}

/** OpenZeppelin's MerkleProof.processProof: hash sorted pairs up to the root. */
export function processProof(leaf: string, proof: readonly string[]): string {
  let hash = leaf;
  for (const sibling of proof) {
    hash =
      BigInt(hash) < BigInt(sibling)
        ? keccak256(concat([hash, sibling]))
        : keccak256(concat([sibling, hash]));
  }
  return hash;
}
