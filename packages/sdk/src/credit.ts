import type { ApprovalDecision } from '@swledger/protocol/approval';
import {
  computeLimit,
  monthsBack,
  type BankPolicy,
  type LimitDecision,
  type MonthAggregate,
  type Reason,
} from '@swledger/protocol/credit';
import { canonicalJson } from '@swledger/protocol/serialize';
import { amountCents, formatCents } from '@swledger/protocol/validate';
import type { LedgerConnection, SubmitOptions } from './connection';
import type { DocumentsApi } from './documents';
import { NotFoundError } from './errors';
import { Committed, DocType, FullView } from './types';

export type { ApprovalDecision, BankPolicy, LimitDecision, MonthAggregate, Reason };

/** What a bank publishes: its MSP ID and its limit and approval parameters. */
export interface PolicyInput {
  readonly bankMsp: string;
  readonly limit: BankPolicy['limit'];
  readonly approval: BankPolicy['approval'];
}

/** The outcome of {@link CreditApi.recompute}. */
export interface Recomputation {
  /** True when the limit, totals and reasons follow from the inputs and the inputs from the ledger. */
  readonly agrees: boolean;
  /** The limit recomputed from the listed inputs. */
  readonly limit: string;
  /** Each disagreement found, in words; empty when `agrees`. */
  readonly problems: readonly string[];
}

/** A bank's credit services: its policy, loan-limit decisions, automated guarantee decisions. */
export class CreditApi {
  constructor(
    private readonly connection: LedgerConnection,
    private readonly documents: DocumentsApi,
  ) {}

  /**
   * Publishes (or replaces) the caller's bank's policy; a clerk of that bank only.
   * @throws ForbiddenError for another bank's policy; InvalidArgumentError for bad parameters
   */
  async publishPolicy(
    policy: PolicyInput,
    options?: SubmitOptions,
  ): Promise<Committed<BankPolicy>> {
    const res = await this.connection.submit(
      'credit',
      'publishPolicy',
      [JSON.stringify(policy)],
      options,
    );
    return { value: JSON.parse(res.payload) as BankPolicy, transactionId: res.transactionId };
  }

  /** A bank's published policy. @throws NotFoundError when it has published none */
  async policy(bankMsp: string): Promise<BankPolicy> {
    return JSON.parse(
      await this.connection.evaluate('credit', 'getPolicy', [bankMsp]),
    ) as BankPolicy;
  }

  /**
   * Computes an enterprise's loan limit in chaincode under the caller's
   * bank's policy and records the decision (inputs, parameters, limit, reasons).
   * @throws NotFoundError when the bank has no policy; ForbiddenError unless a bank clerk
   * @example
   * const { value } = await bank.credit.assessLimit('91310000MA1K4A7B2X');
   * console.log(value.limit, value.reasons.map((r) => `${r.code} ${r.amount}`));
   */
  async assessLimit(owner: string, options?: SubmitOptions): Promise<Committed<LimitDecision>> {
    const res = await this.connection.submit('credit', 'assessLimit', [owner], options);
    return { value: JSON.parse(res.payload) as LimitDecision, transactionId: res.transactionId };
  }

  /** A recorded limit decision. @throws NotFoundError, ForbiddenError */
  async decision(owner: string, decisionId: string): Promise<LimitDecision> {
    return JSON.parse(
      await this.connection.evaluate('credit', 'getDecision', [owner, decisionId]),
    ) as LimitDecision;
  }

  /**
   * The automated approver decides an application to its bank: ISSUED or REFERRED.
   * @throws ForbiddenError unless the approver of the guarantee's bank; InvalidTransitionError
   *   unless APPLIED; AlreadyExistsError when already decided; NotFoundError without a policy
   */
  async decideGuarantee(
    docId: string,
    options?: SubmitOptions,
  ): Promise<Committed<{ decision: ApprovalDecision; guarantee: FullView }>> {
    const res = await this.connection.submit('credit', 'decideGuarantee', [docId], options);
    return {
      value: JSON.parse(res.payload) as { decision: ApprovalDecision; guarantee: FullView },
      transactionId: res.transactionId,
    };
  }

