import type { LedgerConnection, SubmitOptions } from './connection';
import type { Remittance } from '@swledger/protocol/remittance';
import type { DeclarationFinancing, ShipmentSummary } from '@swledger/protocol/shipment';
import { Committed } from './types';

export type { DeclarationFinancing, ShipmentSummary };

/** A shipment's position with the records behind it. */
export interface ShipmentView {
  readonly shipment: ShipmentSummary;
  readonly financings: readonly DeclarationFinancing[];
  readonly remittances: readonly Remittance[];
}

/** Financing of one shipment (an EXPORT declaration and the invoices it links), counted once. */
export class ShipmentsApi {
  constructor(private readonly connection: LedgerConnection) {}

  /**
   * Finances part of an EXPORT declaration as the caller's bank. Financings
   * on the declaration and on every invoice it links share one cap, the
   * declared value, across all banks.
   * @throws AlreadyFinancedError with `fields.left`; InvalidArgumentError for an IMPORT
   *   declaration; InvalidTransitionError unless ACCEPTED or RELEASED; ForbiddenError
   */
  async finance(
    declarationDocId: string,
    financingId: string,
    amount: string,
    options?: SubmitOptions,
  ): Promise<Committed<{ financing: DeclarationFinancing; shipment: ShipmentSummary }>> {
    const res = await this.connection.submit(
      'shipment',
      'finance',
      [declarationDocId, financingId, amount],
      options,
    );
    return {
      value: JSON.parse(res.payload) as {
        financing: DeclarationFinancing;
        shipment: ShipmentSummary;
      },
      transactionId: res.transactionId,
    };
  }

  /** Settles the caller's bank's own financing of a declaration. @throws ForbiddenError, InvalidTransitionError, NotFoundError */
  async settle(
    declarationDocId: string,
    financingId: string,
    options?: SubmitOptions,
  ): Promise<Committed<{ financing: DeclarationFinancing }>> {
    const res = await this.connection.submit(
      'shipment',
      'settle',
      [declarationDocId, financingId],
      options,
    );
    return {
      value: JSON.parse(res.payload) as { financing: DeclarationFinancing },
      transactionId: res.transactionId,
    };
  }

  /** A declaration's shipment: financed (direct, by invoice) and remitted totals, with the records. @throws ForbiddenError, NotFoundError */
  async get(declarationDocId: string): Promise<ShipmentView> {
    return JSON.parse(
      await this.connection.evaluate('shipment', 'get', [declarationDocId]),
    ) as ShipmentView;
  }
}
