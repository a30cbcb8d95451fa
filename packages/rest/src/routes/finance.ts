import { z } from 'zod';
import { ApiRouter, idempotencyKey } from '../api';
import { callerOf } from '../auth';
import { ServiceContext, sendWrite } from '../context';
import { HttpError } from '../errors';
import { Amount, CommittedPair, DocId, DocIdPath, Uscc } from '../schemas';

const WRITE_ERRORS = [400, 401, 403, 404, 409, 413, 422, 429, 503];
const READ_ERRORS = [400, 401, 403, 404, 429, 503];

const Currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217, e.g. USD');
const Bp = z.number().int().min(0).max(1_000_000).describe('basis points (10000 = 100%)');

export const RemittanceBody = z
  .object({
    remittanceId: DocId.describe('Id of this remittance, unique per declaration'),
    declarationDocId: DocId.describe('The declaration (ACCEPTED or RELEASED)'),
    invoiceDocId: DocId.describe('The invoice the declaration links'),
    contractDocId: DocId.describe('The contract linked from the declaration or the invoice'),
    direction: z
      .enum(['OUTWARD', 'INWARD'])
      .describe('OUTWARD pays an IMPORT, INWARD receives for an EXPORT'),
    payer: Uscc.describe("The paying enterprise (the invoice's buyer)"),
    amount: Amount,
    currency: Currency,
  })
  .strict();

export const ShipmentFinancingBody = z
  .object({
    financingId: DocId.describe('Id of this financing, unique per declaration'),
    amount: Amount,
  })
  .strict();

export const PolicyBody = z
  .object({
    bankMsp: z
      .string()
      .regex(/^[A-Z][A-Za-z0-9]{0,30}MSP$/)
      .describe("The publishing bank: the caller's own"),
    limit: z
      .object({
        currency: Currency,
        lookbackMonths: z.number().int().min(1).max(36),
        minHistoryMonths: z.number().int().min(0).max(36),
        releasedRateBp: Bp,
        dutyPaidRateBp: Bp,
        openFinancingRateBp: Bp,
        remittanceGapRateBp: Bp,
        claimedRateBp: Bp,
        cap: Amount,
      })
      .strict(),
    approval: z
      .object({
        dutyGraceDays: z.number().int().min(0).max(3650),
        claimFreeMonths: z.number().int().min(0).max(36),
        peakDutyMultipleBp: Bp,
        maxValidityDays: z.number().int().min(1).max(3650),
      })
      .strict(),
  })
  .strict();

const AssessBody = z.object({ owner: Uscc.describe('The enterprise assessed') }).strict();
const BankPath = z.object({ bankMsp: z.string().regex(/^[A-Z][A-Za-z0-9]{0,30}MSP$/) }).strict();
const DecisionPath = z
  .object({ owner: Uscc, decisionId: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict();
const Json = z.record(z.string(), z.unknown());

/** /api/v1/remittances: remittances checked against declarations, invoices and contracts. */
export function remittancesRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/remittances', 'finance');
  r.add(
    {
      method: 'post',
      path: '/',
      operationId: 'recordRemittance',
      summary: 'Record a remittance checked against a declaration, an invoice and a contract',
      description:
        'Bank clerks. The totals remitted against the declaration and the invoice never exceed their values across all banks: 409 ALREADY_REMITTED with error.fields.left (and docId, type, currency). Accepts Idempotency-Key.',
      auth: 'required',
      body: RemittanceBody,
      idempotent: true,
      responses: {
        201: { description: '{remittance, declaration, invoice} totals', schema: CommittedPair },
      },
      errors: WRITE_ERRORS,
    },
    async ({ body }, req, res) => {
      const caller = callerOf(req);
      const result = await ctx.writes.execute(caller, idempotencyKey(req), {
        request: { op: 'remit.record', ...body },
        run: async (c, options) => {
          const out = await ctx.ledger.submit('remit.record', () =>
            c.remittances.record(body, options),
          );
          return { status: 201, body: { result: out.value, transactionId: out.transactionId } };
        },
        recover: async (c, transactionId) => ({
          status: 201,
          body: { result: await c.shipments.get(body.declarationDocId), transactionId },
        }),
      });
      sendWrite(res, result);
    },
  );
  return r;
}

/** /api/v1/shipments: a declaration's financed and remitted totals, and financing drawn on it. */
export function shipmentsRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/shipments', 'finance');
  r.add(
    {
      method: 'get',
      path: '/{docId}',
      operationId: 'getShipment',
      summary: "A declaration's shipment: financed (direct, through invoices) and remitted totals",
      auth: 'required',
      params: DocIdPath,
      responses: { 200: { description: '{shipment, financings, remittances}', schema: Json } },
      errors: READ_ERRORS,
    },
    async ({ params }, req, res) => {
      const c = await ctx.ledger.client(callerOf(req).label);
      res.json(await c.shipments.get(params.docId));
    },
  );
  r.add(
    {
      method: 'post',
      path: '/{docId}/financings',
      operationId: 'financeShipment',
      summary: "Finance part of an EXPORT declaration as the caller's bank",
      description:
        'Bank clerks. Financings on the declaration and on every invoice it links share one cap, the declared value (409 ALREADY_FINANCED with error.fields.left). Accepts Idempotency-Key.',
      auth: 'required',
      params: DocIdPath,
      body: ShipmentFinancingBody,
      idempotent: true,
      responses: { 201: { description: '{financing, shipment}', schema: CommittedPair } },
      errors: WRITE_ERRORS,
    },
    async ({ params, body }, req, res) => {
      const caller = callerOf(req);
      const result = await ctx.writes.execute(caller, idempotencyKey(req), {
        request: { op: 'shipment.finance', docId: params.docId, ...body },
        run: async (c, options) => {
          const out = await ctx.ledger.submit('shipment.finance', () =>
            c.shipments.finance(params.docId, body.financingId, body.amount, options),
          );
          return { status: 201, body: { result: out.value, transactionId: out.transactionId } };
        },
        recover: async (c, transactionId) => ({
          status: 201,
          body: { result: await c.shipments.get(params.docId), transactionId },
        }),
      });
      sendWrite(res, result);
    },
  );
  return r;
}