  /** The automated decision on an application, or undefined when there is none. */
  async approval(docId: string): Promise<ApprovalDecision | undefined> {
    try {
      return JSON.parse(
        await this.connection.evaluate('credit', 'getApproval', [docId]),
      ) as ApprovalDecision;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Checks a limit decision from its listed inputs: the decision is the one
   * on the ledger; its months are the look-back ending at its time; the
   * limit, totals and reasons follow from its inputs and parameters; and
   * every released declaration, paid duty and claimed guarantee it lists is
   * on the ledger in that state, of that enterprise, adding up to the
   * month's totals.
   * @returns whether it agrees, the recomputed limit and what disagrees
   */
  async recompute(decision: LimitDecision): Promise<Recomputation> {
    const problems: string[] = [];
    const onLedger = await this.decision(decision.owner, decision.decisionId);
    if (canonicalJson(onLedger) !== canonicalJson(decision)) {
      problems.push(`decision ${decision.decisionId} differs from the one on the ledger`);
    }
    const wanted = monthsBack(decision.asOf, decision.parameters.lookbackMonths);
    const got = decision.inputs.months.map((m) => m.month);
    if (canonicalJson(wanted) !== canonicalJson(got)) {
      problems.push(`its months ${got.join(',')} are not the look-back ${wanted.join(',')}`);
    }
    const result = computeLimit(decision.parameters, decision.inputs);
    if (result.limit !== decision.limit) {
      problems.push(
        `the inputs give a limit of ${result.limit}, the decision says ${decision.limit}`,
      );
    }
    if (canonicalJson(result.totals) !== canonicalJson(decision.totals)) {
      problems.push('the totals do not follow from the inputs');
    }
    if (canonicalJson(result.reasons) !== canonicalJson(decision.reasons)) {
      problems.push('the reasons do not follow from the inputs');
    }
    for (const month of decision.inputs.months) {
      if (month.owner !== decision.owner)
        problems.push(`month ${month.month} is of ${month.owner}`);
      problems.push(...(await this.checkMonth(decision.owner, month)));
    }
    return { agrees: problems.length === 0, limit: result.limit, problems };
  }

  /** Each listed record is on the ledger in the state the month counts it for, and they add up. */
  private async checkMonth(owner: string, month: MonthAggregate): Promise<string[]> {
    const problems: string[] = [];
    const released: Record<string, bigint> = {};
    for (const id of month.releasedIds) {
      const view = await this.view('CUSTOMS_DECLARATION', id);
      if (view === undefined || view.owner !== owner || view.status !== 'RELEASED') {
        problems.push(
          `${month.month}: declaration ${id} is not a RELEASED declaration of ${owner}`,
        );
        continue;
      }
      const cur = view.facts.currency ?? '';
      released[cur] =
        (released[cur] ?? 0n) + amountCents(view.facts.declaredValue ?? '0', 'v', true);
    }
    for (const [cur, total] of Object.entries(released)) {
      if (formatCents(total) !== (month.released[cur] ?? '0.00')) {
        problems.push(
          `${month.month}: released ${cur} ${month.released[cur] ?? '0.00'} but its declarations add up to ${formatCents(total)}`,
        );
      }
    }
    for (const cur of Object.keys(month.released)) {
      if (released[cur] === undefined && month.released[cur] !== '0.00') {
        problems.push(
          `${month.month}: released ${cur} ${month.released[cur] ?? ''} lists no declaration`,
        );
      }
    }
    let duty = 0n;
    for (const id of month.dutyPaidIds) {
      const view = await this.view('CUSTOMS_DECLARATION', id);
      if (view === undefined || view.owner !== owner || view.state.taxStatus !== 'PAID') {
        problems.push(`${month.month}: declaration ${id} has no PAID duty of ${owner}`);
        continue;
      }
      duty += amountCents(view.state.dutyAmount ?? '0', 'duty', true);
    }
    if (formatCents(duty) !== month.dutyPaid) {
      problems.push(
        `${month.month}: duty paid ${month.dutyPaid} but its declarations add up to ${formatCents(duty)}`,
      );
    }
    let claimed = 0n;
    for (const id of month.claimedIds) {
      const view = await this.view('TARIFF_GUARANTEE', id);
      if (view === undefined || view.owner !== owner || view.state.status !== 'CLAIMED') {
        problems.push(`${month.month}: guarantee ${id} is not a CLAIMED guarantee of ${owner}`);
        continue;
      }
      claimed += amountCents(view.state.claimed ?? '0', 'claimed', true);
    }
    if (formatCents(claimed) !== month.claimed) {
      problems.push(
        `${month.month}: claimed ${month.claimed} but its guarantees add up to ${formatCents(claimed)}`,
      );
    }
    return problems;
  }

  private async view(type: DocType, docId: string): Promise<FullView | undefined> {
    try {
      const view = await this.documents.get(type, docId);
      return view.access === 'full' ? view : undefined;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }
}
