import { z } from 'zod';
import { ApiRouter } from '../api';
import { callerOf } from '../auth';
import { HttpError } from '../errors';
import { type SignIn } from '../signin';

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an address: 0x and 40 hex digits');

/** /api/v1/signin: an enterprise signs in with the key its bank bound (EIP-4361 style). */
export function signInRouter(signIn: SignIn): ApiRouter {
  const r = new ApiRouter('/signin', 'sign-in');
  r.add(
    {
      method: 'post',
      path: '/challenge',
      operationId: 'signInChallenge',
      summary: 'A one-time sign-in message for a key to sign (valid 5 minutes)',
      description:
        'The message names this service, its host, a nonce and an expiry; sign it as an EIP-191 personal message with the key and send it to /signin/session.',
      auth: 'optional',
      body: z.object({ address: Address }),
      responses: {
        200: {
          description: 'The challenge',
          schema: z.object({ message: z.string(), nonce: z.string(), expiresAt: z.string() }),
        },
      },
      errors: [400, 429, 503],
    },
    async ({ body }, req, res) => {
      const host = req.get('host') ?? '';
      const c = await signIn.challenge(body.address, host, `${req.protocol}://${host}/api/v1`);
      res.json({ message: c.message, nonce: c.nonce, expiresAt: c.expiresAt });
    },
  );
  r.add(
    {
      method: 'post',
      path: '/session',
      operationId: 'signInSession',
      summary: 'A session token (15 minutes) for a signed challenge',
      description:
        'Refused with 401 when the challenge was not issued here, was used already, has expired, names another service or host, is not signed by its key, or the key has no confirmed binding.',
      auth: 'optional',
      body: z.object({
        message: z.string().max(2048),
        signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
      }),
      responses: {
        200: {
          description: 'The session',
          schema: z.object({
            token: z.string(),
            expiresAt: z.string(),
            address: z.string(),
            uscc: z.string(),
            bankMsp: z.string(),
          }),
        },
      },
      errors: [400, 401, 429],
    },
    async ({ body }, req, res) => {
      const { token, session } = await signIn.session(
        body.message,
        body.signature,
        req.get('host') ?? '',
      );
      res.json({
        token,
        expiresAt: new Date(session.expiresAt).toISOString(),
        address: session.address,
        uscc: session.uscc,
        bankMsp: session.bankMsp,
      });
    },
  );
  r.add(
    {
      method: 'get',
      path: '/session',
      operationId: 'signInWhoAmI',
      summary: 'The enterprise a session token was signed in as',
      auth: 'required',
      responses: {
        200: {
          description: 'The session',
          schema: z.object({
            address: z.string(),
            uscc: z.string(),
            bankMsp: z.string(),
            expiresAt: z.string(),
          }),
        },
      },
      errors: [401, 429],
    },
    async (_input, req, res) => {
      const session = callerOf(req).session;
      if (session === undefined)
        throw new HttpError(401, 'UNAUTHENTICATED', 'this is not a sign-in session');
      res.json({
        address: session.address,
        uscc: session.uscc,
        bankMsp: session.bankMsp,
        expiresAt: new Date(session.expiresAt).toISOString(),
      });
    },
  );
  return r;
}
