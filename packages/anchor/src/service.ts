import type { BaseWallet, TypedDataDomain } from 'ethers';
import { AnchorChain, OrgSignature, signAnchor, Submission } from './chain';
import { Leaf, revokedOf, sortLeaves } from './leaf';
import type { AnchorRecorder, LedgerReader } from './source';
import { AnchorTree } from './tree';
import type { AnchorMessage } from './typed';

/** What one organisation built from its own peer for a range. */
export interface RangeBuild {
  readonly message: AnchorMessage;
  readonly leaves: readonly Leaf[];
}

/** Rebuilds a range from a ledger reader: the sorted leaves, their root and the revocations. */
export async function buildRange(
  reader: LedgerReader,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<RangeBuild | undefined> {
  const leaves = sortLeaves(await reader.leaves(fromBlock, toBlock));
  if (leaves.length === 0) return undefined;
  const tree = AnchorTree.of(leaves);
  return {
    leaves,
    message: {
      fromBlock,
      toBlock,
      root: tree.root,
      leaves: leaves.length,
      revoked: revokedOf(leaves),
    },
  };
}

/**
 * An organisation's signer: signs an anchor proposal only when the root it
 * rebuilds from its own peer's blocks is the proposed one. The all-in-one
 * {@link AnchorService} calls each organisation's signer in one process;
 * across hosts, each organisation's {@link OrgAnchorService} calls its own
 * and the signatures travel through the ledger's signature board.
 */
export interface OrgSigner {
  readonly mspId: string;
  readonly address: string;
  /**
   * @returns the signature, or a refusal saying why (its peer is behind, its root differs)
   */
  sign(
    domain: TypedDataDomain,
    proposal: AnchorMessage,
  ): Promise<OrgSignature | { refused: string }>;
}

/** A signer with the organisation's anchor key and a reader of its own peer. */
export class LocalOrgSigner implements OrgSigner {
  constructor(
    private readonly reader: LedgerReader,
    private readonly key: BaseWallet,
    private readonly catchUpMs = 10_000,
  ) {}

  get mspId(): string {
    return this.reader.mspId;
  }
  get address(): string {
    return this.key.address;
  }

  async sign(
    domain: TypedDataDomain,
    proposal: AnchorMessage,
  ): Promise<OrgSignature | { refused: string }> {
    const deadline = Date.now() + this.catchUpMs;
    while ((await this.reader.height()) <= proposal.toBlock) {
      if (Date.now() > deadline)
        return { refused: `${this.mspId}'s peer has not reached block ${proposal.toBlock}` };
      await new Promise((r) => setTimeout(r, 200));
    }
    const own = await buildRange(this.reader, proposal.fromBlock, proposal.toBlock);
    if (own === undefined)
      return { refused: `${this.mspId}'s peer has no record changes in the range` };
    if (!sameMessage(own.message, proposal))
      return { refused: `${this.mspId} rebuilt root ${own.message.root}, not ${proposal.root}` };
    const signature = await signAnchor(this.key, domain, proposal);
    return { mspId: this.mspId, address: this.key.address, signature };
  }
}

function sameMessage(a: AnchorMessage, b: AnchorMessage): boolean {
  return (
    a.fromBlock === b.fromBlock &&
    a.toBlock === b.toBlock &&
    a.root === b.root &&
    a.leaves === b.leaves &&
    a.revoked.join() === b.revoked.join()
  );
}

/** When the service anchors: after `blocks` Fabric blocks or `seconds` seconds, whichever first. */
export interface AnchorScheduleOptions {
  /** Default 10. */
  readonly blocks?: number;
  /** Default 30. */
  readonly seconds?: number;
}

/** One anchor the service made. */
export interface AnchorDone extends Submission {
  readonly message: AnchorMessage;
  readonly signers: readonly string[];
}

/** What a tick did. */
export type TickResult =
  | { readonly kind: 'anchored'; readonly anchor: AnchorDone }
  | { readonly kind: 'signed'; readonly message: AnchorMessage; readonly reason: string }
  | { readonly kind: 'waiting'; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * The schedule: a range is due after `blocks` Fabric blocks or `seconds`
 * seconds since blocks started pending, whichever first.
 */
export class AnchorSchedule {
  private pendingSince: number | undefined;
  readonly every: Required<AnchorScheduleOptions>;

  constructor(
    options: AnchorScheduleOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.every = { blocks: options.blocks ?? 10, seconds: options.seconds ?? 30 };
  }

  /** Whether blocks from..last (some pending) are due now; starts the clock on the first pending look. */
  due(from: bigint, last: bigint, force = false): boolean {
    this.pendingSince ??= this.now();
    return (
      force ||
      last - from + 1n >= BigInt(this.every.blocks) ||
      this.now() - this.pendingSince >= this.every.seconds * 1000
    );
  }

  /** An anchor was made: the clock restarts with the next pending block. */
  reset(): void {
    this.pendingSince = undefined;
  }

  /**
   * The range from..last rebuilt from `reader` when it is due, else why not
   * (no block yet, not due, no record changed in it).
   */
  async dueRange(
    reader: LedgerReader,
    from: bigint,
    last: bigint,
    force = false,
  ): Promise<RangeBuild | { readonly kind: 'waiting'; readonly reason: string }> {
    if (last < from) return { kind: 'waiting', reason: `no block after ${from - 1n}` };
    if (!this.due(from, last, force))
      return { kind: 'waiting', reason: `blocks ${from}..${last} pending` };
    const build = await buildRange(reader, from, last);
    return build ?? { kind: 'waiting', reason: `no record changed in blocks ${from}..${last}` };
  }
}

/**
 * Records on the ledger every anchor the contract accepted and the ledger
 * lacks (a crash between the EVM transaction and the record, or an anchor
 * another organisation submitted), from the contract's events.
 */
export class AnchorRecording {
  private recordedThrough = 0;

  constructor(
    private readonly chain: Pick<AnchorChain, 'config' | 'anchorCount' | 'anchors' | 'revokedBy'>,
    private readonly recorder?: AnchorRecorder,
  ) {}

  /** @returns how many anchors it recorded */
  async recordMissing(): Promise<number> {
    if (this.recorder === undefined) return 0;
    const missing = await this.unrecorded(this.recorder);
    if (missing.length === 0) {
      this.recordedThrough = Math.max(this.recordedThrough, await this.chain.anchorCount());
      return 0;
    }
    const events = new Map((await this.chain.anchors()).map((a) => [a.index, a]));
    for (const index of missing) {
      const a = events.get(index);
      if (a === undefined)
        throw new Error(`the contract has no Anchored event for anchor ${index}`);
      await this.recorder.record({
        chainId: this.chain.config.chainId.toString(),
        contract: this.chain.config.contract.toLowerCase(),
        index,
        root: a.root,
        fromBlock: a.fromBlock.toString(),
        toBlock: a.toBlock.toString(),
        leaves: a.leaves,
        revoked: await this.chain.revokedBy(index, a.evmBlock),
        evmTransaction: a.transactionHash,
        evmBlock: a.evmBlock.toString(),
        signers: a.signers.map((s) => s.toLowerCase()),
      });
      this.recordedThrough = index;
    }
    return missing.length;
  }

  /** The anchors the ledger lacks, oldest first: walks back from the chain's newest to the last recorded one. */
  private async unrecorded(recorder: AnchorRecorder): Promise<number[]> {
    const { chainId, contract } = this.chain.config;
    const missing: number[] = [];
    for (let i = await this.chain.anchorCount(); i > this.recordedThrough; i--) {
      if (await recorder.isRecorded(chainId.toString(), contract, i)) break;
      missing.unshift(i);
    }
    return missing;
  }
}

/**
 * The anchoring service: follows committed blocks on the own peer, proposes
 * the next range (from the contract's `nextBlock`, so a restarted service
 * resumes exactly where the chain stands: no gap, no double anchor),
 * collects the organisations' signatures and submits once a majority signed.
 */
export class AnchorService {
  private readonly schedule: AnchorSchedule;
  private readonly recording: AnchorRecording;

  /**
   * @param recorder records each accepted anchor on the ledger; anchors the
   *   ledger lacks (a crash between the EVM transaction and the record) are
   *   recorded at the next tick
   */
  constructor(
    private readonly chain: AnchorChain,
    private readonly reader: LedgerReader,
    private readonly signers: readonly OrgSigner[],
    schedule: AnchorScheduleOptions = {},
    recorder?: AnchorRecorder,
    now: () => number = Date.now,
  ) {
    this.schedule = new AnchorSchedule(schedule, now);
    this.recording = new AnchorRecording(chain, recorder);
  }

  /**
   * Looks at the ledger once; anchors when the schedule says so.
   * @param force anchor whatever is pending now
   */
  async tick(force = false): Promise<TickResult> {
    await this.recordOnLedger();
    const from = await this.chain.nextBlock();
    const last = (await this.reader.height()) - 1n;
    const build = await this.schedule.dueRange(this.reader, from, last, force);
    if ('kind' in build) return build;
    const signed: OrgSignature[] = [];
    const refusals: string[] = [];
    for (const signer of this.signers) {
      const answer = await signer.sign(this.chain.domain, build.message);
      if ('refused' in answer) refusals.push(answer.refused);
      else signed.push(answer);
    }
    const majority = await this.chain.majority();
    if (signed.length < majority)
      return {
        kind: 'refused',
        reason: `${signed.length} of ${majority} signatures needed (${refusals.join('; ')})`,
      };
    const submission = await this.chain.submit(build.message, signed);
    this.schedule.reset();
    await this.recordOnLedger();
    return {
      kind: 'anchored',
      anchor: { ...submission, message: build.message, signers: signed.map((s) => s.mspId) },
    };
  }

  /** Records on the ledger every accepted anchor it lacks, from the contract's events. */
  async recordOnLedger(): Promise<number> {
    return this.recording.recordMissing();
  }
}
