import { actorRef, checkActorRef, isBankClerk, mayWrite, type Actor, type ActorRef } from './actor';
import { ErrorCode, fail } from './errors';
import { type Change } from './events';
import { isBankMsp } from './orgs';
import { endorsementRule, type EndorsementRule } from './policy';
import { type Tx } from './record';
import { SCHEMA_VERSION } from './serialize';
import { isAddress } from './signing';
import { fields, isoTime, oneOf, text, uscc } from './validate';

/** Record type of a binding in events and views. */
export const BINDING_TYPE = 'BINDING';

/** Where a binding stands. Only a CONFIRMED binding signs for its enterprise. */
export const BindingStatus = Object.freeze({
  /** Asked for by the enterprise with the key's signature; its bank has not confirmed it yet. */
  REQUESTED: 'REQUESTED',
  /** Confirmed by a clerk of the named bank, which authenticated the enterprise. */
  CONFIRMED: 'CONFIRMED',
  /** Revoked by the enterprise or the confirming bank; signs nothing from then on. */
  REVOKED: 'REVOKED',
  /** Replaced by a rotation; signs nothing from then on. */
  RETIRED: 'RETIRED',
} as const);

/** One of {@link BindingStatus}. */
export type BindingStatus = (typeof BindingStatus)[keyof typeof BindingStatus];

const BINDING_STATUSES: readonly BindingStatus[] = Object.values(BindingStatus);

/**
 * A key's binding to an enterprise, stored under `binding~address` with a
 * key-level policy that needs the named bank: the bank is accountable for
 * its confirmation, and no majority without it can confirm, revoke or
 * rotate the binding.
 */
export interface Binding {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  /** The key's address, lowercase. */
  readonly address: string;
  /** USCC of the enterprise the key signs for. */
  readonly uscc: string;
  /** The bank that authenticates the enterprise and confirms the binding. */
  readonly bankMsp: string;
  readonly status: BindingStatus;
  readonly requestedBy: ActorRef;
  readonly requestedAt: string;
  /** The bank clerk who confirmed it (inherited by a rotated key). */
  readonly confirmedBy?: ActorRef;
  readonly confirmedAt?: string;
  /** The key this one replaced by rotation. */
  readonly rotatedFrom?: string;
  /** The key that replaced this one (status RETIRED). */
  readonly replacedBy?: string;
  readonly updatedBy: ActorRef;
  readonly updatedAt: string;
  readonly txId: string;
}

/** A binding request: `{address, uscc, bankMsp}`. */
export interface BindingRequest {
  readonly address: string;
  readonly uscc: string;
  readonly bankMsp: string;
}

/**
 * Parses a binding request.
 *
 * @throws SwlError INVALID_ARGUMENT
 */
export function parseBindingRequest(value: unknown): BindingRequest {
  const given = fields(value, 'binding', ['address', 'uscc', 'bankMsp']);
  const bankMsp = text(given.bankMsp, 'bankMsp');
  if (!isBankMsp(bankMsp)) {
    fail(ErrorCode.INVALID_ARGUMENT, `bankMsp ${bankMsp} is not a bank of the channel`);
  }
  return { address: address(given.address, 'address'), uscc: uscc(given.uscc, 'uscc'), bankMsp };
}

/** A key address, lowercase. @throws SwlError INVALID_ARGUMENT */
export function address(value: unknown, field: string): string {
  const given = text(value, field, 42);
  if (!isAddress(given)) fail(ErrorCode.INVALID_ARGUMENT, `${field} must be 0x and 40 hex digits`);
  return given.toLowerCase();
}

/**
 * A new binding, REQUESTED. Anyone with a writing role may carry the
 * request (the enterprise, or its bank at the counter); what proves the
 * request is the key's own signature, checked by the contract.
 *
 * @throws SwlError FORBIDDEN for a caller that never writes
 */
export function requestBinding(request: BindingRequest, actor: Actor, tx: Tx): Binding {
  if (!mayWrite(actor)) {
    fail(ErrorCode.FORBIDDEN, 'only an identity with a writing role may carry a binding request');
  }
  const by = actorRef(actor);
  return {
    schemaVersion: SCHEMA_VERSION,
    ...request,
    status: BindingStatus.REQUESTED,
    requestedBy: by,
    requestedAt: tx.time,
    updatedBy: by,
    updatedAt: tx.time,
    txId: tx.id,
  };
}

/**
 * Confirms a requested binding: only a clerk of the bank it names.
 *
 * @throws SwlError FORBIDDEN, INVALID_TRANSITION
 */
export function confirmBinding(binding: Binding, actor: Actor, tx: Tx): Binding {
  if (!isBankClerk(actor, binding.bankMsp)) {
    fail(
      ErrorCode.FORBIDDEN,
      `only a clerk of ${binding.bankMsp} may confirm the binding of ${binding.address}`,
    );
  }
  requireBindingStatus(binding, [BindingStatus.REQUESTED], 'confirm');
  const by = actorRef(actor);
  return moved(binding, BindingStatus.CONFIRMED, actor, tx, {
    confirmedBy: by,
    confirmedAt: tx.time,
  });
}

/**
 * Revokes a binding: the confirming bank's clerk, or the enterprise
 * (`byEnterprise`: the request was signed by a key bound to the same
 * enterprise, checked by the contract).
 *
 * @throws SwlError FORBIDDEN, INVALID_TRANSITION
 */
export function revokeBinding(
  binding: Binding,
  actor: Actor,
  tx: Tx,
  byEnterprise: boolean,
): Binding {
  if (!byEnterprise && !isBankClerk(actor, binding.bankMsp)) {
    fail(
      ErrorCode.FORBIDDEN,
      `only the enterprise (signing) or a clerk of ${binding.bankMsp} may revoke ${binding.address}`,
    );
  }
  requireBindingStatus(binding, [BindingStatus.REQUESTED, BindingStatus.CONFIRMED], 'revoke');
  return moved(binding, BindingStatus.REVOKED, actor, tx, {});
}

