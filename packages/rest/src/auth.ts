import { RequestHandler } from 'express';
import { HttpError } from './errors';
import { Identity } from './identity';
import { LedgerPool } from './ledger';
import { SESSION_PREFIX, type Session, type SignIn } from './signin';
import { TokenStore } from './tokens';

/** Who is calling: the token and the ledger identity it is bound to. */
export interface Caller extends Identity {
  readonly tokenId: string;
  /**
   * A session from a signed challenge: the enterprise its key is bound to.
   * The service then reads with its own verifier identity.
   */
  readonly session?: Session;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authentication middleware when a valid bearer token came with the request. */
    caller?: Caller;
    /** Set by the authentication middleware for a bad token; raised after the rate limit. */
    authFailure?: HttpError;
  }
}

/**
 * Reads `Authorization: Bearer <token>`. No header: anonymous (routes that
 * need a caller refuse). A header with an unknown or revoked token: 401,
 * raised by {@link raiseAuthFailure} after the rate limit, so that guessing
 * tokens is limited per address like any anonymous request.
 */
export function authenticate(
  tokens: TokenStore,
  ledger: LedgerPool,
  signIn?: SignIn,
): RequestHandler {
  return (req, _res, next) => {
    const refuse = (message: string) => {
      req.authFailure = new HttpError(401, 'UNAUTHENTICATED', message);
      next();
    };
    const header = req.get('authorization');
    if (header === undefined) {
      next();
      return;
    }
    const m = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header.trim());
    if (signIn !== undefined && m?.[1]?.startsWith(SESSION_PREFIX)) {
      const session = signIn.authenticate(m[1]);
      if (session === undefined) {
        refuse('the session is unknown or expired: sign in again');
        return;
      }
      const service = ledger.identity(ledger.verifierLabel);
      req.caller = { ...service, tokenId: `session:${session.address}`, session };
      next();
      return;
    }
    const record = m?.[1] ? tokens.authenticate(m[1]) : undefined;
    if (!record) {
      refuse('the API token is unknown or revoked');
      return;
    }
    let identity: Identity;
    try {
      identity = ledger.identity(record.identity);
    } catch {
      refuse('the identity of this API token is not available');
      return;
    }
    if (identity.org !== ledger.org) {
      refuse('this API token belongs to another organisation');
      return;
    }
    req.caller = { ...identity, tokenId: record.id };
    next();
  };
}

/** Raises the 401 the authentication middleware noted, if any. */
export function raiseAuthFailure(): RequestHandler {
  return (req, _res, next) => next(req.authFailure);
}

/** The authenticated caller of a request. @throws HttpError 401 when anonymous */
export function callerOf(req: { caller?: Caller }): Caller {
  if (!req.caller)
    throw new HttpError(
      401,
      'UNAUTHENTICATED',
      'this request needs an API token (Authorization: Bearer …)',
    );
  return req.caller;
}

/**
 * Refuses an enterprise caller acting on another enterprise's records (the
 * chaincode refuses too; this answers before any ledger call).
 * @throws HttpError 403
 */
export function requireOwnEntity(caller: Caller, owner: string): void {
  if (caller.role === 'enterprise' && caller.entity !== owner)
    throw new HttpError(
      403,
      'FORBIDDEN',
      `an enterprise may act only for its own entity ${caller.entity ?? ''}`,
    );
}
