import type { BaseWallet, TypedDataDomain } from 'ethers';
import { AnchorRefusedError, type AnchorChain, type OrgSignature } from './chain';
import { AnchorRecording, AnchorSchedule, LocalOrgSigner } from './service';
import type { AnchorScheduleOptions, TickResult } from './service';
import type { AnchorRecorder, LedgerReader } from './source';
import { anchorSigner, sortBySigner, type AnchorMessage } from './typed';

/** One organisation's signature as the ledger's board holds it. */
export interface BoardEntry {
  /** The organisation that posted it (the MSP of the identity that submitted the post). */
  readonly mspId: string;
  readonly message: AnchorMessage;
  /** The anchor-key address the post names. */
  readonly address: string;
  readonly signature: string;
}

/**
 * The signature board on the ledger, as one organisation's service sees it
 * through its own peer. A posted signature is only a claim: the chaincode
 * cannot read the EVM chain, so each reader verifies every signature against
 * the contract's registered keys itself ({@link tallyBoard}).
 */
export interface SignatureBoard {
  /** The organisation whose identity posts. */
  readonly mspId: string;
  /** Every entry for the contract's ranges starting at `fromBlock`. */
  signatures(chainId: bigint, contract: string, fromBlock: bigint): Promise<BoardEntry[]>;
  /** Posts this organisation's signature (the identical post again is not an error). */
  post(
    chainId: bigint,
    contract: string,
    message: AnchorMessage,
    signed: OrgSignature,
  ): Promise<void>;
}

/** What the per-organisation service needs of the anchor contract (an {@link AnchorChain}). */
export type BoardChain = Pick<
  AnchorChain,
  | 'config'
  | 'domain'
  | 'nextBlock'
  | 'keys'
  | 'majority'
  | 'submit'
  | 'anchorCount'
  | 'anchors'
  | 'revokedBy'
>;

/** Identifies a message: two posts count together only when every signed field is equal. */
export function messageKey(m: AnchorMessage): string {
  return `${m.fromBlock}..${m.toBlock}/${m.root.toLowerCase()}/${m.leaves}/${m.revoked.join(',')}`;
}

/** The board's entries for one message, checked. */
export interface BoardGroup {
  readonly message: AnchorMessage;
  /** Signatures that recover to a registered key, one per key, sorted by signer. */
  readonly valid: readonly OrgSignature[];
  /** Organisations that posted for this message, valid or not. */
  readonly postedBy: readonly string[];
  /** Why entries were not counted. */
  readonly ignored: readonly string[];
}

/**
 * Groups the board's entries by message and counts, for each, the
 * signatures that recover (EIP-712, the contract's domain) to the address
 * the entry names and to one of `keys` (the contract's registered keys now),
 * each key once. Entries whose signature does not check are ignored.
 */
export function tallyBoard(
  domain: TypedDataDomain,
  entries: readonly BoardEntry[],
  keys: readonly string[],
): BoardGroup[] {
  const registered = new Set(keys.map((k) => k.toLowerCase()));
  const groups = new Map<
    string,
    {
      message: AnchorMessage;
      valid: Map<string, OrgSignature>;
      postedBy: string[];
      ignored: string[];
    }
  >();
  for (const e of entries) {
    const key = messageKey(e.message);
    let g = groups.get(key);
    if (g === undefined) {
      g = { message: e.message, valid: new Map(), postedBy: [], ignored: [] };
      groups.set(key, g);
    }
    g.postedBy.push(e.mspId);
    let recovered: string;
    try {
      recovered = anchorSigner(domain, e.message, e.signature).toLowerCase();
    } catch {
      g.ignored.push(`${e.mspId}: unreadable signature`);
      continue;
    }
    if (recovered !== e.address.toLowerCase())
      g.ignored.push(`${e.mspId}: the signature is by ${recovered}, not ${e.address}`);
    else if (!registered.has(recovered))
      g.ignored.push(`${e.mspId}: ${recovered} is not a registered key of the contract`);
    else if (!g.valid.has(recovered))
      g.valid.set(recovered, { mspId: e.mspId, address: recovered, signature: e.signature });
  }
  return [...groups.values()].map((g) => ({
    message: g.message,
    valid: sortBySigner([...g.valid.values()]),
    postedBy: g.postedBy,
    ignored: g.ignored,
  }));
}

/** What one organisation's service does next with the board. */
export type BoardDecision =
  | { readonly kind: 'submit'; readonly group: BoardGroup }
  | { readonly kind: 'cosign'; readonly message: AnchorMessage }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'propose' };

/**
 * The board rule of one organisation (pure):
 * 1. a message a majority of the registered keys signed: submit it;
 * 2. else a message another organisation posted that this one has neither
 *    signed nor refused and whose last block its own peer has: rebuild it
 *    from the own peer and co-sign if equal (a range beyond the own peer
 *    waits, without holding up the rest: a range posted far ahead cannot
 *    stall the service);
 * 3. else, when this organisation already signed a message starting here:
 *    wait for the others to co-sign it;
 * 4. else propose its own range (when the schedule says so).
 * @param refused keys ({@link messageKey}) of messages this organisation refused before
 * @param height the own peer's height (its last block is height - 1)
 */
