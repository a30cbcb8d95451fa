import { AnchorChain } from './chain';
import { BUNDLE_FORMAT, ProofBundle } from './bundle';
import { sortLeaves } from './leaf';
import type { LedgerReader } from './source';
import { AnchorTree } from './tree';

/** What {@link proveDocument} needs besides the chain and the own peer. */
export interface ProveOptions {
  readonly sha256: string;
  readonly channel: string;
  /** The public verification view to include (informational). */
  readonly view: Readonly<Record<string, unknown>>;
  /** Block of the record's registration: older anchors are not searched. */
  readonly registeredInBlock?: bigint;
}

/** The proof, and whether a change of the document is on the ledger but not anchored yet. */
export interface Proven {
  readonly bundle: ProofBundle;
  /** Blocks after the last anchor that hold a change of the document (the proof shows the state before them). */
  readonly unanchoredChangeBlocks: readonly number[];
}

/**
 * Writes the portable proof of a document's latest anchored change: finds
 * the newest anchor whose range holds a change of it, rebuilds that range's
 * tree from the own peer's blocks (the root must be the anchored one) and
 * takes the leaf's proof.
 * @throws ProofNotReadyError when no anchor holds a change of the document yet
 * @throws Error when the own peer's rebuilt root differs from the anchored one
 */
export async function proveDocument(
  chain: AnchorChain,
  reader: LedgerReader,
  opts: ProveOptions,
): Promise<Proven> {
  const anchors = await chain.anchors();
  const anchoredThrough = anchors.at(-1)?.toBlock ?? -1n;
  const pending = await pendingChanges(reader, anchoredThrough + 1n, opts.sha256);
  for (const anchor of [...anchors].reverse()) {
    if (opts.registeredInBlock !== undefined && anchor.toBlock < opts.registeredInBlock) break;
    const leaves = sortLeaves(await reader.leaves(anchor.fromBlock, anchor.toBlock));
    const at = leaves.map((l) => l.sha256).lastIndexOf(opts.sha256);
    if (at < 0) continue;
    const tree = AnchorTree.of(leaves);
    if (tree.root !== anchor.root)
      throw new Error(
        `${reader.mspId}'s peer rebuilds root ${tree.root} for Fabric blocks ${anchor.fromBlock}..${anchor.toBlock}, but anchor ${anchor.index} holds ${anchor.root}`,
      );
    const leaf = leaves[at]!;
    const onChain = await chain.anchorOf(anchor.root);
    const anchoredAt = new Date((onChain?.timestamp ?? 0) * 1000).toISOString();
    const bundle: ProofBundle = {
      format: BUNDLE_FORMAT,
      leaf,
      leafHash: tree.leafHash(at),
      proof: tree.proof(at),
      root: anchor.root,
      anchor: {
        chainId: chain.config.chainId.toString(),
        contract: chain.config.contract,
        transactionHash: anchor.transactionHash,
        evmBlock: anchor.evmBlock.toString(),
        index: anchor.index,
        fromBlock: anchor.fromBlock.toString(),
        toBlock: anchor.toBlock.toString(),
        anchoredAt,
      },
      fabric: { channel: opts.channel, transactionId: leaf.txId, block: String(leaf.block) },
      view: opts.view,
    };
    return { bundle, unanchoredChangeBlocks: pending };
  }
  throw new ProofNotReadyError(opts.sha256, anchoredThrough, pending);
}

async function pendingChanges(
  reader: LedgerReader,
  from: bigint,
  sha256: string,
): Promise<number[]> {
  const last = (await reader.height()) - 1n;
  if (last < from) return [];
  const leaves = await reader.leaves(from, last);
  return leaves.filter((l) => l.sha256 === sha256).map((l) => l.block);
}

/** No anchor holds a change of the document yet (it waits for the next one). */
export class ProofNotReadyError extends Error {
  readonly code = 'NOT_ANCHORED';
  constructor(
    readonly sha256: string,
    readonly anchoredThrough: bigint,
    readonly pendingBlocks: readonly number[],
  ) {
    super(
      pendingBlocks.length > 0
        ? `NOT_ANCHORED: ${sha256} changed in Fabric block ${pendingBlocks.join(', ')}; anchors reach block ${anchoredThrough}: wait for the next anchor`
        : `NOT_ANCHORED: no anchor holds ${sha256} (anchors reach Fabric block ${anchoredThrough})`,
    );
    this.name = ProofNotReadyError.name;
  }
}
