/**
 * The client's transaction signatures on node:crypto (OpenSSL) for both
 * transports, instead of the Fabric libraries' pure-JavaScript ECDSA
 * (fabric-common's `elliptic`, fabric-gateway's `@noble/curves`).
 *
 * Peers refuse an ECDSA signature whose S is in the upper half of the curve
 * order (Fabric's low-S rule, against signature malleability); OpenSSL makes
 * either half, so every signature is normalised here.
 */
import { KeyObject, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { User } from 'fabric-common';
import type { IdentityProvider, X509Identity } from 'fabric-network';

/** Order n of each curve a Fabric identity may use (P-256, P-384). */
const CURVE_ORDER: Readonly<Record<string, bigint>> = {
  'P-256': BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
  'P-384': BigInt(
    '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  ),
};

/** The digest each curve signs with, as Fabric's own signers use it. */
const CURVE_HASH: Readonly<Record<string, string>> = { 'P-256': 'sha256', 'P-384': 'sha384' };

/** Signs a whole message (hashing it itself) and answers a DER, low-S signature. */
export type MessageSigner = (message: Uint8Array) => Uint8Array;

/**
 * A signer over the identity's private key on node:crypto: hashes the
 * message with the curve's digest, signs it, and answers the DER signature
 * with S normalised to the lower half.
 * @throws Error when the key is not an EC key on P-256 or P-384
 */
export function newNodeSigner(privateKeyPem: string | KeyObject): MessageSigner {
  const key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const name = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined;
  if (key.asymmetricKeyType !== 'ec' || name === undefined)
    throw new Error(
      `signing key must be an EC key on P-256 or P-384, got ${curve ?? key.asymmetricKeyType}`,
    );
  const order = CURVE_ORDER[name]!;
  const digest = CURVE_HASH[name]!;
  return (message) => {
    const started = observer && performance.now();
    const signature = lowS(nodeSign(digest, message, { key, dsaEncoding: 'ieee-p1363' }), order);
    if (observer) observer(performance.now() - (started as number), message.length);
    return signature;
  };
}

/** Told the time (ms) and message size of each signature, when set. */
let observer: ((ms: number, bytes: number) => void) | undefined;

/**
 * Reports every signature this process makes with {@link newNodeSigner}
 * (both transports) to `observe`, for measurement: signing is synchronous,
 * so its wall time is CPU time on the event loop. Undefined stops it.
 */
export function observeSigning(observe: ((ms: number, bytes: number) => void) | undefined): void {
  observer = observe;
}

/**
 * The DER encoding of an (r, s) signature given as r‖s (IEEE P1363), with s
 * replaced by n − s when it is above n / 2.
 */
export function lowS(p1363: Uint8Array, order: bigint): Uint8Array {
  const half = p1363.length / 2;
  const r = toBigInt(p1363.subarray(0, half));
  let s = toBigInt(p1363.subarray(half));
  if (s > order >> 1n) s = order - s;
  return derSignature(r, s);
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** A DER INTEGER's content: big-endian, minimal, with a leading zero when the top bit is set. */
function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02]), derLength(bytes.length), bytes]);
}

function derLength(n: number): Buffer {
  return n < 0x80 ? Buffer.from([n]) : Buffer.from([0x81, n]);
}

function derSignature(r: bigint, s: bigint): Uint8Array {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

interface SigningUser {
  getSigningIdentity(): { sign(msg: Uint8Array, opts?: unknown): Uint8Array };
}

/**
 * A fabric-network X.509 identity provider (the wallet's), except that the users it makes
 * sign with node:crypto (newNodeSigner) instead of fabric-common's crypto
 * suite. Only the signature changes: certificate, MSP ID and wire format are
 * fabric-network's own.
 */
export function nodeSigningProvider(x509: IdentityProvider): IdentityProvider {
  return {
    type: x509.type,
    getCryptoSuite: () => x509.getCryptoSuite(),
    fromJson: (data) => x509.fromJson(data),
    toJson: (identity) => x509.toJson(identity),
    async getUserContext(identity, name): Promise<User> {
      const user = await x509.getUserContext(identity, name);
      const signer = newNodeSigner((identity as X509Identity).credentials.privateKey);
      const signing = (user as unknown as SigningUser).getSigningIdentity();
      signing.sign = (msg) => signer(msg);
      return user;
    },
  };
}
