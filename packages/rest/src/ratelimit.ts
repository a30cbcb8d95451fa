import { RequestHandler } from 'express';
import { HttpError } from './errors';

interface Bucket {
  tokens: number;
  last: number;
}

/**
 * Per-caller token bucket: `burst` requests at once, refilled at
 * `perSecond`. The caller is the API token, or the address without one.
 */
export function rateLimit(opts: { burst: number; perSecond: number }): RequestHandler {
  const buckets = new Map<string, Bucket>();
  let sweep = Date.now();
  return (req, res, next) => {
    const now = Date.now();
    if (now - sweep > 60_000) {
      // Full buckets carry no information: drop them.
      for (const [k, b] of buckets)
        if (b.tokens + ((now - b.last) / 1000) * opts.perSecond >= opts.burst) buckets.delete(k);
      sweep = now;
    }
    const key = req.caller ? `token:${req.caller.tokenId}` : `addr:${req.ip ?? ''}`;
    const b = buckets.get(key) ?? { tokens: opts.burst, last: now };
    b.tokens = Math.min(opts.burst, b.tokens + ((now - b.last) / 1000) * opts.perSecond);
    b.last = now;
    buckets.set(key, b);
    if (b.tokens < 1) {
      const wait = Math.ceil((1 - b.tokens) / opts.perSecond);
      next(
        new HttpError(429, 'RATE_LIMITED', `too many requests; retry in ${wait}s`, {
          'Retry-After': String(wait),
        }),
      );
      return;
    }
    b.tokens -= 1;
    res.set('RateLimit-Remaining', String(Math.floor(b.tokens)));
    next();
  };
}
