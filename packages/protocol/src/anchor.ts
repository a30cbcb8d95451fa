import {
  actorRef,
  isBankClerk,
  isCustomsOfficer,
  type Actor,
  type ActorRef,
  checkActorRef,
} from './actor';
import { ErrorCode, fail } from './errors';
import { type Tx } from './record';
import { SCHEMA_VERSION } from './serialize';
import { asStored } from './stored';
import { fields, integer, isoTime, list, text } from './validate';

/** Shapes of the EVM values an anchor record holds. */
export const EVM_PATTERNS = Object.freeze({
  /** A 32-byte value (root, transaction hash, document sha256 as bytes32), lower-case. */
  bytes32: /^0x[0-9a-f]{64}$/,
  /** A 20-byte address, lower-case. */
  address: /^0x[0-9a-f]{40}$/,
  /** A non-negative integer in decimal (chain ids and block numbers exceed 2^53 on some chains). */
  uint: /^(0|[1-9][0-9]{0,29})$/,
});

/** Most documents one anchor may revoke. */
export const MAX_REVOKED = 10_000;

/**
 * An anchor as the ledger records it (SPEC §7): which EVM chain and
 * contract accepted which root for which Fabric blocks, in which EVM
 * transaction, signed by which organisation keys. The EVM contract is the
 * authority; this record lets members find and audit the anchors from the
 * ledger itself.
 */
export interface AnchorRecord {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly chainId: string;
  readonly contract: string;
  /** Position in the contract, from 1. */
  readonly index: number;
  readonly root: string;
  readonly fromBlock: string;
  readonly toBlock: string;
  readonly leaves: number;
  readonly revoked: readonly string[];
  readonly evmTransaction: string;
  readonly evmBlock: string;
  /** Addresses of the anchor keys whose signatures the transaction carried, as submitted. */
  readonly signers: readonly string[];
  readonly recordedBy: ActorRef;
  readonly recordedAt: string;
  readonly txId: string;
}

/** What a caller gives to record an anchor. */
export type AnchorInput = Omit<
  AnchorRecord,
  'schemaVersion' | 'recordedBy' | 'recordedAt' | 'txId'
>;

const INPUT_FIELDS = [
  'chainId',
  'contract',
  'index',
  'root',
  'fromBlock',
  'toBlock',
  'leaves',
  'revoked',
  'evmTransaction',
  'evmBlock',
  'signers',
] as const;

/**
 * One EVM value of an input: lower-cased, checked against its pattern.
 * @throws SwlError INVALID_ARGUMENT naming the field
 */
export function evm(value: unknown, field: string, pattern: keyof typeof EVM_PATTERNS): string {
  const s = text(value, field, 80).toLowerCase();
  return EVM_PATTERNS[pattern].test(s)
    ? s
    : fail(
        ErrorCode.INVALID_ARGUMENT,
        `${field} must be ${pattern === 'uint' ? 'a decimal integer' : `0x + ${pattern === 'address' ? 40 : 64} hex`}`,
      );
}

/**
 * Validates an anchor to record.
 * @throws SwlError INVALID_ARGUMENT naming the field
 */
export function parseAnchorInput(value: unknown): AnchorInput {
  const given = fields(value, 'anchor', INPUT_FIELDS);
  const fromBlock = evm(given.fromBlock, 'fromBlock', 'uint');
  const toBlock = evm(given.toBlock, 'toBlock', 'uint');
  if (BigInt(toBlock) < BigInt(fromBlock))
    fail(ErrorCode.INVALID_ARGUMENT, `toBlock ${toBlock} is before fromBlock ${fromBlock}`);
  const revoked = list(given.revoked, 'revoked', MAX_REVOKED).map((r, i) =>
    evm(r, `revoked[${i}]`, 'bytes32'),
  );
  const signers = list(given.signers, 'signers', 64).map((s, i) =>
    evm(s, `signers[${i}]`, 'address'),
  );
  if (new Set(signers).size !== signers.length)
    fail(ErrorCode.INVALID_ARGUMENT, 'signers must not repeat an address');
  return {
    chainId: evm(given.chainId, 'chainId', 'uint'),
    contract: evm(given.contract, 'contract', 'address'),
    index: integer(given.index, 'index', 1, 2_000_000_000),
    root: evm(given.root, 'root', 'bytes32'),
    fromBlock,
    toBlock,
    leaves: integer(given.leaves, 'leaves', 1, 4_294_967_295),
    revoked: [...revoked].sort(),
    evmTransaction: evm(given.evmTransaction, 'evmTransaction', 'bytes32'),
    evmBlock: evm(given.evmBlock, 'evmBlock', 'uint'),
    signers: [...signers].sort(),
  };
}

/** Key attributes of an anchor record: chain, contract, index padded so keys sort by index. */
export function anchorKeyParts(
  chainId: string,
  contract: string,
  index: number,
): [string, string, string] {
  return [chainId, contract.toLowerCase(), String(index).padStart(10, '0')];
}

/**
 * The rule for recording an anchor: a customs officer or a bank clerk (the
 * organisations' staff; an enterprise user never records one), and the
 * anchors of one contract follow each other as on the chain: the first has
 * index 1, every later one the previous index + 1 and starts right after
 * the previous range.
 * @throws SwlError FORBIDDEN for any other caller; INVALID_TRANSITION when the anchor does not follow `previous`
 */
export function recordAnchor(
  input: AnchorInput,
  previous: AnchorRecord | undefined,
  actor: Actor,
  tx: Tx,
): AnchorRecord {
  if (!isCustomsOfficer(actor) && !isBankClerk(actor))
    fail(
      ErrorCode.FORBIDDEN,
      `a ${actor.role || 'role-less'} identity of ${actor.msp} does not record anchors`,
    );
  if (input.index > 1 && previous === undefined)
    fail(
      ErrorCode.INVALID_TRANSITION,
      `anchor ${input.index - 1} of ${input.contract} is not recorded yet`,
    );
  if (previous !== undefined && BigInt(input.fromBlock) !== BigInt(previous.toBlock) + 1n)
    fail(
      ErrorCode.INVALID_TRANSITION,
      `anchor ${input.index} starts at Fabric block ${input.fromBlock}; anchor ${previous.index} ends at ${previous.toBlock}`,
    );
  return {
    schemaVersion: SCHEMA_VERSION,
    ...input,
    recordedBy: actorRef(actor),
    recordedAt: tx.time,
    txId: tx.id,
  };
}

/** Re-validates a stored anchor record. */
export function checkAnchorRecord(value: Readonly<Record<string, unknown>>): AnchorRecord {
  return asStored('stored anchor', () => {
    const given = fields(value, 'anchor', [
      'schemaVersion',
      ...INPUT_FIELDS,
      'recordedBy',
      'recordedAt',
      'txId',
    ]);
    const input = parseAnchorInput(Object.fromEntries(INPUT_FIELDS.map((f) => [f, given[f]])));
    return {
      schemaVersion: SCHEMA_VERSION,
      ...input,
      recordedBy: checkActorRef(given.recordedBy, 'recordedBy'),
      recordedAt: isoTime(given.recordedAt, 'recordedAt'),
      txId: text(given.txId, 'txId', 128),
    };
  });
}

/** Name of the event a recorded anchor emits (not a document change: consumers of `swl.changes` do not see it). */
export const ANCHOR_EVENT_NAME = 'swl.anchor';