export function decideBoard(
  mspId: string,
  groups: readonly BoardGroup[],
  majority: number,
  refused: ReadonlySet<string>,
  height: bigint,
): BoardDecision {
  const ready = groups.find((g) => g.valid.length >= majority);
  if (ready !== undefined) return { kind: 'submit', group: ready };
  const open = groups.find(
    (g) =>
      !g.postedBy.includes(mspId) &&
      !refused.has(messageKey(g.message)) &&
      g.message.toBlock < height,
  );
  if (open !== undefined) return { kind: 'cosign', message: open.message };
  const own = groups.find((g) => g.postedBy.includes(mspId));
  if (own !== undefined)
    return {
      kind: 'wait',
      reason: `blocks ${own.message.fromBlock}..${own.message.toBlock} root ${own.message.root}: ${own.valid.length} of ${majority} signatures on the board`,
    };
  return { kind: 'propose' };
}

/** The contract's reasons that mean "this range is anchored already" (by another organisation). */
const ALREADY_ANCHORED = new Set(['RangeNotNext', 'RootKnown']);

/**
 * One organisation's anchoring service on its own host, with only its own
 * anchor key and a client of its own peer: the other organisations are
 * reached through the ledger's signature board, nothing else. Each tick:
 * records on the ledger any accepted anchor it lacks; reads the board for
 * ranges starting at the contract's `nextBlock`; then submits a range a
 * majority signed, or co-signs another organisation's range that it
 * rebuilt identically from its own peer (refusing, once, any other), or,
 * when due, posts its own range.
 */
export class OrgAnchorService {
  private readonly schedule: AnchorSchedule;
  private readonly recording: AnchorRecording;
  private readonly signer: LocalOrgSigner;
  private readonly refused = new Set<string>();

  /**
   * @param reader the own peer (its anchorer identity)
   * @param key the own organisation's anchor key
   * @param board the ledger's board, posting as the own organisation
   * @param recorder records accepted anchors on the ledger (an organisation without a writing identity passes none)
   */
  constructor(
    private readonly chain: BoardChain,
    private readonly reader: LedgerReader,
    key: BaseWallet,
    private readonly board: SignatureBoard,
    schedule: AnchorScheduleOptions = {},
    recorder?: AnchorRecorder,
    now: () => number = Date.now,
  ) {
    this.schedule = new AnchorSchedule(schedule, now);
    this.recording = new AnchorRecording(chain, recorder);
    this.signer = new LocalOrgSigner(reader, key, 0);
  }

  get mspId(): string {
    return this.reader.mspId;
  }

  /** Blocks and seconds between anchors. */
  get every(): Required<AnchorScheduleOptions> {
    return this.schedule.every;
  }

  /**
   * Looks at the ledger and the board once.
   * @param force propose whatever is pending now
   */
  async tick(force = false): Promise<TickResult> {
    await this.recording.recordMissing();
    const { chainId, contract } = this.chain.config;
    const from = await this.chain.nextBlock();
    const height = await this.reader.height();
    const entries = await this.board.signatures(chainId, contract, from);
    const [keys, majority] = await Promise.all([this.chain.keys(), this.chain.majority()]);
    const decision = decideBoard(
      this.mspId,
      tallyBoard(this.chain.domain, entries, keys),
      majority,
      this.refused,
      height,
    );
    switch (decision.kind) {
      case 'submit':
        return this.submit(decision.group);
      case 'cosign':
        return this.cosign(decision.message);
      case 'wait':
        return { kind: 'waiting', reason: decision.reason };
      case 'propose':
        return this.propose(from, height - 1n, force);
    }
  }

  private async submit(group: BoardGroup): Promise<TickResult> {
    const { message } = group;
    try {
      const submission = await this.chain.submit(message, group.valid);
      this.schedule.reset();
      await this.recording.recordMissing();
      return {
        kind: 'anchored',
        anchor: { ...submission, message, signers: group.valid.map((s) => s.mspId) },
      };
    } catch (err) {
      if (!(err instanceof AnchorRefusedError && ALREADY_ANCHORED.has(err.reason))) throw err;
      this.schedule.reset();
      await this.recording.recordMissing();
      return {
        kind: 'waiting',
        reason: `blocks ${message.fromBlock}..${message.toBlock} were anchored by another organisation (${err.reason})`,
      };
    }
  }

  private async cosign(message: AnchorMessage): Promise<TickResult> {
    const answer = await this.signer.sign(this.chain.domain, message);
    if ('refused' in answer) {
      this.refused.add(messageKey(message));
      return {
        kind: 'refused',
        reason: `not co-signing blocks ${message.fromBlock}..${message.toBlock} root ${message.root}: ${answer.refused}`,
      };
    }
    await this.post(message, answer);
    return {
      kind: 'signed',
      message,
      reason: `co-signed blocks ${message.fromBlock}..${message.toBlock} root ${message.root}`,
    };
  }

  private async propose(from: bigint, last: bigint, force: boolean): Promise<TickResult> {
    const build = await this.schedule.dueRange(this.reader, from, last, force);
    if ('kind' in build) return build;
    const answer = await this.signer.sign(this.chain.domain, build.message);
    if ('refused' in answer) return { kind: 'refused', reason: answer.refused };
    await this.post(build.message, answer);
    const m = build.message;
    return {
      kind: 'signed',
      message: m,
      reason: `posted blocks ${m.fromBlock}..${m.toBlock} root ${m.root} (${m.leaves} records)`,
    };
  }

  private post(message: AnchorMessage, signed: OrgSignature): Promise<void> {
    const { chainId, contract } = this.chain.config;
    return this.board.post(chainId, contract, message, signed);
  }
}
