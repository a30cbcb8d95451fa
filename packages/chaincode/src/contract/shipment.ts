import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canReadFull } from '@swledger/protocol/actor';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { changeOf } from '@swledger/protocol/events';
import { financingRule } from '@swledger/protocol/policy';
import { DocType, type DocRecord } from '@swledger/protocol/record';
import * as shipment from '@swledger/protocol/shipment';
import { amountCents } from '@swledger/protocol/validate';
import * as valid from '@swledger/protocol/validate';
import { respond, SwlContract, txOf } from './base';
import { actorOf } from './identity';
import { Store } from './store';

/**
 * Financing drawn directly on an EXPORT declaration, on the one cap the
 * shipment has (its declared value) shared with every invoice it links.
 * A financing reads the declaration's totals and every linked invoice's
 * state, so it races with financings through those invoices.
 */
@Info({ title: 'shipment', description: 'Finance a shipment once, across documents and banks' })
export class ShipmentContract extends SwlContract {
  constructor() {
    super('shipment');
  }

  /** A bank clerk finances `amount` of an EXPORT declaration under a new `financingId`. */
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
    const request = shipment.parseFinanceRequest(financingId, amount);
    const declaration = await store.loadRecord(DocType.DECLARATION, valid.docId(docId));
    const totals = await store.loadTotals(DocType.DECLARATION, declaration.facts.docId);
    const invoices = await store.linkedInvoices(declaration);

    const result = shipment.financeShipment(
      declaration,
      totals,
      invoices,
      request,
      actorOf(ctx),
      tx,
    );
    if (
      (await store.findDeclarationFinancing(declaration.facts.docId, request.financingId)) !==
      undefined
    ) {
      fail(
        ErrorCode.ALREADY_EXISTS,
        `financing ${request.financingId} of ${declaration.facts.docId} exists`,
      );
    }
    await store.saveTotals(totals, result.totals);
    await store.saveDeclarationFinancing(result.financing, financingRule(result.financing.bankMsp));
    await store.followFinancing(
      declaration.facts.owner,
      { ...result.financing, docId: declaration.facts.docId },
      true,
    );
    store.emit([
      changeOf(declaration.facts, declaration.state, declaration.state, 'finance', {
        amount: request.amount,
        bankMsp: result.financing.bankMsp,
        financed: result.totals.financed,
        financingId: request.financingId,
      }),
    ]);
    return respond({
      financing: result.financing,
      shipment: shipment.shipmentSummary(declaration, result.totals, invoices),
    });
  }

  /** The financing bank's clerk settles its financing of a declaration. */
  @Transaction()
  @Returns('string')
  public async settle(ctx: Context, docId: string, financingId: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const declaration = await store.loadRecord(DocType.DECLARATION, valid.docId(docId));
    const open =
      (await store.findDeclarationFinancing(
        declaration.facts.docId,
        valid.docId(financingId, 'financingId'),
      )) ?? fail(ErrorCode.NOT_FOUND, `no financing ${financingId} of ${declaration.facts.docId}`);
    const totals = await store.loadTotals(DocType.DECLARATION, declaration.facts.docId);

    const result = shipment.settleShipment(declaration, totals, open, actorOf(ctx), tx);
    await store.saveTotals(totals, result.totals);
    await store.saveDeclarationFinancing(result.financing);
    await store.followFinancing(
      declaration.facts.owner,
      { ...result.financing, docId: declaration.facts.docId },
      false,
    );
    store.emit([
      changeOf(declaration.facts, declaration.state, declaration.state, 'settle', {
        amount: result.financing.amount,
        bankMsp: result.financing.bankMsp,
        financingId: result.financing.financingId,
      }),
    ]);
    return respond({ financing: result.financing });
  }

  /** A declaration's shipment position: financed (direct and through invoices) and remitted. */
  @Transaction(false)
  @Returns('string')
  public async get(ctx: Context, docId: string): Promise<string> {
    const store = new Store(ctx.stub);
    const declaration = await store.loadRecord(DocType.DECLARATION, valid.docId(docId));
    if (!canReadFull(actorOf(ctx), declaration.facts.owner)) {
      fail(ErrorCode.FORBIDDEN, `the caller may not read the shipment ${declaration.facts.docId}`);
    }
    const totals = await store.loadTotals(DocType.DECLARATION, declaration.facts.docId);
    return respond({
      financings: await store.listDeclarationFinancings(declaration.facts.docId),
      remittances: await store.listRemittances(declaration.facts.docId),
      shipment: shipment.shipmentSummary(
        declaration,
        totals,
        await store.linkedInvoices(declaration),
      ),
    });
  }
}

/**
 * Refuses an invoice financing of `requested` that would take any shipment
 * the invoice counts for past its declared value. `invoice` is the invoice
 * before the financing; every shipment's totals and linked invoices are read,
 * so a concurrent financing anywhere on the shipment conflicts at commit.
 *
 * @throws SwlError ALREADY_FINANCED with fields naming the shipment and what is left
 */
export async function requireShipmentRoom(
  store: Store,
  invoice: DocRecord,
  requested: string,
): Promise<void> {
  for (const declaration of await store.shipmentsOf(invoice.facts.docId)) {
    if (shipment.countsForShipment(declaration, invoice)) {
      const totals = await store.loadTotals(DocType.DECLARATION, declaration.facts.docId);
      const invoices = await store.linkedInvoices(declaration);
      shipment.requireWithinShipment(
        declaration,
        shipment.shipmentFinanced(declaration, totals, invoices),
        amountCents(requested),
      );
    }
  }
}
