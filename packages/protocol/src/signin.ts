import { isAddress } from './signing';

/*
 * Sign-in with the enterprise key (EIP-4361 style): the REST service hands
 * out a one-time challenge naming itself, the enterprise signs it with the
 * key its bank bound (EIP-191 personal message), and gets a short-lived
 * session. The message layout is defined here once, for the service and
 * its clients.
 */

/** What a sign-in message states. */
export interface SignInFields {
  /** The service's host as the client reached it, e.g. `localhost:28480`. */
  readonly domain: string;
  /** The key's address, lowercase. */
  readonly address: string;
  /** Which service: `swledger <MSP ID>`. */
  readonly service: string;
  /** The service's API base URI. */
  readonly uri: string;
  readonly chainId: number;
  /** One-time, from the service. */
  readonly nonce: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
}

/** Seconds a challenge stays open. */
export const CHALLENGE_SECONDS = 300;

/** Seconds a session lasts. */
export const SESSION_SECONDS = 900;

/** The text the key signs. */
export function signInMessage(f: SignInFields): string {
  return [
    `${f.domain} wants you to sign in with your swledger enterprise key:`,
    f.address,
    '',
    `Sign in to ${f.service}.`,
    '',
    `URI: ${f.uri}`,
    'Version: 1',
    `Chain ID: ${String(f.chainId)}`,
    `Nonce: ${f.nonce}`,
    `Issued At: ${f.issuedAt}`,
    `Expiration Time: ${f.expiresAt}`,
  ].join('\n');
}

const MESSAGE =
  /^(?<domain>[^\s]{1,255}) wants you to sign in with your swledger enterprise key:\n(?<address>0x[0-9a-f]{40})\n\nSign in to (?<service>[^\n]{1,128})\.\n\nURI: (?<uri>[^\s]{1,512})\nVersion: 1\nChain ID: (?<chainId>[0-9]{1,15})\nNonce: (?<nonce>[A-Za-z0-9]{16,64})\nIssued At: (?<issuedAt>[0-9TZ:.-]{20,30})\nExpiration Time: (?<expiresAt>[0-9TZ:.-]{20,30})$/;

/** Parses a sign-in message; undefined when it is not one. */
export function parseSignInMessage(text: string): SignInFields | undefined {
  const g = MESSAGE.exec(text)?.groups;
  if (g === undefined) return undefined;
  const { domain, address, service, uri, chainId, nonce, issuedAt, expiresAt } = g;
  if (
    domain === undefined ||
    address === undefined ||
    !isAddress(address) ||
    service === undefined ||
    uri === undefined ||
    nonce === undefined ||
    issuedAt === undefined ||
    expiresAt === undefined ||
    Number.isNaN(Date.parse(issuedAt)) ||
    Number.isNaN(Date.parse(expiresAt))
  )
    return undefined;
  return { domain, address, service, uri, chainId: Number(chainId), nonce, issuedAt, expiresAt };
}
