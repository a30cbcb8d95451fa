import type { LedgerConnection, SubmitOptions } from './connection';
import type { Remittance, RemittanceRequest } from '@swledger/protocol/remittance';
import type { Totals } from '@swledger/protocol/totals';
import { Committed } from './types';

export type { Remittance, RemittanceRequest, Totals };

/** What recording a remittance returns: the record and both documents' new remitted totals. */
export interface RemittanceResult {
  readonly remittance: Remittance;
  readonly declaration: Totals;
  readonly invoice: Totals;
}

/** Cross-border remittances checked against a declaration, an invoice and a contract. */
export class RemittancesApi {
  constructor(private readonly connection: LedgerConnection) {}

  /**
   * Records a remittance as the caller's bank (a clerk). The totals remitted
   * against the declaration and the invoice, across all banks, never exceed
   * their values. A race lost to another bank is retried (bounded) and then
   * sees the new totals.
   * @param request what was paid, by whom, against which documents
   * @returns the remittance and the documents' new remitted totals
   * @throws AlreadyRemittedError with `fields.left` (and `docId`, `type`, `currency`) when the
   *   amount passes what is left; InvalidArgumentError when parties, direction, currency or links
   *   do not match; InvalidTransitionError for a document in the wrong status; ForbiddenError
   *   unless a bank clerk; AlreadyExistsError for a used remittanceId
   * @example
   * await bank.remittances.record({
   *   remittanceId: 'RM-1', declarationDocId: 'DEC-1', invoiceDocId: 'INV-1',
   *   contractDocId: 'CON-1', direction: 'INWARD', payer: BUYER_USCC,
   *   amount: '5000.00', currency: 'USD',
   * });
   */
  async record(
    request: RemittanceRequest,
    options?: SubmitOptions,
  ): Promise<Committed<RemittanceResult>> {
    const res = await this.connection.submit('remit', 'record', [JSON.stringify(request)], options);
    return { value: JSON.parse(res.payload) as RemittanceResult, transactionId: res.transactionId };
  }

  /** Every remittance against a declaration. @throws ForbiddenError, NotFoundError */
  async list(declarationDocId: string): Promise<Remittance[]> {
    return JSON.parse(
      await this.connection.evaluate('remit', 'list', [declarationDocId]),
    ) as Remittance[];
  }
}
