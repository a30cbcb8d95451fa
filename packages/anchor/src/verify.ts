import { isUsable } from '@swledger/protocol/view';
import { Interface, JsonRpcProvider, TypedDataDomain } from 'ethers';
import { AnchorChain, anchorInterface, rpcChainId } from './chain';
import { BUNDLE_FORMAT, ProofBundle } from './bundle';
import { leafHash, processProof } from './merkle';
import { anchorDomain, anchorSigner, AnchorMessage } from './typed';

/** Outcome of one check: the same four words as the ledger verification (SPEC §4). */
export type ProofCheckResult = 'VALID' | 'INVALID' | 'ERROR' | 'SKIPPED';

export interface ProofCheck {
  readonly result: ProofCheckResult;
  readonly reason: string;
}

/** The answer to "is this file, with this bundle, a current swledger record?", from an EVM RPC alone. */
export interface ProofVerification {
  readonly sha256: string;
  /** VALID when every check is; INVALID when any is; else ERROR. */
  readonly verdict: ProofCheckResult;
  /** The file's SHA-256 is the leaf's. */
  readonly integrity: ProofCheck;
  /** The leaf hashes to the bundle's leaf hash and its proof leads to the root. */
  readonly proof: ProofCheck;
  /** The contract holds the root, accepted in the bundle's transaction with a majority of the registered keys' signatures. */
  readonly anchor: ProofCheck & {
    readonly signers?: readonly string[];
    readonly anchoredAt?: string;
  };
  /** The leaf's status is usable for its type and no later anchor moved the document to an unusable one. */
  readonly status: ProofCheck & { readonly revokedIn?: number };
  readonly leaf?: ProofBundle['leaf'];
}

/** Options of {@link verifyProof}. */
export interface VerifyProofOptions {
  /** SHA-256 of the file being checked (64 lower-case hex). */
  readonly sha256: string;
  readonly bundle: unknown;
  /** An EVM JSON-RPC URL of the chain the bundle names. */
  readonly rpcUrl: string;
  /** Seconds to wait for the RPC. Default 10. */
  readonly timeoutSeconds?: number;
}

const skipped = (reason: string): ProofCheck => ({ result: 'SKIPPED', reason });

/**
 * Checks a file's portable proof with nothing but an EVM RPC: the file's
 * hash, the leaf, the Merkle proof, the root's anchoring with its
 * signatures, and no later revocation. An unreachable RPC is ERROR, never
 * INVALID; what the bundle or the chain contradicts is INVALID.
 */
export async function verifyProof(opts: VerifyProofOptions): Promise<ProofVerification> {
  const sha256 = opts.sha256.toLowerCase();
  const shape = bundleShape(opts.bundle);
  if (typeof shape === 'string') {
    const bad: ProofCheck = { result: 'INVALID', reason: shape };
    return {
      sha256,
      verdict: 'INVALID',
      integrity: skipped('no usable bundle'),
      proof: bad,
      anchor: skipped('no usable bundle'),
      status: skipped('no usable bundle'),
    };
  }
  const bundle = shape;
  const integrity: ProofCheck =
    bundle.leaf.sha256 === sha256
      ? { result: 'VALID', reason: 'the file is the document the proof is for' }
      : {
          result: 'INVALID',
          reason: `the file's SHA-256 ${sha256} is not the proof's ${bundle.leaf.sha256}: altered, or another file`,
        };
  const proof = checkProof(bundle);
  const local = { sha256, integrity, proof, leaf: bundle.leaf };
  if (proof.result !== 'VALID')
    return finish({
      ...local,
      anchor: skipped('the proof does not lead to its root'),
      status: skipped('the proof does not lead to its root'),
    });
  let chain: AnchorChain | undefined;
  try {
    const chainId = await rpcChainId(opts.rpcUrl, (opts.timeoutSeconds ?? 10) * 1000);
    if (chainId.toString() !== bundle.anchor.chainId)
      return finish({
        ...local,
        anchor: {
          result: 'INVALID',
          reason: `the RPC serves chain ${chainId}, the proof names chain ${bundle.anchor.chainId}`,
        },
        status: skipped('wrong chain'),
      });
    chain = AnchorChain.at({ rpcUrl: opts.rpcUrl, chainId, contract: bundle.anchor.contract });
    const anchor = await checkAnchor(chain, bundle);
    const status =
      anchor.result === 'VALID'
        ? await checkStatus(chain, bundle)
        : skipped('the root is not anchored');
    return finish({ ...local, anchor, status });
  } catch (err) {
    const reason = `the EVM RPC ${opts.rpcUrl} could not be read: ${err instanceof Error ? err.message : String(err)}`;
    return finish({
      ...local,
      anchor: { result: 'ERROR', reason },
      status: { result: 'ERROR', reason },
    });
  } finally {
    chain?.close();
  }
}

