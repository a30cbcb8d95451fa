import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { changeOf } from '@swledger/protocol/events';
import * as invoice from '@swledger/protocol/invoice';
import { financingRule } from '@swledger/protocol/policy';
import { DocType } from '@swledger/protocol/record';
import * as valid from '@swledger/protocol/validate';
import { fullView } from '@swledger/protocol/view';
import { respond, SwlContract, txOf } from './base';
import { actorOf } from './identity';
import { requireShipmentRoom } from './shipment';
import { Store } from './store';

/**
 * Invoice financing across banks: each financing is its own record, and the
 * total over all banks never exceeds the invoice amount. Two banks racing
 * both read and write the invoice state, so one of them loses at commit.
 */
@Info({ title: 'invoice', description: 'Finance and settle commercial invoices' })
export class InvoiceContract extends SwlContract {
  constructor() {
    super('invoice');
  }

  /** A bank clerk finances `amount` of an invoice under a new `financingId`. */
  @Transaction()
  @Returns('string')
  public async finance(
    ctx: Context,
    docId: string,
    financingId: string,
    amount: string,
  ): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const request = invoice.parseFinanceRequest(financingId, amount);
    const record = await store.loadRecord(DocType.INVOICE, valid.docId(docId));

    const { state, financing } = invoice.finance(record, request, actorOf(ctx), tx);
    await requireShipmentRoom(store, record, request.amount);
    if ((await store.findFinancing(record.facts.docId, request.financingId)) !== undefined) {
      fail(
        ErrorCode.ALREADY_EXISTS,
        `financing ${request.financingId} of ${record.facts.docId} exists`,
      );
    }
    await store.saveState(record, state);
    await store.saveFinancing(financing, financingRule(financing.bankMsp));
    await store.followFinancing(
      record.facts.owner,
      { ...financing, docId: record.facts.docId },
      true,
    );
    store.emit([
      changeOf(record.facts, record.state, state, 'finance', {
        amount: financing.amount,
        bankMsp: financing.bankMsp,
        financingId: financing.financingId,
      }),
    ]);
    return respond({ financing, invoice: fullView({ facts: record.facts, state }, tx.time) });
  }

  /** The financing bank's clerk settles its financing; the invoice is SETTLED once none is open. */
  @Transaction()
  @Returns('string')
  public async settle(ctx: Context, docId: string, financingId: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const record = await store.loadRecord(DocType.INVOICE, valid.docId(docId));
    const open =
      (await store.findFinancing(record.facts.docId, valid.docId(financingId, 'financingId'))) ??
      fail(ErrorCode.NOT_FOUND, `no financing ${financingId} of ${record.facts.docId}`);

    const { state, financing } = invoice.settle(record, open, actorOf(ctx), tx);
    await store.saveState(record, state);
    await store.saveFinancing(financing);
    await store.followFinancing(
      record.facts.owner,
      { ...financing, docId: record.facts.docId },
      false,
    );
    store.emit([
      changeOf(record.facts, record.state, state, 'settle', {
        amount: financing.amount,
        bankMsp: financing.bankMsp,
        financingId: financing.financingId,
      }),
    ]);
    return respond({ financing, invoice: fullView({ facts: record.facts, state }, tx.time) });
  }
}
