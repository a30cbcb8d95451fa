import { z } from 'zod';
import { Checkpoint, LedgerEvent } from '../../sdk';
import { ApiRouter } from '../api';
import { Caller, callerOf } from '../auth';
import { ServiceContext } from '../context';
import { HttpError } from '../errors';
import { EventsQuery } from '../schemas';

/** `Last-Event-ID` is `<block>:<txId>:<index>`, the checkpoint of the last event received. */
function checkpointOf(lastEventId: string | undefined): Checkpoint | undefined {
  if (lastEventId === undefined) return undefined;
  const m = /^(\d{1,20}):([0-9a-f]{64}):(\d{1,6})$/.exec(lastEventId);
  if (!m)
    throw new HttpError(400, 'INVALID_ARGUMENT', 'header Last-Event-ID: <block>:<txId>:<index>');
  return { blockNumber: m[1]!, transactionId: m[2]!, index: Number(m[3]) };
}

/** Whether the caller may see a change: enterprises see their own records only. */
function visible(caller: Caller, e: LedgerEvent): boolean {
  return caller.role !== 'enterprise' || e.owner === caller.entity;
}

/** /api/v1/events: ledger changes as server-sent events, resumable with Last-Event-ID. */
export function eventsRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/events', 'events');
  r.add(
    {
      method: 'get',
      path: '/',
      operationId: 'streamEvents',
      summary: 'Ledger changes the caller may see, as server-sent events',
      description:
        'One `change` event per changed record (type, docId, sha256, owner, oldStatus, newStatus, action, detail, transactionId, blockNumber). The event id is a checkpoint: reconnect with Last-Event-ID to resume after it. Enterprise users see changes of their own records only.',
      auth: 'required',
      query: EventsQuery,
      responses: {
        200: {
          description: 'An event stream',
          contentType: 'text/event-stream',
          schema: z.string(),
        },
      },
      errors: [400, 401, 403, 429, 503],
    },
    async ({ query }, req, res) => {
      const caller = callerOf(req);
      if (caller.role === 'verifier')
        throw new HttpError(403, 'FORBIDDEN', 'verifier identities see no event stream');
      const checkpoint = checkpointOf(req.get('last-event-id'));
      const client = await ctx.ledger.client(caller.label);
      const stream = await client.events(
        checkpoint
          ? { checkpoint }
          : query.fromBlock !== undefined
            ? { startBlock: BigInt(query.fromBlock) }
            : {},
      );
      res.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      res.write(': connected\n\n');
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(heartbeat);
        stream.close();
      });
      for await (const e of stream) {
        if (!visible(caller, e)) continue;
        const cp = e.checkpoint;
        res.write(
          `id: ${cp.blockNumber}:${cp.transactionId}:${cp.index}\nevent: change\ndata: ${JSON.stringify(e)}\n\n`,
        );
      }
      clearInterval(heartbeat);
      res.end();
    },
  );
  return r;
}