function finish(v: Omit<ProofVerification, 'verdict'>): ProofVerification {
  const results = [v.integrity, v.proof, v.anchor, v.status].map((c) => c.result);
  const verdict: ProofCheckResult = results.includes('INVALID')
    ? 'INVALID'
    : results.every((r) => r === 'VALID')
      ? 'VALID'
      : 'ERROR';
  return { ...v, verdict };
}

function checkProof(bundle: ProofBundle): ProofCheck {
  const computed = leafHash(bundle.leaf);
  if (computed !== bundle.leafHash)
    return {
      result: 'INVALID',
      reason: `the leaf's values hash to ${computed}, not the bundle's leaf hash ${bundle.leafHash}: the leaf was altered`,
    };
  const root = processProof(computed, bundle.proof);
  if (root !== bundle.root)
    return {
      result: 'INVALID',
      reason: `the Merkle proof leads to ${root}, not the bundle's root ${bundle.root}`,
    };
  return { result: 'VALID', reason: `the leaf is in the tree of root ${bundle.root}` };
}

async function checkAnchor(
  chain: AnchorChain,
  bundle: ProofBundle,
): Promise<ProofVerification['anchor']> {
  const onChain = await chain.anchorOf(bundle.root);
  if (onChain === undefined)
    return {
      result: 'INVALID',
      reason: `contract ${bundle.anchor.contract} never accepted root ${bundle.root}`,
    };
  if (!(await chain.verifyProof(bundle.proof, bundle.root, bundle.leafHash)))
    return { result: 'INVALID', reason: "the contract's own Merkle check refuses the proof" };
  const provider: JsonRpcProvider = chain.provider;
  const tx = await provider.getTransaction(bundle.anchor.transactionHash);
  const receipt = await provider.getTransactionReceipt(bundle.anchor.transactionHash);
  if (
    tx === null ||
    receipt === null ||
    receipt.status !== 1 ||
    tx.to?.toLowerCase() !== bundle.anchor.contract.toLowerCase()
  )
    return {
      result: 'INVALID',
      reason: `transaction ${bundle.anchor.transactionHash} is not an accepted call of the contract`,
    };
  const call = decodeAnchorCall(anchorInterface(), tx.data);
  if (call === undefined || call.message.root !== bundle.root)
    return {
      result: 'INVALID',
      reason: `transaction ${bundle.anchor.transactionHash} does not anchor root ${bundle.root}`,
    };
  const domain: TypedDataDomain = anchorDomain(chain.config.chainId, bundle.anchor.contract);
  const keys = new Set((await chain.keys(BigInt(receipt.blockNumber))).map((k) => k.toLowerCase()));
  const signers = call.signatures.map((s) => anchorSigner(domain, call.message, s));
  const valid = new Set(
    signers.filter((s) => keys.has(s.toLowerCase())).map((s) => s.toLowerCase()),
  );
  const needed = Math.floor(keys.size / 2) + 1;
  if (valid.size < needed)
    return {
      result: 'INVALID',
      reason: `${valid.size} registered organisation keys signed the root; ${needed} are needed`,
    };
  const anchoredAt = new Date(onChain.timestamp * 1000).toISOString();
  return {
    result: 'VALID',
    reason: `root anchored at ${anchoredAt} (EVM block ${receipt.blockNumber}, Fabric blocks ${onChain.fromBlock}..${onChain.toBlock}), signed by ${valid.size} of ${keys.size} organisation keys`,
    signers,
    anchoredAt,
  };
}

