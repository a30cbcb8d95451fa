import { ErrorCode, fail } from './errors';
import { amount, currency, fields, uscc } from './validate';

/**
 * Validates the buyer/seller/amount/currency facts invoices and contracts
 * share; the owner must be one of the two parties.
 */
export function parseParties(input: unknown, owner: string): Record<string, string> {
  const given = fields(input, 'facts', ['buyer', 'seller', 'amount', 'currency']);
  const parsed = {
    buyer: uscc(given.buyer, 'facts.buyer'),
    seller: uscc(given.seller, 'facts.seller'),
    amount: amount(given.amount, 'facts.amount'),
    currency: currency(given.currency, 'facts.currency'),
  };
  if (parsed.buyer === parsed.seller) {
    fail(ErrorCode.INVALID_ARGUMENT, 'facts.buyer and facts.seller must differ');
  }
  if (owner !== parsed.buyer && owner !== parsed.seller) {
    fail(ErrorCode.INVALID_ARGUMENT, 'owner must be the buyer or the seller');
  }
  return parsed;
}
