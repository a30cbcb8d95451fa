import { ErrorCode, fail } from './errors';
import { SCHEMA_VERSION } from './serialize';
import { fields, integer, oneOf, parseJson } from './validate';

/*
 * Enterprise signatures (SPEC §6): every write an enterprise makes carries an
 * EIP-712 signature by a key bound to its USCC. The typed data is defined
 * here once; the chaincode and the SDK hash and recover it with ethers.
 *
 * Domain: `{ name: 'swledger <channel>/<chaincode>', version: '1', chainId }`,
 * so a signature for one network, channel or chaincode is worthless on
 * another. Message: the contract function, the enterprise the write is for,
 * the keccak-256 of the function's arguments, a one-time nonce and a
 * deadline (unix seconds).
 */

/** Version of the signing domain; bumped only with a new message layout. */
export const SIGNING_VERSION = '1';

/** The EIP-712 struct every enterprise write is signed as. */
export const WRITE_TYPES = Object.freeze({
  EnterpriseWrite: Object.freeze([
    Object.freeze({ name: 'fn', type: 'string' }),
    Object.freeze({ name: 'owner', type: 'string' }),
    Object.freeze({ name: 'args', type: 'bytes32' }),
    Object.freeze({ name: 'nonce', type: 'bytes32' }),
    Object.freeze({ name: 'deadline', type: 'uint64' }),
  ]),
});

/** Longest a signature may stay usable: one day from the transaction's time. */
export const MAX_DEADLINE_SECONDS = 24 * 60 * 60;

/** Key of the ledger's signing settings (one key, write-once policy). */
export const SIGNING_CONFIG_KEY = 'swl~signing';

/**
 * How a network treats enterprise writes: `required` (the default for a new
 * network) refuses any unsigned one; `optional` accepts unsigned writes and
 * still checks every signature it is given. A network moves from optional to
 * required once, by one `system:configureSigning`; never back.
 */
export const SIGNING_MODES = ['required', 'optional'] as const;

/** One of {@link SIGNING_MODES}. */
export type SigningMode = (typeof SIGNING_MODES)[number];

/** The ledger's signing settings, stored under {@link SIGNING_CONFIG_KEY}. */
export interface SigningConfig {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly mode: SigningMode;
  /** The EIP-712 chain id of this network. */
  readonly chainId: number;
  /** The chaincode name the signatures name. */
  readonly chaincode: string;
}

/** The EIP-712 domain as ethers takes it. */
export interface SigningDomain {
  readonly name: string;
  readonly version: string;
  readonly chainId: number;
}

/** The EIP-712 message of one enterprise write. */
export interface WriteMessage {
  /** `contract:function`, e.g. `document:register`. */
  readonly fn: string;
  /** USCC of the enterprise the write is for. */
  readonly owner: string;
  /** keccak-256 (0x hex) of {@link argsPreimage} of the function's arguments. */
  readonly args: string;
  readonly nonce: string;
  readonly deadline: number;
}

/** What a signed write passes as its last argument. */
export interface WriteAuth {
  /** The signing key's address (0x, 40 hex). */
  readonly signer: string;
  readonly nonce: string;
  readonly deadline: number;
  /** 65-byte signature, 0x hex. */
  readonly signature: string;
}

/** Enterprise writes the SDK signs for a client configured with an enterprise signer. */
export const SIGNED_WRITES: readonly string[] = Object.freeze([
  'document:register',
  'document:registerBatch',
  'document:transition',
]);

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const NONCE = /^0x[0-9a-f]{64}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const CHAINCODE = /^[A-Za-z0-9_-]{1,64}$/;

/** The domain of a network's signatures. */
export function signingDomain(chainId: number, channel: string, chaincode: string): SigningDomain {
  return { name: `swledger ${channel}/${chaincode}`, version: SIGNING_VERSION, chainId };
}

/** The text whose keccak-256 a write message carries: the arguments as a JSON array of strings. */
export function argsPreimage(args: readonly string[]): string {
  return JSON.stringify(args);
}

/**
 * Parses a write's authorisation argument.
 *
 * @throws SwlError BAD_SIGNATURE when it is not `{signer, nonce, deadline, signature}` of the right shapes
 */
export function parseAuth(json: string): WriteAuth {
  try {
    const given = fields(parseJson(json, 'auth'), 'auth', [
      'signer',
      'nonce',
      'deadline',
      'signature',
    ]);
    const { signer, nonce, signature } = given;
    if (typeof signer !== 'string' || !ADDRESS.test(signer)) throw new Error('signer');
    if (typeof nonce !== 'string' || !NONCE.test(nonce)) throw new Error('nonce');
    if (typeof signature !== 'string' || !SIGNATURE.test(signature)) throw new Error('signature');
    if (typeof given.deadline !== 'number') throw new Error('deadline');
    const deadline = integer(given.deadline, 'deadline', 1, Number.MAX_SAFE_INTEGER);
    return { signer: signer.toLowerCase(), nonce, deadline, signature: signature.toLowerCase() };
  } catch (err) {
    return fail(
      ErrorCode.BAD_SIGNATURE,
      `auth must be {signer: 0x+40 hex, nonce: 0x+64 lowercase hex, deadline: unix seconds, signature: 0x+130 hex} (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}

/**
 * Refuses a deadline in the past, or further than {@link MAX_DEADLINE_SECONDS} from the transaction's time.
 *
 * @throws SwlError EXPIRED, INVALID_ARGUMENT
 */
export function checkDeadline(auth: WriteAuth, txTime: string): void {
  const now = Math.floor(Date.parse(txTime) / 1000);
  if (auth.deadline < now) {
    fail(
      ErrorCode.EXPIRED,
      `the signature's deadline ${String(auth.deadline)} is past (${txTime})`,
    );
  }
  if (auth.deadline > now + MAX_DEADLINE_SECONDS) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `a signature's deadline may be at most ${String(MAX_DEADLINE_SECONDS)} s after the transaction`,
    );
  }
}

/**
 * Parses signing settings (the `configureSigning` request or the stored value).
 *
 * @throws SwlError INVALID_ARGUMENT
 */
export function parseSigningConfig(value: unknown): SigningConfig {
  const given = fields(value, 'signing', ['mode', 'chainId', 'chaincode'], ['schemaVersion']);
  const chaincode = given.chaincode;
  if (typeof chaincode !== 'string' || !CHAINCODE.test(chaincode)) {
    fail(ErrorCode.INVALID_ARGUMENT, 'signing.chaincode must be a chaincode name');
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    mode: oneOf(given.mode, SIGNING_MODES, 'signing.mode'),
    chainId: integer(given.chainId, 'signing.chainId', 1, 2 ** 48),
    chaincode,
  };
}

/**
 * The settings a network may move to from `current`: the first settings,
 * the same again, or optional → required with the same chain and chaincode.
 *
 * @throws SwlError INVALID_TRANSITION for anything else (required never goes back)
 */
export function nextSigningConfig(
  current: SigningConfig | undefined,
  wanted: SigningConfig,
): SigningConfig {
  if (current === undefined) return wanted;
  const sameDomain = current.chainId === wanted.chainId && current.chaincode === wanted.chaincode;
  if (!sameDomain || (current.mode === 'required' && wanted.mode !== 'required')) {
    fail(
      ErrorCode.INVALID_TRANSITION,
      `signing settings can only move from optional to required on the same domain (now ${current.mode}, chain ${String(current.chainId)}, ${current.chaincode})`,
    );
  }
  return wanted;
}

/** True when `value` looks like an address (0x + 40 hex). */
export function isAddress(value: string): boolean {
  return ADDRESS.test(value);
}
