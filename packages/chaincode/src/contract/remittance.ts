import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canReadFull } from '@swledger/protocol/actor';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { monthAfterRemittance, monthOf } from '@swledger/protocol/credit';
import { changeOf } from '@swledger/protocol/events';
import { DocType } from '@swledger/protocol/record';
import * as remittance from '@swledger/protocol/remittance';
import * as valid from '@swledger/protocol/validate';
import { respond, SwlContract, txOf } from './base';
import { actorOf } from './identity';
import { Store } from './store';

/**
 * Cross-border remittance checked against a declaration, an invoice and a
 * contract (SPEC §8). The remitted totals of the declaration and the
 * invoice are read and written by every remittance, so two banks racing on
 * the last amount conflict: one commits, the other is invalidated
 * (MVCC_READ_CONFLICT) and, retried, sees the new total.
 */
@Info({ title: 'remit', description: 'Record remittances checked against trade documents' })
export class RemittanceContract extends SwlContract {
  constructor() {
    super('remit');
  }

  /** A bank clerk records a remittance (JSON {@link remittance.RemittanceRequest}). */
  @Transaction()
  @Returns('string')
  public async record(ctx: Context, requestJson: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const request = remittance.parseRemittanceRequest(valid.parseJson(requestJson, 'remittance'));
    const docs = {
      declaration: await store.loadRecord(DocType.DECLARATION, request.declarationDocId),
      invoice: await store.loadRecord(DocType.INVOICE, request.invoiceDocId),
      contract: await store.loadRecord(DocType.CONTRACT, request.contractDocId),
    };
    const totals = {
      declaration: await store.loadTotals(DocType.DECLARATION, request.declarationDocId),
      invoice: await store.loadTotals(DocType.INVOICE, request.invoiceDocId),
    };

    const result = remittance.remit(docs, totals, request, actorOf(ctx), tx);
    if (
      (await store.findRemittance(request.declarationDocId, request.remittanceId)) !== undefined
    ) {
      fail(
        ErrorCode.ALREADY_EXISTS,
        `remittance ${request.remittanceId} against ${request.declarationDocId} exists`,
      );
    }
    await store.createRemittance(result.remittance);
    await store.saveTotals(totals.declaration, result.declaration);
    await store.saveTotals(totals.invoice, result.invoice);
    if (request.direction === remittance.RemittanceDirection.INWARD) {
      await store.updateMonth(docs.declaration.facts.owner, monthOf(tx.time), (m) =>
        monthAfterRemittance(m, request.currency, request.amount, tx),
      );
    }
    const detail = {
      amount: request.amount,
      bankMsp: result.remittance.bankMsp,
      remittanceId: request.remittanceId,
    };
    store.emit([
      changeOf(docs.declaration.facts, docs.declaration.state, docs.declaration.state, 'remit', {
        ...detail,
        remitted: result.declaration.remitted,
      }),
      changeOf(docs.invoice.facts, docs.invoice.state, docs.invoice.state, 'remit', {
        ...detail,
        remitted: result.invoice.remitted,
      }),
    ]);
    return respond({
      declaration: result.declaration,
      invoice: result.invoice,
      remittance: result.remittance,
    });
  }

  /** Every remittance against a declaration, for its owner, customs and banks. */
  @Transaction(false)
  @Returns('string')
  public async list(ctx: Context, declarationDocId: string): Promise<string> {
    const store = new Store(ctx.stub);
    const declaration = await store.loadRecord(DocType.DECLARATION, valid.docId(declarationDocId));
    if (!canReadFull(actorOf(ctx), declaration.facts.owner)) {
      fail(
        ErrorCode.FORBIDDEN,
        `the caller may not read the remittances of ${declaration.facts.docId}`,
      );
    }
    return respond(await store.listRemittances(declaration.facts.docId));
  }
}
