/**
 * Checks a portable proof bundle in the browser, with ethers and the EVM
 * RPC alone (the file is hashed here and never uploaded): the same checks,
 * in the same order and with the same verdict words, as `swl verify
 * --proof` (the anchor package's verifyProof; a unit test keeps the two
 * agreeing on encodings, types and statuses).
 */
import {
  AbiCoder,
  Contract,
  Interface,
  JsonRpcProvider,
  Network,
  concat,
  keccak256,
  verifyTypedData,
  type TypedDataField,
} from 'ethers';

export type Result = 'VALID' | 'INVALID' | 'ERROR' | 'SKIPPED';
export interface ProofCheck {
  result: Result;
  reason: string;
}
export interface BundleLeaf {
  sha256: string;
  type: string;
  docId: string;
  status: string;
  issuerMsp: string;
  owner: string;
  txId: string;
  block: number;
}
export interface Bundle {
  format: string;
  leaf: BundleLeaf;
  leafHash: string;
  proof: string[];
  root: string;
  anchor: {
    chainId: string;
    contract: string;
    transactionHash: string;
    index: number;
    anchoredAt: string;
  };
}
export interface BrowserProofVerification {
  verdict: Result;
  integrity: ProofCheck;
  proof: ProofCheck;
  anchor: ProofCheck;
  status: ProofCheck;
}

/** The leaf's Solidity types, in order (the anchor package's LEAF_ENCODING). */
export const LEAF_ENCODING = [
  'bytes32',
  'string',
  'string',
  'string',
  'string',
  'string',
  'string',
  'uint64',
];

/** Usable statuses per type (SPEC §4; protocol's USABLE_STATUSES). */
export const USABLE: Readonly<Record<string, readonly string[]>> = {
  CUSTOMS_DECLARATION: ['SUBMITTED', 'ACCEPTED', 'RELEASED'],
  COMMERCIAL_INVOICE: ['REGISTERED', 'FINANCED', 'SETTLED'],
  CONTRACT: ['REGISTERED'],
  TARIFF_GUARANTEE: ['ISSUED', 'ACTIVE'],
};

/** The EIP-712 type the organisations sign (the anchor package's ANCHOR_TYPES). */
export const ANCHOR_TYPES: Record<string, TypedDataField[]> = {
  Anchor: [
    { name: 'fromBlock', type: 'uint64' },
    { name: 'toBlock', type: 'uint64' },
    { name: 'root', type: 'bytes32' },
    { name: 'leaves', type: 'uint32' },
    { name: 'revoked', type: 'bytes32[]' },
  ],
};

/** The contract functions the check reads (a subset of SwlAnchor's ABI). */
export const READ_ABI = [
  'function anchorOf(bytes32 root) view returns (tuple(uint64 fromBlock, uint64 toBlock, uint32 index, uint32 leaves, uint64 evmBlock, uint64 timestamp))',
  'function verifyProof(bytes32[] proof, bytes32 root, bytes32 leaf) pure returns (bool)',
  'function keys() view returns (address[])',
  'function revokedIn(bytes32) view returns (uint32)',
  'function anchor(uint64 fromBlock, uint64 toBlock, bytes32 root, uint32 leaves, bytes32[] revoked, bytes[] signatures)',
];

export function leafHash(l: BundleLeaf): string {
  const values = [
    `0x${l.sha256}`,
    l.type,
    l.docId,
    l.status,
    l.issuerMsp,
    l.owner,
    l.txId,
    BigInt(l.block),
  ];
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(LEAF_ENCODING, values)));
}

export function processProof(leaf: string, proof: readonly string[]): string {
  let hash = leaf;
  for (const s of proof)
    hash = BigInt(hash) < BigInt(s) ? keccak256(concat([hash, s])) : keccak256(concat([s, hash]));
  return hash;
}

const skipped = (reason: string): ProofCheck => ({ result: 'SKIPPED', reason });

function verdictOf(checks: readonly ProofCheck[]): Result {
  const r = checks.map((c) => c.result);
  return r.includes('INVALID') ? 'INVALID' : r.every((x) => x === 'VALID') ? 'VALID' : 'ERROR';
}

