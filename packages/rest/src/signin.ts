import { createHash, randomBytes } from 'node:crypto';
import { verifyMessage } from 'ethers';
import {
  CHALLENGE_SECONDS,
  parseSignInMessage,
  SESSION_SECONDS,
  signInMessage,
  type SignInFields,
} from '@swledger/protocol/signin';
import { HttpError } from './errors';

/** Who signed in: the enterprise its bank bound the key to. */
export interface Session {
  readonly address: string;
  readonly uscc: string;
  /** The bank that confirmed the key's binding. */
  readonly bankMsp: string;
  readonly expiresAt: number;
}

/** A key's binding as the service reads it from the ledger. */
export interface BindingLookup {
  (address: string): Promise<{ uscc: string; bankMsp: string; status: string } | undefined>;
}

/** Session tokens start with this, so the authentication middleware tells them from API tokens. */
export const SESSION_PREFIX = 'swls_';

const MAX_OPEN = 10_000;

function hashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function unauthenticated(message: string): HttpError {
  return new HttpError(401, 'UNAUTHENTICATED', message);
}

/**
 * Sign-in with the enterprise key: one-time challenges naming this service,
 * short-lived sessions. In memory: a restart ends every session (they last
 * minutes) and voids every open challenge.
 */
export class SignIn {
  private readonly challenges = new Map<string, SignInFields>();
  private readonly sessions = new Map<string, Session>();

  /**
   * @param service `swledger <MSP ID>`: what a message must name
   * @param chainId the network's EIP-712 chain id
   * @param binding reads a key's binding from the ledger
   */
  constructor(
    private readonly service: string,
    private readonly chainId: number | (() => Promise<number>),
    private readonly binding: BindingLookup,
  ) {}

  /** A new challenge for `address`, reached at `domain` / `uri`. */
  async challenge(
    address: string,
    domain: string,
    uri: string,
    now = Date.now(),
  ): Promise<SignInFields & { message: string }> {
    this.sweep(now);
    if (this.challenges.size >= MAX_OPEN)
      throw new HttpError(
        503,
        'UNAVAILABLE',
        'too many open sign-in challenges; try again shortly',
      );
    const fields: SignInFields = {
      domain,
      address: address.toLowerCase(),
      service: this.service,
      uri,
      chainId: typeof this.chainId === 'number' ? this.chainId : await this.chainId(),
      nonce: randomBytes(16).toString('hex'),
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + CHALLENGE_SECONDS * 1000).toISOString(),
    };
    this.challenges.set(fields.nonce, fields);
    return { ...fields, message: signInMessage(fields) };
  }

  /**
   * A session for a signed challenge: issued here, unused, unexpired, for
   * this service and domain, signed by its key, the key bound (CONFIRMED).
   * @throws HttpError 401 UNAUTHENTICATED otherwise
   */
  async session(
    message: string,
    signature: string,
    domain: string,
    now = Date.now(),
  ): Promise<{ token: string; session: Session }> {
    const fields = parseSignInMessage(message);
    if (fields === undefined) throw unauthenticated('not a swledger sign-in message');
    const issued = this.challenges.get(fields.nonce);
    this.challenges.delete(fields.nonce);
    if (issued === undefined || signInMessage(issued) !== message)
      throw unauthenticated('this challenge was not issued here, or was used already');
    if (Date.parse(issued.expiresAt) < now) throw unauthenticated('the challenge has expired');
    if (issued.domain !== domain || issued.service !== this.service)
      throw unauthenticated('the challenge names another service');
    let signer: string;
    try {
      signer = verifyMessage(message, signature).toLowerCase();
    } catch {
      throw unauthenticated('the signature cannot be recovered');
    }
    if (signer !== issued.address) throw unauthenticated('the challenge is not signed by its key');
    const binding = await this.binding(signer);
    if (binding?.status !== 'CONFIRMED')
      throw unauthenticated(`key ${signer} has no confirmed binding`);
    const token = `${SESSION_PREFIX}${randomBytes(24).toString('base64url')}`;
    const session: Session = {
      address: signer,
      uscc: binding.uscc,
      bankMsp: binding.bankMsp,
      expiresAt: now + SESSION_SECONDS * 1000,
    };
    this.sessions.set(hashOf(token), session);
    return { token, session };
  }

  /** The live session of a token, or undefined. */
  authenticate(token: string, now = Date.now()): Session | undefined {
    const session = this.sessions.get(hashOf(token));
    if (session === undefined) return undefined;
    if (session.expiresAt < now) {
      this.sessions.delete(hashOf(token));
      return undefined;
    }
    return session;
  }

  private sweep(now: number): void {
    for (const [nonce, c] of this.challenges)
      if (Date.parse(c.expiresAt) < now) this.challenges.delete(nonce);
    for (const [key, s] of this.sessions) if (s.expiresAt < now) this.sessions.delete(key);
  }
}
