import { z } from 'zod';
import { ApiRouter } from '../api';
import { callerOf } from '../auth';
import { ServiceContext } from '../context';
import { HttpError } from '../errors';
import { Empty } from '../schemas';

const STAFF = ['officer', 'auditor', 'clerk'];

const Alerts = z.object({
  watching: z.boolean().describe('false when the service runs without its provenance watch'),
  alerts: z.array(
    z.object({
      transactionId: z.string(),
      blockNumber: z.string(),
      creator: z.string().optional(),
      fn: z.string().optional(),
      endorsers: z.array(z.string()),
      keys: z.array(z.string()),
      reason: z.string(),
      result: z.enum(['INVALID', 'ERROR']),
    }),
  ),
});

/** /api/v1/alerts: the provenance watch's latest alerts, for customs and bank staff. */
export function alertsRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/alerts', 'alerts');
  r.add(
    {
      method: 'get',
      path: '/',
      operationId: 'listAlerts',
      summary: "The provenance watch's latest alerts (up to 100, oldest first)",
      description:
        "Every committed swledger transaction is checked against its signatures by the organisation's watch; a transaction that fails (a forgery by organisations running modified chaincode) is an alert. Customs and bank staff only; the same alerts arrive live as `alert` events on /events.",
      auth: 'required',
      query: Empty,
      responses: { 200: { description: 'Latest alerts', schema: Alerts } },
      errors: [401, 403, 429],
    },
    async (_input, req, res) => {
      const caller = callerOf(req);
      const kind = ctx.config.orgKinds[caller.mspId];
      if ((kind !== 'customs' && kind !== 'bank') || !STAFF.includes(caller.role ?? ''))
        throw new HttpError(403, 'FORBIDDEN', 'only customs and bank staff read provenance alerts');
      res.json({ watching: ctx.watch !== undefined, alerts: ctx.watch?.recent ?? [] });
    },
  );
  return r;
}