/** Every check of a file's SHA-256 against a bundle, reading the chain through `rpcUrl`. */
export async function verifyInBrowser(
  sha256: string,
  bundle: Bundle,
  rpcUrl: string,
): Promise<BrowserProofVerification> {
  const integrity: ProofCheck =
    bundle.leaf.sha256 === sha256
      ? { result: 'VALID', reason: 'the file is the document the proof is for' }
      : {
          result: 'INVALID',
          reason: `the file's SHA-256 ${sha256} is not the proof's ${bundle.leaf.sha256}`,
        };
  const computed = leafHash(bundle.leaf);
  const proof: ProofCheck =
    computed !== bundle.leafHash
      ? {
          result: 'INVALID',
          reason: 'the leaf was altered: its values do not hash to the leaf hash',
        }
      : processProof(computed, bundle.proof) !== bundle.root
        ? { result: 'INVALID', reason: 'the Merkle proof does not lead to the root' }
        : { result: 'VALID', reason: `the leaf is in the tree of root ${bundle.root}` };
  if (proof.result !== 'VALID') {
    const rest = {
      anchor: skipped('the proof does not lead to its root'),
      status: skipped('the proof does not lead to its root'),
    };
    return { verdict: verdictOf([integrity, proof]), integrity, proof, ...rest };
  }
  let provider: JsonRpcProvider | undefined;
  try {
    const network = Network.from(BigInt(bundle.anchor.chainId));
    provider = new JsonRpcProvider(rpcUrl, network, { staticNetwork: network, batchMaxCount: 1 });
    const served = (await provider.getNetwork()).chainId;
    const live = BigInt(await provider.send('eth_chainId', []));
    if (live !== served) throw new Error('chain id mismatch');
    const anchor = await checkAnchor(provider, bundle);
    const status =
      anchor.result === 'VALID'
        ? await checkStatus(provider, bundle)
        : skipped('the root is not anchored');
    return {
      verdict: verdictOf([integrity, proof, anchor, status]),
      integrity,
      proof,
      anchor,
      status,
    };
  } catch (err) {
    const reason = `the EVM RPC ${rpcUrl} could not be read: ${err instanceof Error ? err.message : String(err)}`;
    const error: ProofCheck = { result: 'ERROR', reason };
    return {
      verdict: verdictOf([integrity, proof, error]),
      integrity,
      proof,
      anchor: error,
      status: error,
    };
  } finally {
    provider?.destroy();
  }
}

async function checkAnchor(provider: JsonRpcProvider, bundle: Bundle): Promise<ProofCheck> {
  const contract = new Contract(bundle.anchor.contract, READ_ABI, provider);
  const onChain = (await contract.getFunction('anchorOf')(bundle.root)) as {
    index: bigint;
    timestamp: bigint;
  };
  if (onChain.index === 0n)
    return { result: 'INVALID', reason: `the contract never accepted root ${bundle.root}` };
  if (
    !((await contract.getFunction('verifyProof')(
      bundle.proof,
      bundle.root,
      bundle.leafHash,
    )) as boolean)
  )
    return { result: 'INVALID', reason: "the contract's own Merkle check refuses the proof" };
  const tx = await provider.getTransaction(bundle.anchor.transactionHash);
  const receipt = await provider.getTransactionReceipt(bundle.anchor.transactionHash);
  if (
    !tx ||
    !receipt ||
    receipt.status !== 1 ||
    tx.to?.toLowerCase() !== bundle.anchor.contract.toLowerCase()
  )
    return { result: 'INVALID', reason: 'the transaction is not an accepted call of the contract' };
  const call = new Interface(READ_ABI).parseTransaction({ data: tx.data });
  if (call?.name !== 'anchor' || call.args[2] !== bundle.root)
    return { result: 'INVALID', reason: 'the transaction does not anchor this root' };
  const [fromBlock, toBlock, root, leaves, revoked, signatures] = call.args as unknown as [
    bigint,
    bigint,
    string,
    bigint,
    string[],
    string[],
  ];
  const domain = {
    name: 'swledger-anchor',
    version: '1',
    chainId: BigInt(bundle.anchor.chainId),
    verifyingContract: bundle.anchor.contract,
  };
  const message = { fromBlock, toBlock, root, leaves, revoked: [...revoked] };
  const keys = new Set(
    ((await contract.getFunction('keys')({ blockTag: receipt.blockNumber })) as string[]).map((k) =>
      k.toLowerCase(),
    ),
  );
  const signers = new Set(
    signatures
      .map((s) => verifyTypedData(domain, ANCHOR_TYPES, message, s).toLowerCase())
      .filter((a) => keys.has(a)),
  );
  const needed = Math.floor(keys.size / 2) + 1;
  if (signers.size < needed)
    return {
      result: 'INVALID',
      reason: `${signers.size} registered organisation keys signed the root; ${needed} are needed`,
    };
  const at = new Date(Number(onChain.timestamp) * 1000).toISOString();
  return {
    result: 'VALID',
    reason: `root anchored at ${at}, signed by ${signers.size} of ${keys.size} organisation keys`,
  };
}

async function checkStatus(provider: JsonRpcProvider, bundle: Bundle): Promise<ProofCheck> {
  const { leaf } = bundle;
  if (!(USABLE[leaf.type] ?? []).includes(leaf.status))
    return { result: 'INVALID', reason: `${leaf.type} in status ${leaf.status} is not usable` };
  const contract = new Contract(bundle.anchor.contract, READ_ABI, provider);
  const revokedIn = Number((await contract.getFunction('revokedIn')(`0x${leaf.sha256}`)) as bigint);
  if (revokedIn >= bundle.anchor.index)
    return {
      result: 'INVALID',
      reason: `not usable: a status change anchored later (anchor ${revokedIn}) moved the document to an unusable status`,
    };
  return {
    result: 'VALID',
    reason: `${leaf.type} ${leaf.status} is usable; no later anchor revoked it`,
  };
}
