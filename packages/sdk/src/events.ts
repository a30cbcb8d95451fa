import type { RawChaincodeEvent } from './connection';
import { Change, ChangeEvent } from './types';

/** Name of the chaincode event carrying every change of a transaction. */
export const CHANGE_EVENT = 'swl.changes';

/** Where an event stream stands: everything up to and including this change has been handled. */
export interface Checkpoint {
  readonly blockNumber: string;
  readonly transactionId: string;
  /** Index of the change within the transaction's event. */
  readonly index: number;
}

/** One change, unpacked from a transaction's event, with its position on the ledger. */
export interface LedgerEvent extends Change {
  readonly transactionId: string;
  readonly blockNumber: string;
  /** Position of the transaction among its block's transactions. */
  readonly transactionIndex: number;
  /** Position of this change within its transaction. */
  readonly index: number;
  /** The checkpoint to store once this event is handled. */
  readonly checkpoint: Checkpoint;
}

/** Options of an event stream. */
export interface EventStreamOptions {
  /** Resume after this checkpoint (events up to it are skipped). */
  readonly checkpoint?: Checkpoint;
  /** Start at this block when there is no checkpoint. Default: new blocks only. */
  readonly startBlock?: bigint;
}

/**
 * Tells, for changes arriving in ledger order, which were handled before a
 * checkpoint: everything in earlier blocks, the checkpoint's transaction up
 * to its index, and the transactions of its block that came before it.
 * Everything after the checkpoint is new, including later transactions of
 * the same block.
 */
export class ResumeFilter {
  private past = false;
  private reachedTx = false;

  constructor(private readonly after: Checkpoint | undefined) {}

  /** Whether the change at `cp` was handled before the resume point. Call in ledger order. */
  handled(cp: Checkpoint): boolean {
    const r = this.after;
    if (!r || this.past) return false;
    if (BigInt(cp.blockNumber) > BigInt(r.blockNumber)) return this.pass();
    if (BigInt(cp.blockNumber) < BigInt(r.blockNumber)) return true;
    if (cp.transactionId === r.transactionId) {
      if (cp.index > r.index) return this.pass();
      this.reachedTx = true;
      return true;
    }
    // Another transaction of the checkpoint's block: new once the checkpoint's has gone by.
    return this.reachedTx ? this.pass() : true;
  }

  private pass(): false {
    this.past = true;
    return false;
  }
}

/**
 * Where events come from: {@link LedgerConnection.listen}, or a fake in
 * tests. The source may notify several transactions at once; the stream
 * handles them one after another, in the order they were notified.
 */
export interface EventSource {
  listen(
    onEvent: (e: RawChaincodeEvent) => Promise<void>,
    startBlock?: bigint,
  ): Promise<() => void>;
}

interface Pending {
  readonly event: LedgerEvent;
  readonly handled: () => void;
}

/**
 * An async iterator of ledger events, one per change, strictly in ledger
 * order (block, transaction, change). The iterator asks Fabric for the next
 * event only when the consumer asks for the next item, so an event counts
 * as handled once the loop body that received it has finished; store
 * `event.checkpoint` then, and a restart resumes exactly after it.
 */
export class EventStream implements AsyncIterable<LedgerEvent> {
  private readonly queue: Pending[] = [];
  private waiter: ((p: Pending | undefined) => void) | undefined;
  private stop: (() => void) | undefined;
  private closed = false;
  private current: Pending | undefined;

  private readonly resume: ResumeFilter;

  private constructor(resumeAfter: Checkpoint | undefined) {
    this.resume = new ResumeFilter(resumeAfter);
  }

  /**
   * Opens a stream on a connection (or any {@link EventSource}).
   *
   * @param options resume after `checkpoint`, or start at `startBlock` (default: new blocks only)
   * @returns the stream; iterate it with `for await`, close it with {@link close}
   */
  static async open(source: EventSource, options: EventStreamOptions = {}): Promise<EventStream> {
    const stream = new EventStream(options.checkpoint);
    const start = options.checkpoint ? BigInt(options.checkpoint.blockNumber) : options.startBlock;
    // fabric-network notifies the transactions of one block together: chain them, so a
    // transaction's changes are all delivered before the next transaction's first one.
    let tail: Promise<void> = Promise.resolve();
    stream.stop = await source.listen((raw) => {
      const run = tail.then(() => stream.unpack(raw));
      tail = run.catch(() => undefined);
      return run;
    }, start);
    return stream;
  }

  /** Delivers the changes of one transaction's event, one after another. */
  private async unpack(raw: RawChaincodeEvent): Promise<void> {
    if (raw.name !== CHANGE_EVENT || this.closed) return;
    const payload = JSON.parse(raw.payload) as ChangeEvent;
    const blockNumber = raw.blockNumber.toString();
    for (const [index, change] of payload.changes.entries()) {
      const checkpoint: Checkpoint = { blockNumber, transactionId: raw.transactionId, index };
      if (this.closed) return;
      if (this.resume.handled(checkpoint)) continue;
      await this.deliver({
        ...change,
        transactionId: raw.transactionId,
        blockNumber,
        transactionIndex: raw.transactionIndex,
        index,
        checkpoint,
      });
    }
  }

  private deliver(event: LedgerEvent): Promise<void> {
    return new Promise((handled) => {
      const pending = { event, handled };
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(pending);
      } else {
        this.queue.push(pending);
      }
    });
  }

  /** Stops listening; a pending `next()` ends the iteration. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop?.();
    this.current?.handled();
    for (const p of this.queue.splice(0)) p.handled();
    this.waiter?.(undefined);
    this.waiter = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<LedgerEvent> {
    return {
      next: async () => {
        // The consumer asking for the next item means the previous one is handled.
        this.current?.handled();
        this.current = undefined;
        if (this.closed) return { done: true, value: undefined };
        const next =
          this.queue.shift() ?? (await new Promise<Pending | undefined>((r) => (this.waiter = r)));
        if (!next) return { done: true, value: undefined };
        this.current = next;
        return { done: false, value: next.event };
      },
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }
}