async function checkStatus(
  chain: AnchorChain,
  bundle: ProofBundle,
): Promise<ProofVerification['status']> {
  const { leaf } = bundle;
  if (!isUsable(leaf.type, leaf.status))
    return { result: 'INVALID', reason: `${leaf.type} in status ${leaf.status} is not usable` };
  const revokedIn = await chain.revokedIn(leaf.sha256);
  if (revokedIn >= bundle.anchor.index) {
    const root = await chain.rootAt(revokedIn);
    const later = await chain.anchorOf(root);
    const when = later ? new Date(later.timestamp * 1000).toISOString() : 'later';
    return {
      result: 'INVALID',
      reason: `not usable: a status change anchored at ${when} (anchor ${revokedIn}, Fabric blocks ${later?.fromBlock ?? '?'}..${later?.toBlock ?? '?'}) moved the document to an unusable status after this proof's leaf`,
      revokedIn,
    };
  }
  return {
    result: 'VALID',
    reason: `${leaf.type} ${leaf.status} is usable; no later anchor revoked it`,
  };
}

function decodeAnchorCall(
  iface: Interface,
  data: string,
): { message: AnchorMessage; signatures: string[] } | undefined {
  try {
    const parsed = iface.parseTransaction({ data });
    if (parsed?.name !== 'anchor') return undefined;
    const [fromBlock, toBlock, root, leaves, revoked, signatures] = parsed.args as unknown as [
      bigint,
      bigint,
      string,
      bigint,
      string[],
      string[],
    ];
    return {
      message: { fromBlock, toBlock, root, leaves: Number(leaves), revoked: [...revoked] },
      signatures: [...signatures],
    };
  } catch {
    return undefined;
  }
}

const HEX32 = /^0x[0-9a-f]{64}$/;

/** The bundle, or why it is not one. */
export function bundleShape(raw: unknown): ProofBundle | string {
  if (typeof raw !== 'object' || raw === null) return 'the proof is not a JSON object';
  const b = raw as Partial<ProofBundle>;
  if (b.format !== BUNDLE_FORMAT) return `the proof's format is not ${BUNDLE_FORMAT}`;
  const leaf = b.leaf;
  if (
    typeof leaf !== 'object' ||
    !/^[0-9a-f]{64}$/.test(String(leaf.sha256)) ||
    ![leaf.type, leaf.docId, leaf.status, leaf.issuerMsp, leaf.owner, leaf.txId].every(
      (v) => typeof v === 'string',
    ) ||
    !Number.isSafeInteger(leaf.block)
  )
    return 'the proof has no well-formed leaf';
  if (!HEX32.test(String(b.leafHash)) || !HEX32.test(String(b.root)))
    return 'the proof has no well-formed leaf hash and root';
  if (!Array.isArray(b.proof) || !b.proof.every((p) => HEX32.test(String(p))))
    return 'the Merkle proof is not a list of 32-byte hashes';
  const a = b.anchor;
  if (
    typeof a !== 'object' ||
    !/^\d+$/.test(String(a.chainId)) ||
    !/^0x[0-9a-fA-F]{40}$/.test(String(a.contract)) ||
    !HEX32.test(String(a.transactionHash)) ||
    !Number.isSafeInteger(a.index)
  )
    return 'the proof does not name the chain, contract, transaction and anchor index';
  return b as ProofBundle;
}