/**
 * A rotation: the confirmed `old` binding retires and `newAddress` is bound
 * to the same enterprise in the same transaction, confirmed by the same bank
 * (the old key vouches for the new one), so there is no moment without a key.
 *
 * @throws SwlError FORBIDDEN, INVALID_TRANSITION, INVALID_ARGUMENT
 */
export function rotateBinding(
  old: Binding,
  newAddress: string,
  actor: Actor,
  tx: Tx,
): { readonly retired: Binding; readonly created: Binding } {
  if (!mayWrite(actor)) {
    fail(ErrorCode.FORBIDDEN, 'only an identity with a writing role may carry a rotation');
  }
  requireBindingStatus(old, [BindingStatus.CONFIRMED], 'rotate');
  if (newAddress === old.address) {
    fail(ErrorCode.INVALID_ARGUMENT, 'a rotation needs a new key');
  }
  const by = actorRef(actor);
  const created: Binding = {
    schemaVersion: SCHEMA_VERSION,
    address: newAddress,
    uscc: old.uscc,
    bankMsp: old.bankMsp,
    status: BindingStatus.CONFIRMED,
    requestedBy: by,
    requestedAt: tx.time,
    ...(old.confirmedBy === undefined ? {} : { confirmedBy: old.confirmedBy }),
    confirmedAt: tx.time,
    rotatedFrom: old.address,
    updatedBy: by,
    updatedAt: tx.time,
    txId: tx.id,
  };
  return {
    retired: moved(old, BindingStatus.RETIRED, actor, tx, { replacedBy: newAddress }),
    created,
  };
}

/**
 * Refuses a key that may not sign for `owner`: unknown, not confirmed, or
 * bound to another enterprise.
 *
 * @throws SwlError KEY_NOT_BOUND
 */
export function requireSigningBinding(
  binding: Binding | undefined,
  signer: string,
  owner: string,
): Binding {
  if (binding === undefined) {
    return fail(ErrorCode.KEY_NOT_BOUND, `key ${signer} is not bound to any enterprise`);
  }
  if (binding.uscc !== owner) {
    return fail(ErrorCode.KEY_NOT_BOUND, `key ${signer} is bound to ${binding.uscc}, not ${owner}`);
  }
  if (binding.status !== BindingStatus.CONFIRMED) {
    return fail(
      ErrorCode.KEY_NOT_BOUND,
      `the binding of key ${signer} to ${owner} is ${binding.status}, not CONFIRMED`,
    );
  }
  return binding;
}

/** The key-level rule of a binding: a majority that includes its bank. */
export function bindingRule(binding: Binding): EndorsementRule {
  return endorsementRule([binding.bankMsp]);
}

/** The event entry of a binding's move. */
export function bindingChange(before: Binding | undefined, after: Binding, action: string): Change {
  return {
    type: BINDING_TYPE,
    docId: after.address,
    sha256: '',
    owner: after.uscc,
    oldStatus: before?.status ?? null,
    newStatus: after.status,
    action,
    detail: { bankMsp: after.bankMsp },
  };
}

/** Re-validates a stored binding. @throws SwlError INVALID_ARGUMENT */
export function checkBinding(value: unknown): Binding {
  const given = fields(
    value,
    'binding',
    [
      'schemaVersion',
      'address',
      'uscc',
      'bankMsp',
      'status',
      'requestedBy',
      'requestedAt',
      'updatedBy',
      'updatedAt',
      'txId',
    ],
    ['confirmedBy', 'confirmedAt', 'rotatedFrom', 'replacedBy'],
  );
  return {
    schemaVersion: SCHEMA_VERSION,
    address: address(given.address, 'address'),
    uscc: uscc(given.uscc, 'uscc'),
    bankMsp: text(given.bankMsp, 'bankMsp'),
    status: oneOf(given.status, BINDING_STATUSES, 'status'),
    requestedBy: checkActorRef(given.requestedBy, 'requestedBy'),
    requestedAt: isoTime(given.requestedAt, 'requestedAt'),
    ...(given.confirmedBy === undefined
      ? {}
      : { confirmedBy: checkActorRef(given.confirmedBy, 'confirmedBy') }),
    ...(given.confirmedAt === undefined
      ? {}
      : { confirmedAt: isoTime(given.confirmedAt, 'confirmedAt') }),
    ...(given.rotatedFrom === undefined
      ? {}
      : { rotatedFrom: address(given.rotatedFrom, 'rotatedFrom') }),
    ...(given.replacedBy === undefined
      ? {}
      : { replacedBy: address(given.replacedBy, 'replacedBy') }),
    updatedBy: checkActorRef(given.updatedBy, 'updatedBy'),
    updatedAt: isoTime(given.updatedAt, 'updatedAt'),
    txId: text(given.txId, 'txId'),
  };
}

function requireBindingStatus(
  binding: Binding,
  allowed: readonly BindingStatus[],
  action: string,
): void {
  if (!allowed.includes(binding.status)) {
    fail(
      ErrorCode.INVALID_TRANSITION,
      `cannot ${action} the binding of ${binding.address} in status ${binding.status}`,
    );
  }
}

function moved(
  binding: Binding,
  status: BindingStatus,
  actor: Actor,
  tx: Tx,
  extra: Partial<Binding>,
): Binding {
  return {
    ...binding,
    ...extra,
    status,
    updatedBy: actorRef(actor),
    updatedAt: tx.time,
    txId: tx.id,
  };
}
