import type { LedgerConnection, SubmitOptions } from './connection';
import { Committed, FullView } from './types';

/** Invoice financing across banks. */
export class InvoicesApi {
  constructor(private readonly connection: LedgerConnection) {}

  /**
   * Finances part or all of a registered invoice as the caller's bank; the
   * total over all banks never exceeds the invoice amount. A lost race is
   * retried (bounded) and then sees the new total.
   * @throws AlreadyFinancedError (detail says how much is left), ForbiddenError, InvalidTransitionError
   */
  async finance(
    docId: string,
    financingId: string,
    amount: string,
    options?: SubmitOptions,
  ): Promise<Committed<FullView>> {
    const res = await this.connection.submit(
      'invoice',
      'finance',
      [docId, financingId, amount],
      options,
    );
    return { value: JSON.parse(res.payload) as FullView, transactionId: res.transactionId };
  }

  /** Settles the caller's bank's own financing. @throws ForbiddenError, InvalidTransitionError, NotFoundError */
  async settle(
    docId: string,
    financingId: string,
    options?: SubmitOptions,
  ): Promise<Committed<FullView>> {
    const res = await this.connection.submit('invoice', 'settle', [docId, financingId], options);
    return { value: JSON.parse(res.payload) as FullView, transactionId: res.transactionId };
  }
}
