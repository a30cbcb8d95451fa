import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ApprovalDecision } from '@swledger/protocol/approval';
import type { SwlClient } from './client';
import { AlreadyExistsError, InvalidTransitionError, ExpiredError } from './errors';
import type { Checkpoint, EventStream, LedgerEvent } from './events';

/** Where an approver keeps its place in the event stream across restarts. */
export interface ApproverCheckpoint {
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
}

/** A checkpoint kept in a JSON file, written atomically (temporary file, then rename). */
export function fileApproverCheckpoint(path: string): ApproverCheckpoint {
  return {
    load: async () =>
      existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Checkpoint) : undefined,
    save: async (checkpoint) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, JSON.stringify(checkpoint));
      renameSync(`${path}.tmp`, path);
    },
  };
}

/** One decision the approver made. */
export interface ApproverOutcome {
  readonly guaranteeDocId: string;
  readonly decision: ApprovalDecision;
  readonly transactionId: string;
}

/** Options of an {@link Approver}. */
export interface ApproverOptions {
  /** Resume from here; else start at `startBlock`, else at new blocks only. */
  readonly checkpoint?: ApproverCheckpoint;
  readonly startBlock?: bigint;
  /** Called after each decision is committed. */
  readonly onDecision?: (outcome: ApproverOutcome) => void;
  /** Progress and problems, one line each. Default: none. */
  readonly log?: (line: string) => void;
}

/**
 * A bank's automated guarantee approver: follows the event stream and, for
 * each new application naming its bank, asks the chaincode to decide it by
 * the bank's published rules (issued, or referred to a clerk). The client
 * must be the bank's `approver` identity. An application already decided
 * (after a restart) or moved by a clerk is skipped.
 */
export class Approver {
  private stream: EventStream | undefined;
  private stopped = false;

  constructor(
    private readonly client: SwlClient,
    private readonly options: ApproverOptions = {},
  ) {}

  /**
   * Runs until {@link stop}: decides every new application to the client's bank.
   * @throws what opening the event stream throws; a failed decision is logged and skipped
   */
  async run(): Promise<void> {
    const checkpoint = await this.options.checkpoint?.load();
    this.stream = await this.client.events({
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(this.options.startBlock === undefined ? {} : { startBlock: this.options.startBlock }),
    });
    if (this.stopped) this.stream.close();
    for await (const event of this.stream) {
      if (isApplication(event)) await this.decide(event);
      await this.options.checkpoint?.save(event.checkpoint);
      if (this.stopped) break;
    }
  }

  /** Stops after the event in hand. */
  stop(): void {
    this.stopped = true;
    this.stream?.close();
  }

  private async decide(event: LedgerEvent): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    try {
      const view = await this.client.documents.get('TARIFF_GUARANTEE', event.docId);
      if (view.access !== 'full' || view.facts.bankMsp !== this.client.mspId) return;
      const { value, transactionId } = await this.client.credit.decideGuarantee(event.docId);
      log(
        `${event.docId}: ${value.decision.outcome}${value.decision.failing.length === 0 ? '' : ` (failing: ${value.decision.failing.join(', ')})`} in ${transactionId}`,
      );
      this.options.onDecision?.({
        guaranteeDocId: event.docId,
        decision: value.decision,
        transactionId,
      });
    } catch (err) {
      if (
        err instanceof AlreadyExistsError ||
        err instanceof InvalidTransitionError ||
        err instanceof ExpiredError
      ) {
        log(`${event.docId}: skipped (${err.code})`);
        return;
      }
      log(`${event.docId}: not decided: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function isApplication(event: LedgerEvent): boolean {
  return (
    event.type === 'TARIFF_GUARANTEE' && event.oldStatus === null && event.newStatus === 'APPLIED'
  );
}
