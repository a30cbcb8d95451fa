import { ApiRouter, idempotencyKey } from '../api';
import { callerOf } from '../auth';
import { ServiceContext, sendWrite } from '../context';
import { CommittedPair, DocIdPath, Empty, Financing, FinancingPath } from '../schemas';

/** /api/v1/invoices: bank financing of registered invoices. */
export function invoicesRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/invoices', 'invoices');
  r.add(
    {
      method: 'post',
      path: '/{docId}/financings',
      operationId: 'financeInvoice',
      summary: "Finance part or all of an invoice as the caller's bank",
      description:
        'Bank clerks. The total over all banks never exceeds the invoice amount (409 ALREADY_FINANCED). Accepts Idempotency-Key.',
      auth: 'required',
      params: DocIdPath,
      body: Financing,
      idempotent: true,
      responses: { 201: { description: '{financing, invoice}', schema: CommittedPair } },
      errors: [400, 401, 403, 404, 409, 413, 422, 429, 503],
    },
    async ({ params, body }, req, res) => {
      const caller = callerOf(req);
      const result = await ctx.writes.execute(caller, idempotencyKey(req), {
        request: { op: 'invoice.finance', docId: params.docId, ...body },
        run: async (c, options) => {
          const out = await ctx.ledger.submit('invoice.finance', () =>
            c.invoices.finance(params.docId, body.financingId, body.amount, options),
          );
          return { status: 201, body: { result: out.value, transactionId: out.transactionId } };
        },
        recover: async (c, transactionId) => ({
          status: 201,
          body: {
            result: { invoice: await c.documents.get('COMMERCIAL_INVOICE', params.docId) },
            transactionId,
          },
        }),
      });
      sendWrite(res, result);
    },
  );
  r.add(
    {
      method: 'post',
      path: '/{docId}/financings/{financingId}/settlement',
      operationId: 'settleFinancing',
      summary: "Settle the caller's bank's own financing",
      auth: 'required',
      params: FinancingPath,
      body: Empty,
      idempotent: true,
      responses: { 200: { description: '{financing, invoice}', schema: CommittedPair } },
      errors: [400, 401, 403, 404, 409, 413, 422, 429, 503],
    },
    async ({ params }, req, res) => {
      const caller = callerOf(req);
      const result = await ctx.writes.execute(caller, idempotencyKey(req), {
        request: { op: 'invoice.settle', ...params },
        run: async (c, options) => {
          const out = await ctx.ledger.submit('invoice.settle', () =>
            c.invoices.settle(params.docId, params.financingId, options),
          );
          return { status: 200, body: { result: out.value, transactionId: out.transactionId } };
        },
        recover: async (c, transactionId) => ({
          status: 200,
          body: {
            result: { invoice: await c.documents.get('COMMERCIAL_INVOICE', params.docId) },
            transactionId,
          },
        }),
      });
      sendWrite(res, result);
    },
  );
  return r;
}
