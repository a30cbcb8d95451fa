import { actorRef, checkActorRef, hasKnownRole, Role, type Actor, type ActorRef } from './actor';
import { evm, MAX_REVOKED } from './anchor';
import { ErrorCode, fail } from './errors';
import { PEER_MSPS } from './orgs';
import { type Tx } from './record';
import { SCHEMA_VERSION } from './serialize';
import { asStored } from './stored';
import { fields, integer, isoTime, list, text } from './validate';

/*
 * The anchor signature board (SPEC §7, issue 12): each organisation's
 * anchoring service posts on the ledger its EIP-712 signature over a range
 * it rebuilt from its own peer; the other organisations' services read the
 * board, rebuild the same range from their own peers and co-sign, and any of
 * them submits to the EVM contract once a majority of the contract's keys
 * signed. Only ledger entries cross between organisations.
 *
 * A posted signature is only a claim. The chaincode cannot read the EVM
 * chain, so it does not know the contract's registered keys: it checks that
 * the signature is well formed and recovers to the address the entry names,
 * and that the entry sits under the submitting identity's own MSP. Whether
 * that address is a registered key of the contract, and so whether the
 * signature counts, is checked by every service (against the contract's keys
 * at that moment) and by the contract itself when the anchor is submitted.
 */

/** EIP-712 name and version of the anchor contract's domain (the contract says the same). */
export const ANCHOR_DOMAIN_NAME = 'swledger-anchor';
export const ANCHOR_DOMAIN_VERSION = '1';

/** The EIP-712 struct the organisations sign for one anchor (the contract hashes the same). */
export const ANCHOR_FIELDS = Object.freeze([
  Object.freeze({ name: 'fromBlock', type: 'uint64' }),
  Object.freeze({ name: 'toBlock', type: 'uint64' }),
  Object.freeze({ name: 'root', type: 'bytes32' }),
  Object.freeze({ name: 'leaves', type: 'uint32' }),
  Object.freeze({ name: 'revoked', type: 'bytes32[]' }),
]);

/** The role that posts on the board: each organisation's `anchorer` (see {@link postAnchorSignature}). */
export const ANCHOR_SIGNATURE_ROLE = Role.ANCHORER;

/** One organisation's anchor signature as posted on the ledger. */
export interface AnchorSignatureEntry {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly chainId: string;
  /** The anchor contract, lower-case. */
  readonly contract: string;
  readonly fromBlock: string;
  readonly toBlock: string;
  readonly root: string;
  readonly leaves: number;
  /** sha256 values (0x, lower-case, sorted) the range moved to an unusable status. */
  readonly revoked: readonly string[];
  /** The posting organisation: always the submitting identity's MSP. */
  readonly mspId: string;
  /** The anchor-key address the signature recovers to, lower-case. */
  readonly signer: string;
  /** 65-byte EIP-712 signature, 0x + 130 hex, lower-case. */
  readonly signature: string;
  readonly postedBy: ActorRef;
  readonly postedAt: string;
  readonly txId: string;
}

/** What a caller posts. */
export type AnchorSignatureInput = Omit<
  AnchorSignatureEntry,
  'schemaVersion' | 'postedBy' | 'postedAt' | 'txId'
>;

const INPUT_FIELDS = [
  'chainId',
  'contract',
  'fromBlock',
  'toBlock',
  'root',
  'leaves',
  'revoked',
  'mspId',
  'signer',
  'signature',
] as const;

const SIGNATURE = /^0x[0-9a-f]{130}$/;
const MSP_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Validates a signature post.
 * @throws SwlError INVALID_ARGUMENT naming the field
 */
