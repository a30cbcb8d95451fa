import { z } from 'zod';
import { Checkpoint, EventStream, LedgerEvent, SwlClient } from '@swledger/sdk';
import { ApiRouter } from '../api';
import { Caller, callerOf } from '../auth';
import { OrgKind } from '../config';
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

function optionalBlock(block: number | undefined): bigint | undefined {
  return block === undefined ? undefined : BigInt(block);
}

/**
 * Refuses a replay that starts more than `maxBlocks` below the ledger height:
 * a stream replays at the ledger's pace and holds a listener while it does.
 * @throws HttpError 400 INVALID_ARGUMENT
 */
async function requireRecent(client: SwlClient, from: bigint, maxBlocks: number): Promise<void> {
  const height = await client.connection.ledgerHeight();
  if (from + BigInt(maxBlocks) < height)
    throw new HttpError(
      400,
      'INVALID_ARGUMENT',
      `an event stream may start at most ${maxBlocks} blocks below the ledger height (${height.toString()}); use the SDK for a longer replay`,
    );
}

/** Staff roles that read every record, by kind of organisation (as the chaincode's full read). */
const STAFF_ROLES: Readonly<Record<OrgKind, readonly string[]>> = {
  customs: ['officer', 'auditor'],
  bank: ['clerk', 'auditor'],
  enterprise: [],
};

/**
 * Which changes a caller may follow, by the chaincode's rule for full reads:
 * customs and bank staff see every change, an enterprise user the changes of
 * its own records; anyone else (verifiers, identities without a role) none.
 */
export function eventScope(
  caller: Pick<Caller, 'mspId' | 'role' | 'entity'>,
  orgKinds: Readonly<Record<string, OrgKind>>,
): ((e: Pick<LedgerEvent, 'owner'>) => boolean) | undefined {
  const kind = orgKinds[caller.mspId];
  if (kind === undefined || caller.role === undefined) return undefined;
  if (STAFF_ROLES[kind].includes(caller.role)) return () => true;
  if (kind === 'enterprise' && caller.role === 'enterprise' && caller.entity) {
    const entity = caller.entity;
    return (e) => e.owner === entity;
  }
  return undefined;
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
        'One `change` event per changed record (type, docId, sha256, owner, oldStatus, newStatus, action, detail, transactionId, blockNumber). Customs and bank staff also get an `alert` event (transactionId, blockNumber, creator, fn, endorsers, keys, reason) whenever the organisation provenance watch finds a committed transaction that fails the provenance check. The event id is a checkpoint: reconnect with Last-Event-ID to resume after it. Customs and bank staff see every change, enterprise users the changes of their own records; verifiers and identities without a role get 403. A token may hold 4 streams open at once (SWL_REST_MAX_STREAMS; 429 RATE_LIMITED beyond); a stream may start (fromBlock or Last-Event-ID) at most 10 000 blocks below the ledger height (SWL_REST_MAX_REPLAY_BLOCKS; 400 INVALID_ARGUMENT beyond). Events come strictly in ledger order (block, transaction, change). Keep-alive comments come every 15 s; a revoked token ends the stream with an `event: revoked`.',
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
      const visible = eventScope(caller, ctx.config.orgKinds);
      if (!visible)
        throw new HttpError(
          403,
          'FORBIDDEN',
          'only customs and bank staff and enterprise users follow the event stream',
        );
      const checkpoint = checkpointOf(req.get('last-event-id'));
      const release = ctx.streams.acquire(caller.tokenId);
      let stream: EventStream;
      try {
        const client = await ctx.ledger.client(caller.label);
        const from = checkpoint ? BigInt(checkpoint.blockNumber) : optionalBlock(query.fromBlock);
        if (from !== undefined) await requireRecent(client, from, ctx.config.maxReplayBlocks);
        stream = await client.events(
          checkpoint ? { checkpoint } : from !== undefined ? { startBlock: from } : {},
        );
      } catch (err) {
        release();
        throw err;
      }
      res.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      let open = true;
      const end = () => {
        if (!open) return;
        open = false;
        release();
        clearInterval(heartbeat);
        stream.close();
        res.end();
      };
      // Waits for the socket to take more when the client reads slower than the ledger delivers.
      const send = async (chunk: string): Promise<void> => {
        if (!open || res.write(chunk)) return;
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      };
      const heartbeat = setInterval(() => {
        if (!ctx.tokens.isLive(caller.tokenId)) {
          res.write(
            'event: revoked\ndata: {"error":{"code":"UNAUTHENTICATED","message":"the API token was revoked"}}\n\n',
          );
          end();
          return;
        }
        res.write(': keep-alive\n\n');
      }, ctx.config.heartbeatMs);
      req.on('close', end);
      res.on('close', end);
      // Gone while the stream was being opened: give its slot back now.
      if (req.destroyed || res.destroyed) end();
      await send(': connected\n\n');
      // Customs and bank staff also receive the provenance watch's alerts.
      const kind = ctx.config.orgKinds[caller.mspId];
      if (ctx.watch && (kind === 'customs' || kind === 'bank')) {
        const unsubscribe = ctx.watch.subscribe((alert) => {
          if (open) res.write(`event: alert\ndata: ${JSON.stringify(alert)}\n\n`);
        });
        res.on('close', unsubscribe);
      }
      for await (const e of stream) {
        if (!open) break;
        if (!visible(e)) continue;
        const cp = e.checkpoint;
        await send(
          `id: ${cp.blockNumber}:${cp.transactionId}:${cp.index}\nevent: change\ndata: ${JSON.stringify(e)}\n\n`,
        );
      }
      end();
    },
  );
  return r;
}
