import { ApiRouter, idempotencyKey } from '../api';
import { callerOf } from '../auth';
import { ServiceContext, sendWrite } from '../context';
import { HttpError } from '../errors';
import {
  Committed,
  CommittedPair,
  DocIdPath,
  Draw,
  DrawPath,
  Empty,
  GuaranteeApplication,
  GuaranteeTransition,
} from '../schemas';
import { registerWrite } from './documents';

const WRITE_ERRORS = [400, 401, 403, 404, 409, 413, 422, 429, 503];

/** /api/v1/guarantees: tariff guarantees — apply, issue/reject, accept, draw, settle, release/claim. */
export function guaranteesRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/guarantees', 'guarantees');
  r.add(
    {
      method: 'post',
      path: '/',
      operationId: 'applyForGuarantee',
      summary: 'Apply for a tariff guarantee (enterprise users, for their own entity)',
      description:
        "Registers the guarantee letter's fingerprint with status APPLIED. Accepts Idempotency-Key.",
      auth: 'required',
      body: GuaranteeApplication,
      idempotent: true,
      responses: { 201: { description: 'Applied', schema: Committed } },
      errors: WRITE_ERRORS,
    },
    async ({ body }, req, res) => {
      const caller = callerOf(req);
      if (caller.role !== 'enterprise' || !caller.entity)
        throw new HttpError(403, 'FORBIDDEN', 'only enterprise users apply for guarantees');
      const write = registerWrite(
        ctx,
        {
          type: 'TARIFF_GUARANTEE',
          docId: body.docId,
          owner: caller.entity,
          links: body.links ?? [],
          facts: {
            bankMsp: body.bankMsp,
            customsOffice: body.customsOffice,
            amount: body.amount,
            validFrom: body.validFrom,
            validTo: body.validTo,
          },
        },
        body.sha256,
      );
      sendWrite(res, await ctx.writes.execute(caller, idempotencyKey(req), write));
    },
  );
  r.add(
    {
      method: 'post',
      path: '/{docId}/transitions',
      operationId: 'changeGuaranteeStatus',
      summary: "Change a guarantee's status",
      description:
        "issue, reject (clerks of the named bank); accept, release (no draw open), claim (customs officers). A claim calls the guarantee for the duty of every open draw: the draws become CLAIMED, their declarations' taxStatus PAID (by the bank), the guarantee CLAIMED with `state.claimed` the total; with no draw open it is 422 INVALID_TRANSITION. Accepts Idempotency-Key.",
      auth: 'required',
      params: DocIdPath,
      body: GuaranteeTransition,
      idempotent: true,
      responses: { 200: { description: 'The guarantee after the change', schema: Committed } },
      errors: WRITE_ERRORS,
    },
    async ({ params, body }, req, res) => {
      const caller = callerOf(req);
      const result = await ctx.writes.execute(caller, idempotencyKey(req), {
        request: { op: 'guarantee.transition', docId: params.docId, action: body.action },
        run: async (c, options) => {
          const out = await ctx.ledger.submit(`guarantee.${body.action}`, () =>
            c.guarantees[body.action](params.docId, options),
          );
          return { status: 200, body: { record: out.value, transactionId: out.transactionId } };
        },
        recover: async (c, transactionId) => ({
          status: 200,
          body: { record: await c.documents.get('TARIFF_GUARANTEE', params.docId), transactionId },
        }),
      });
      sendWrite(res, result);
    },
  );
  r.add(
    {
      method: 'post',
      path: '/{docId}/draws',
      operationId: 'drawOnGuarantee',
      summary: "Draw on an active guarantee for a declaration's assessed duty (customs officers)",
      description:
        'The balance falls; a draw never exceeds it (422 INSUFFICIENT_BALANCE). Accepts Idempotency-Key.',
      auth: 'required',
      params: DocIdPath,
      body: Draw,
      idempotent: true,
      responses: { 201: { description: '{draw, guarantee}', schema: CommittedPair } },
      errors: WRITE_ERRORS,
    },
    async ({ params, body }, req, res) => {
      const caller = callerOf(req);
      const result = await ctx.writes.execute(caller, idempotencyKey(req), {
        request: { op: 'guarantee.draw', docId: params.docId, ...body },
        run: async (c, options) => {
          const out = await ctx.ledger.submit('guarantee.draw', () =>
            c.guarantees.draw(
              params.docId,
              body.drawId,
              body.declarationDocId,
              body.amount,
              options,
            ),
          );
          return { status: 201, body: { result: out.value, transactionId: out.transactionId } };
        },
        recover: async (c, transactionId) => ({
          status: 201,
          body: {
            result: { guarantee: await c.documents.get('TARIFF_GUARANTEE', params.docId) },
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
      path: '/{docId}/draws/{drawId}/settlement',
      operationId: 'settleDraw',
      summary: 'Settle a draw once the duty is paid; the balance is restored (customs officers)',
      auth: 'required',
      params: DrawPath,
      body: Empty,
      idempotent: true,
      responses: { 200: { description: '{draw, guarantee}', schema: CommittedPair } },
      errors: WRITE_ERRORS,
    },
    async ({ params }, req, res) => {
      const caller = callerOf(req);
      const result = await ctx.writes.execute(caller, idempotencyKey(req), {
        request: { op: 'guarantee.settleDraw', ...params },
        run: async (c, options) => {
          const out = await ctx.ledger.submit('guarantee.settleDraw', () =>
            c.guarantees.settleDraw(params.docId, params.drawId, options),
          );
          return { status: 200, body: { result: out.value, transactionId: out.transactionId } };
        },
        recover: async (c, transactionId) => ({
          status: 200,
          body: {
            result: { guarantee: await c.documents.get('TARIFF_GUARANTEE', params.docId) },
            transactionId,
          },
        }),
      });
      sendWrite(res, result);
    },
  );
  return r;
}