export function parseAnchorSignatureInput(value: unknown): AnchorSignatureInput {
  const given = fields(value, 'anchor signature', INPUT_FIELDS);
  const fromBlock = evm(given.fromBlock, 'fromBlock', 'uint');
  const toBlock = evm(given.toBlock, 'toBlock', 'uint');
  if (BigInt(toBlock) < BigInt(fromBlock))
    fail(ErrorCode.INVALID_ARGUMENT, `toBlock ${toBlock} is before fromBlock ${fromBlock}`);
  if (BigInt(toBlock) >= 2n ** 64n) fail(ErrorCode.INVALID_ARGUMENT, 'toBlock must fit in 64 bits');
  const revoked = list(given.revoked, 'revoked', MAX_REVOKED).map((r, i) =>
    evm(r, `revoked[${i}]`, 'bytes32'),
  );
  if (new Set(revoked).size !== revoked.length)
    fail(ErrorCode.INVALID_ARGUMENT, 'revoked must not repeat a value');
  const signature = text(given.signature, 'signature', 140).toLowerCase();
  if (!SIGNATURE.test(signature))
    fail(ErrorCode.INVALID_ARGUMENT, 'signature must be 0x + 130 hex (65 bytes)');
  return {
    chainId: evm(given.chainId, 'chainId', 'uint'),
    contract: evm(given.contract, 'contract', 'address'),
    fromBlock,
    toBlock,
    root: evm(given.root, 'root', 'bytes32'),
    leaves: integer(given.leaves, 'leaves', 1, 4_294_967_295),
    revoked: [...revoked].sort(),
    mspId: MSP_ID.test(text(given.mspId, 'mspId', 64))
      ? text(given.mspId, 'mspId', 64)
      : fail(ErrorCode.INVALID_ARGUMENT, 'mspId must be 1-64 of [A-Za-z0-9._-]'),
    signer: evm(given.signer, 'signer', 'address'),
    signature,
  };
}

/** Padded decimal so keys of one contract sort by block. */
function padBlock(block: string): string {
  return block.padStart(20, '0');
}

/**
 * Key attributes of a board entry: chain, contract, first block,
 * organisation, last block, root (an organisation's posts for one first
 * block are contiguous, so the chaincode counts them with a range over its
 * own keys only).
 */
export function anchorSignatureKeyParts(
  input: Pick<
    AnchorSignatureInput,
    'chainId' | 'contract' | 'fromBlock' | 'toBlock' | 'root' | 'mspId'
  >,
): [string, string, string, string, string, string] {
  return [
    ...anchorSignatureOrgPrefix(input.chainId, input.contract, input.fromBlock, input.mspId),
    padBlock(input.toBlock),
    input.root.toLowerCase(),
  ];
}

/** Key prefix of every entry for ranges of a contract starting at `fromBlock`. */
export function anchorSignaturePrefix(
  chainId: string,
  contract: string,
  fromBlock: string,
): [string, string, string] {
  return [chainId, contract.toLowerCase(), padBlock(fromBlock)];
}

/** Key prefix of one organisation's entries for ranges of a contract starting at `fromBlock`. */
export function anchorSignatureOrgPrefix(
  chainId: string,
  contract: string,
  fromBlock: string,
  mspId: string,
): [string, string, string, string] {
  return [...anchorSignaturePrefix(chainId, contract, fromBlock), mspId];
}

/**
 * Most signatures one organisation posts for ranges starting at one block:
 * one per peer organisation (its own range and a co-signature of each
 * other's), so a dishonest organisation cannot flood the board and the
 * board for one block holds at most {@link maxBoardEntries} entries.
 */
export function maxPostsPerOrg(): number {
  return PEER_MSPS.length;
}

/** Most entries the board holds for ranges starting at one block. */
export function maxBoardEntries(): number {
  return PEER_MSPS.length * maxPostsPerOrg();
}

/** What posting does: a new entry to write, or the identical one already there (nothing written). */
export type AnchorSignaturePost =
  | { readonly kind: 'created'; readonly entry: AnchorSignatureEntry }
  | { readonly kind: 'unchanged'; readonly entry: AnchorSignatureEntry };

