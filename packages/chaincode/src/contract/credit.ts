import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canReadFull, hasKnownRole, isBankClerk } from '@swledger/protocol/actor';
import * as approval from '@swledger/protocol/approval';
import * as credit from '@swledger/protocol/credit';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { changeOf, type Change } from '@swledger/protocol/events';
import { DocType, factOf } from '@swledger/protocol/record';
import * as valid from '@swledger/protocol/validate';
import { fullView } from '@swledger/protocol/view';
import { respond, SwlContract, txOf } from './base';
import { actorOf } from './identity';
import { Store } from './store';

/**
 * A bank's credit services on ledger data (SPEC §8): its published policy,
 * loan-limit decisions computed from the enterprise's month aggregates and
 * exposure, and the automated approver's decisions on guarantee
 * applications. Every decision is a write-once record listing its inputs.
 */
@Info({ title: 'credit', description: 'Bank policies, loan limits and guarantee auto-approval' })
export class CreditContract extends SwlContract {
  constructor() {
    super('credit');
  }

  /** A bank clerk publishes its bank's policy (`{bankMsp, limit, approval}`); returns it. */
  @Transaction()
  @Returns('string')
  public async publishPolicy(ctx: Context, policyJson: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const input = valid.parseJson(policyJson, 'policy');
    const bankMsp = valid.text(
      (input as { bankMsp?: unknown } | null)?.bankMsp ?? '',
      'policy.bankMsp',
      64,
    );
    const current = await store.findPolicy(bankMsp);

    const policy = credit.publishPolicy(input, current, actorOf(ctx), tx);
    await store.savePolicy(policy, current === undefined);
    store.emit([
      decisionChange('publishPolicy', policy.bankMsp, tx.id, '', 'PUBLISHED', {
        version: String(policy.version),
      }),
    ]);
    return respond(policy);
  }

  /** A bank's published policy, for anyone with a known role. */
  @Transaction(false)
  @Returns('string')
  public async getPolicy(ctx: Context, bankMsp: string): Promise<string> {
    requireReader(ctx);
    const store = new Store(ctx.stub);
    const msp = valid.text(bankMsp, 'bankMsp', 64);
    return respond(
      (await store.findPolicy(msp)) ?? fail(ErrorCode.NOT_FOUND, `${msp} has published no policy`),
    );
  }

  /** A bank clerk assesses an enterprise's loan limit under the clerk's bank's policy; returns the decision. */
  @Transaction()
  @Returns('string')
  public async assessLimit(ctx: Context, owner: string): Promise<string> {
    const tx = txOf(ctx);
    const actor = actorOf(ctx);
    const store = new Store(ctx.stub);
    const entity = valid.uscc(owner, 'owner');
    if (!isBankClerk(actor)) {
      fail(ErrorCode.FORBIDDEN, 'only a bank clerk may assess a limit');
    }
    const policy =
      (await store.findPolicy(actor.msp)) ??
      fail(ErrorCode.NOT_FOUND, `${actor.msp} has published no policy`);
    const inputs = {
      months: await store.loadMonths(entity, tx.time, policy.limit.lookbackMonths),
      exposure: await store.loadExposure(entity),
    };

    const decision = credit.assessLimit(entity, policy, inputs, actor, tx);
    await store.createDecision(decision);
    store.emit([
      decisionChange('assessLimit', entity, decision.decisionId, entity, 'DECIDED', {
        bankMsp: decision.bankMsp,
        limit: decision.limit,
      }),
    ]);
    return respond(decision);
  }

  /** A limit decision, for its enterprise, customs and banks. */
  @Transaction(false)
  @Returns('string')
  public async getDecision(ctx: Context, owner: string, decisionId: string): Promise<string> {
    const store = new Store(ctx.stub);
    const entity = valid.uscc(owner, 'owner');
    if (!canReadFull(actorOf(ctx), entity)) {
      fail(ErrorCode.FORBIDDEN, `the caller may not read the decisions on ${entity}`);
    }
    return respond(
      (await store.findDecision(entity, valid.text(decisionId, 'decisionId', 64))) ??
        fail(ErrorCode.NOT_FOUND, `no decision ${decisionId} on ${entity}`),
    );
  }

  /**
   * The automated approver of the guarantee's bank decides an application:
   * ISSUED with a decision record when every rule of the bank's policy
   * passes, else REFERRED to a clerk with the failing rules (still APPLIED).
   */
  @Transaction()
  @Returns('string')
  public async decideGuarantee(ctx: Context, docId: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const record = await store.loadRecord(DocType.GUARANTEE, valid.docId(docId));
    const bankMsp = factOf(record, 'bankMsp');
    const policy =
      (await store.findPolicy(bankMsp)) ??
      fail(ErrorCode.NOT_FOUND, `${bankMsp} has published no policy`);
    const months = await store.loadMonths(
      record.facts.owner,
      tx.time,
      approval.approvalMonths(policy),
    );
    const inputs = {
      months: months.slice(0, policy.limit.lookbackMonths),
      claimMonths: months.slice(0, policy.approval.claimFreeMonths),
      exposure: await store.loadExposure(record.facts.owner),
    };

    const { decision, state } = approval.decide(record, policy, inputs, actorOf(ctx), tx);
    if ((await store.findApproval(record.facts.docId)) !== undefined) {
      fail(ErrorCode.ALREADY_EXISTS, `guarantee ${record.facts.docId} has been decided`);
    }
    await store.createApproval(decision);
    const detail = { outcome: decision.outcome, failing: decision.failing.join(',') };
    if (state !== undefined) {
      await store.saveState(record, state);
      store.emit([changeOf(record.facts, record.state, state, 'issue', detail)]);
    } else {
      store.emit([changeOf(record.facts, record.state, record.state, 'refer', detail)]);
    }
    return respond({
      decision,
      guarantee: fullView({ facts: record.facts, state: state ?? record.state }, tx.time),
    });
  }

  /** The approver's decision on an application, for its applicant, customs and banks. */
  @Transaction(false)
  @Returns('string')
  public async getApproval(ctx: Context, docId: string): Promise<string> {
    const store = new Store(ctx.stub);
    const record = await store.loadRecord(DocType.GUARANTEE, valid.docId(docId));
    if (!canReadFull(actorOf(ctx), record.facts.owner)) {
      fail(ErrorCode.FORBIDDEN, `the caller may not read the decision on ${record.facts.docId}`);
    }
    return respond(
      (await store.findApproval(record.facts.docId)) ??
        fail(ErrorCode.NOT_FOUND, `no automated decision on ${record.facts.docId}`),
    );
  }
}

function requireReader(ctx: Context): void {
  if (!hasKnownRole(actorOf(ctx))) {
    fail(ErrorCode.FORBIDDEN, 'the caller has no role');
  }
}

/** The change a credit record's creation reports: not a document, so no fingerprint. */
function decisionChange(
  action: string,
  subject: string,
  id: string,
  owner: string,
  status: string,
  detail: Readonly<Record<string, string>>,
): Change {
  return {
    type: credit.DECISION_TYPE,
    docId: id,
    sha256: '',
    owner: owner === '' ? subject : owner,
    oldStatus: null,
    newStatus: status,
    action,
    detail,
  };
}