/** /api/v1/credit: bank policies, loan-limit decisions, automated guarantee decisions. */
export function creditRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/credit', 'finance');
  r.add(
    {
      method: 'post',
      path: '/policies',
      operationId: 'publishPolicy',
      summary: "Publish (or replace) the caller's bank's limit and approval policy",
      description:
        "Bank clerks, for their own bank only (403 FORBIDDEN for another bank's). Accepts Idempotency-Key.",
      auth: 'required',
      body: PolicyBody,
      idempotent: true,
      responses: { 201: { description: 'The policy record', schema: CommittedPair } },
      errors: WRITE_ERRORS,
    },
    async ({ body }, req, res) => {
      const caller = callerOf(req);
      const result = await ctx.writes.execute(caller, idempotencyKey(req), {
        request: { op: 'credit.publishPolicy', ...body },
        run: async (c, options) => {
          const out = await ctx.ledger.submit('credit.publishPolicy', () =>
            c.credit.publishPolicy(body, options),
          );
          return { status: 201, body: { result: out.value, transactionId: out.transactionId } };
        },
        recover: async (c, transactionId) => ({
          status: 201,
          body: { result: await c.credit.policy(body.bankMsp), transactionId },
        }),
      });
      sendWrite(res, result);
    },
  );
  r.add(
    {
      method: 'get',
      path: '/policies/{bankMsp}',
      operationId: 'getPolicy',
      summary: "A bank's published policy",
      auth: 'required',
      params: BankPath,
      responses: { 200: { description: 'The policy record', schema: Json } },
      errors: READ_ERRORS,
    },
    async ({ params }, req, res) => {
      const c = await ctx.ledger.client(callerOf(req).label);
      res.json(await c.credit.policy(params.bankMsp));
    },
  );
  r.add(
    {
      method: 'post',
      path: '/limits',
      operationId: 'assessLimit',
      summary: "Compute an enterprise's loan limit in chaincode and record the decision",
      description:
        "Bank clerks, under their bank's published policy. The decision lists every input (month aggregates with record ids, exposure), the parameters, the limit and its reasons.",
      auth: 'required',
      body: AssessBody,
      responses: {
        201: { description: '{result: decision, transactionId}', schema: CommittedPair },
      },
      errors: WRITE_ERRORS,
    },
    async ({ body }, req, res) => {
      const c = await ctx.ledger.client(callerOf(req).label);
      const out = await ctx.ledger.submit('credit.assessLimit', () =>
        c.credit.assessLimit(body.owner),
      );
      res.status(201).json({ result: out.value, transactionId: out.transactionId });
    },
  );
  r.add(
    {
      method: 'get',
      path: '/limits/{owner}/{decisionId}',
      operationId: 'getLimitDecision',
      summary: 'A recorded limit decision',
      auth: 'required',
      params: DecisionPath,
      responses: { 200: { description: 'The decision', schema: Json } },
      errors: READ_ERRORS,
    },
    async ({ params }, req, res) => {
      const c = await ctx.ledger.client(callerOf(req).label);
      res.json(await c.credit.decision(params.owner, params.decisionId));
    },
  );
  r.add(
    {
      method: 'get',
      path: '/limits/{owner}/{decisionId}/recomputation',
      operationId: 'recomputeLimitDecision',
      summary: 'Recompute a decision from its listed inputs and check them against the ledger',
      auth: 'required',
      params: DecisionPath,
      responses: { 200: { description: '{agrees, limit, problems}', schema: Json } },
      errors: READ_ERRORS,
    },
    async ({ params }, req, res) => {
      const c = await ctx.ledger.client(callerOf(req).label);
      res.json(await c.credit.recompute(await c.credit.decision(params.owner, params.decisionId)));
    },
  );
  r.add(
    {
      method: 'get',
      path: '/approvals/{docId}',
      operationId: 'getApproval',
      summary:
        "The bank's automated decision on a guarantee application (each rule and the value it saw)",
      auth: 'required',
      params: DocIdPath,
      responses: { 200: { description: 'The decision', schema: Json } },
      errors: READ_ERRORS,
    },
    async ({ params }, req, res) => {
      const c = await ctx.ledger.client(callerOf(req).label);
      const decision = await c.credit.approval(params.docId);
      if (decision === undefined)
        throw new HttpError(404, 'NOT_FOUND', `no automated decision on ${params.docId}`);
      res.json(decision);
    },
  );
  return r;
}
