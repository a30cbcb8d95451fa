import { Router } from 'express';
import { z } from 'zod';
import { ApiRouter } from '../api';
import { callerOf } from '../auth';
import { ServiceContext } from '../context';

/** /api/v1/me: who the token acts as. */
export function meRouter(): ApiRouter {
  const r = new ApiRouter('/me', 'identity');
  r.add(
    {
      method: 'get',
      path: '/',
      operationId: 'whoAmI',
      summary: 'The ledger identity the API token acts as',
      auth: 'required',
      responses: {
        200: {
          description: 'The identity',
          schema: z.object({
            identity: z.string(),
            mspId: z.string(),
            role: z.string().optional(),
            entity: z.string().optional(),
            tokenId: z.string(),
          }),
        },
      },
      errors: [401, 429],
    },
    async (_input, req, res) => {
      const c = callerOf(req);
      res.json({
        identity: c.label,
        mspId: c.mspId,
        role: c.role,
        entity: c.entity,
        tokenId: c.tokenId,
      });
    },
  );
  return r;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}

/** How long a /readyz answer is reused: a probe costs the ledger at most one ping per period. */
const READY_CACHE_MS = 5_000;

/**
 * /healthz (the process), /readyz (the ledger answers the org's verifier),
 * /metrics (Prometheus). /readyz says only ready or not (no ledger figures)
 * and asks the ledger at most once every 5 s, however often it is probed.
 */
export function operationsRouter(ctx: ServiceContext): Router {
  const r = Router();
  let last: { readonly at: number; readonly ready: Promise<boolean> } | undefined;
  const ready = (): Promise<boolean> => {
    if (last === undefined || Date.now() - last.at > READY_CACHE_MS) {
      const probe = (async () => {
        try {
          const client = await withTimeout(ctx.ledger.client(ctx.ledger.verifierLabel), 10_000);
          await withTimeout(client.system.ping(), 5_000);
          return true;
        } catch {
          return false;
        }
      })();
      last = { at: Date.now(), ready: probe };
    }
    return last.ready;
  };
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    if (await ready()) {
      res.json({ status: 'ready' });
      return;
    }
    res
      .status(503)
      .set('Retry-After', '5')
      .json({ error: { code: 'NOT_READY', message: 'the ledger is not reachable' } });
  });
  r.get('/metrics', async (_req, res, next) => {
    try {
      res.set('Content-Type', ctx.metrics.registry.contentType);
      res.send(await ctx.metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });
  return r;
}
