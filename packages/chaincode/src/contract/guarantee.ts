import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { changeOf } from '@swledger/protocol/events';
import * as guarantee from '@swledger/protocol/guarantee';
import { drawRule } from '@swledger/protocol/policy';
import { DocType } from '@swledger/protocol/record';
import * as valid from '@swledger/protocol/validate';
import { fullView } from '@swledger/protocol/view';
import { respond, SwlContract, txOf } from './base';
import { actorOf } from './identity';
import { Store } from './store';

/**
 * Tariff guarantees: the named bank issues or rejects an application,
 * customs accepts it, draws on it for declarations' duty, settles draws and
 * finally releases it or claims it for the duty still owed.
 */
@Info({ title: 'guarantee', description: 'Issue, accept, draw on and close tariff guarantees' })
export class GuaranteeContract extends SwlContract {
  constructor() {
    super('guarantee');
  }

  /** The named bank's clerk issues an applied-for guarantee (APPLIED → ISSUED). */
  @Transaction()
  @Returns('string')
  public async issue(ctx: Context, docId: string): Promise<string> {
    return move(ctx, docId, 'issue');
  }

  /** The named bank's clerk rejects an application (APPLIED → REJECTED). */
  @Transaction()
  @Returns('string')
  public async reject(ctx: Context, docId: string): Promise<string> {
    return move(ctx, docId, 'reject');
  }

  /** A customs officer accepts an issued guarantee (ISSUED → ACTIVE). */
  @Transaction()
  @Returns('string')
  public async accept(ctx: Context, docId: string): Promise<string> {
    return move(ctx, docId, 'accept');
  }

  /** A customs officer releases a guarantee with no open draw (ACTIVE → RELEASED). */
  @Transaction()
  @Returns('string')
  public async release(ctx: Context, docId: string): Promise<string> {
    return move(ctx, docId, 'release');
  }

  /**
   * A customs officer claims a guarantee for the duty still owed (ACTIVE →
   * CLAIMED): every open draw becomes CLAIMED and its declaration's duty
   * PAID by the bank; the guarantee records the claimed total.
   */
  @Transaction()
  @Returns('string')
  public async claim(ctx: Context, docId: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const record = await store.loadRecord(DocType.GUARANTEE, valid.docId(docId));
    const draws = await store.listDraws(record.facts.docId);
    const open: guarantee.OpenDraw[] = [];
    for (const d of draws.filter((x) => x.status === guarantee.DrawStatus.OPEN)) {
      open.push({
        draw: d,
        declaration: await store.loadRecord(DocType.DECLARATION, d.declarationDocId),
      });
    }

    const outcome = guarantee.claim(record, open, actorOf(ctx), tx);
    await store.saveState(record, outcome.state);
    for (const c of outcome.draws) {
      await store.saveState(c.before.declaration, c.declarationState);
      await store.saveDraw(c.draw);
    }
    store.emit(guarantee.claimChanges(record, outcome));
    const claimed = new Map(outcome.draws.map((c) => [c.draw.drawId, c.draw]));
    const after = draws.map((d) => claimed.get(d.drawId) ?? d);
    return respond(
      fullView({ facts: record.facts, state: outcome.state }, tx.time, { draws: after }),
    );
  }

  /** A customs officer draws a declaration's assessed duty; the declaration's taxStatus becomes GUARANTEED. */
  @Transaction()
  @Returns('string')
  public async draw(
    ctx: Context,
    docId: string,
    drawId: string,
    declarationDocId: string,
    amount: string,
  ): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const request = guarantee.parseDrawRequest(drawId, declarationDocId, amount);
    const record = await store.loadRecord(DocType.GUARANTEE, valid.docId(docId));
    const declaration = await store.loadRecord(DocType.DECLARATION, request.declarationDocId);

    const outcome = guarantee.draw(record, declaration, request, actorOf(ctx), tx);
    if ((await store.findDraw(record.facts.docId, request.drawId)) !== undefined) {
      fail(ErrorCode.ALREADY_EXISTS, `draw ${request.drawId} on ${record.facts.docId} exists`);
    }
    await store.saveState(record, outcome.state);
    await store.saveState(declaration, outcome.declarationState);
    await store.saveDraw(outcome.draw, drawRule(record));
    const detail = { amount: outcome.draw.amount, drawId: outcome.draw.drawId };
    store.emit([
      changeOf(record.facts, record.state, outcome.state, 'draw', {
        ...detail,
        declarationDocId: declaration.facts.docId,
      }),
      changeOf(declaration.facts, declaration.state, outcome.declarationState, 'draw', {
        ...detail,
        guaranteeDocId: record.facts.docId,
      }),
    ]);
    return respond({
      draw: outcome.draw,
      guarantee: fullView({ facts: record.facts, state: outcome.state }, tx.time),
    });
  }

  /** A customs officer settles a draw once the duty is paid: balance restored, declaration taxStatus PAID. */
  @Transaction()
  @Returns('string')
  public async settleDraw(ctx: Context, docId: string, drawId: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const record = await store.loadRecord(DocType.GUARANTEE, valid.docId(docId));
    const open =
      (await store.findDraw(record.facts.docId, valid.docId(drawId, 'drawId'))) ??
      fail(ErrorCode.NOT_FOUND, `no draw ${drawId} on ${record.facts.docId}`);
    const declaration = await store.loadRecord(DocType.DECLARATION, open.declarationDocId);

    const outcome = guarantee.settleDraw(record, open, declaration, actorOf(ctx), tx);
    await store.saveState(record, outcome.state);
    await store.saveState(declaration, outcome.declarationState);
    await store.saveDraw(outcome.draw);
    const detail = { amount: outcome.draw.amount, drawId: outcome.draw.drawId };
    store.emit([
      changeOf(record.facts, record.state, outcome.state, 'settleDraw', {
        ...detail,
        declarationDocId: declaration.facts.docId,
      }),
      changeOf(declaration.facts, declaration.state, outcome.declarationState, 'settleDraw', {
        ...detail,
        guaranteeDocId: record.facts.docId,
      }),
    ]);
    return respond({
      draw: outcome.draw,
      guarantee: fullView({ facts: record.facts, state: outcome.state }, tx.time),
    });
  }
}

async function move(ctx: Context, docId: string, action: string): Promise<string> {
  const tx = txOf(ctx);
  const store = new Store(ctx.stub);
  const command = guarantee.parseCommand(action);
  const record = await store.loadRecord(DocType.GUARANTEE, valid.docId(docId));

  const next = guarantee.transition(record, command, actorOf(ctx), tx);
  await store.saveState(record, next);
  store.emit([changeOf(record.facts, record.state, next, action)]);
  return respond(fullView({ facts: record.facts, state: next }, tx.time));
}