/**
 * The rule for posting an anchor signature.
 *
 * - Who: the `anchorer` identity of a peer organisation, a role of its own
 *   that every organisation has (the enterprises' operator included, which
 *   has no staff role) and that does nothing else: the post changes no
 *   record, it is the organisation's statement of what its own peer holds.
 *   A verifier never writes; officers, clerks and enterprise users do not
 *   post either.
 * - For whom: `mspId` must be the submitting identity's MSP. A post naming
 *   another organisation is refused (FORBIDDEN), so an entry under an MSP was
 *   always submitted by that MSP's identity (the block's signed creator
 *   proves it).
 * - What: `recovered` (the address the EIP-712 signature recovers to over the
 *   posted message and the contract's domain) must be `signer` (BAD_SIGNATURE).
 * - Again: posting the identical signature again is idempotent (`unchanged`:
 *   nothing is written, no event); another signature or signer under the same
 *   key (same range, root and organisation) is ALREADY_EXISTS.
 * - How many: at most {@link maxPostsPerOrg} posts of one organisation for
 *   ranges starting at one block; one more is ALREADY_EXISTS.
 *
 * @param recovered the signer recovered from `input.signature`, undefined when it does not recover
 * @param ownPosts how many entries the organisation has for ranges starting at `input.fromBlock`
 * @throws SwlError FORBIDDEN, BAD_SIGNATURE, ALREADY_EXISTS
 */
export function postAnchorSignature(
  input: AnchorSignatureInput,
  recovered: string | undefined,
  existing: AnchorSignatureEntry | undefined,
  ownPosts: number,
  actor: Actor,
  tx: Tx,
): AnchorSignaturePost {
  if (
    !hasKnownRole(actor) ||
    actor.role !== ANCHOR_SIGNATURE_ROLE ||
    !PEER_MSPS.includes(actor.msp)
  )
    fail(
      ErrorCode.FORBIDDEN,
      `a ${actor.role || 'role-less'} identity of ${actor.msp} does not post anchor signatures (an organisation's ${ANCHOR_SIGNATURE_ROLE} does)`,
    );
  if (input.mspId !== actor.msp)
    fail(ErrorCode.FORBIDDEN, `${actor.msp} cannot post a signature for ${input.mspId}`);
  if (recovered?.toLowerCase() !== input.signer)
    fail(
      ErrorCode.BAD_SIGNATURE,
      `the signature is not by ${input.signer} over this range, root and contract`,
    );
  if (existing !== undefined) {
    if (existing.signer === input.signer && existing.signature === input.signature)
      return { kind: 'unchanged', entry: existing };
    fail(
      ErrorCode.ALREADY_EXISTS,
      `${input.mspId} already posted another signature (by ${existing.signer}) for blocks ${input.fromBlock}..${input.toBlock} root ${input.root}`,
    );
  }
  if (ownPosts >= maxPostsPerOrg())
    fail(
      ErrorCode.ALREADY_EXISTS,
      `${input.mspId} already posted ${ownPosts} signatures for ranges starting at block ${input.fromBlock} (at most ${maxPostsPerOrg()})`,
    );
  return {
    kind: 'created',
    entry: {
      schemaVersion: SCHEMA_VERSION,
      ...input,
      postedBy: actorRef(actor),
      postedAt: tx.time,
      txId: tx.id,
    },
  };
}

/** Re-validates a stored board entry. */
export function checkAnchorSignatureEntry(
  value: Readonly<Record<string, unknown>>,
): AnchorSignatureEntry {
  return asStored('stored anchor signature', () => {
    const given = fields(value, 'anchor signature', [
      'schemaVersion',
      ...INPUT_FIELDS,
      'postedBy',
      'postedAt',
      'txId',
    ]);
    const input = parseAnchorSignatureInput(
      Object.fromEntries(INPUT_FIELDS.map((f) => [f, given[f]])),
    );
    return {
      schemaVersion: SCHEMA_VERSION,
      ...input,
      postedBy: checkActorRef(given.postedBy, 'postedBy'),
      postedAt: isoTime(given.postedAt, 'postedAt'),
      txId: text(given.txId, 'txId', 128),
    };
  });
}

/** Name of the event a board post emits (not a document change: consumers of `swl.changes` do not see it). */
export const ANCHOR_SIGNATURE_EVENT_NAME = 'swl.anchor.signature';
