import { CUSTOMS_MSP, ENTERPRISE_MSP, isBankMsp, kindOf, type OrgKind } from './orgs';
import { fields, text } from './validate';

/** Values of the `swl.role` certificate attribute. */
export const Role = Object.freeze({
  OFFICER: 'officer',
  AUDITOR: 'auditor',
  CLERK: 'clerk',
  /** A bank's automated guarantee approver: decides applications to its bank by the bank's published rules. */
  APPROVER: 'approver',
  ENTERPRISE: 'enterprise',
  VERIFIER: 'verifier',
  /** An organisation's anchoring service: posts its anchor signatures on the ledger's board; moves no record. */
  ANCHORER: 'anchorer',
} as const);

/** One of the values in {@link Role}. */
export type Role = (typeof Role)[keyof typeof Role];

const ROLES_BY_KIND: Readonly<Record<OrgKind, readonly Role[]>> = Object.freeze({
  customs: [Role.OFFICER, Role.AUDITOR, Role.VERIFIER, Role.ANCHORER],
  bank: [Role.CLERK, Role.APPROVER, Role.AUDITOR, Role.VERIFIER, Role.ANCHORER],
  enterprise: [Role.ENTERPRISE, Role.VERIFIER, Role.ANCHORER],
});

/** Who is calling, as read from the caller's certificate. */
export interface Actor {
  /** MSP ID of the caller's organisation. */
  readonly msp: string;
  /** `swl.role`, or '' when absent. */
  readonly role: string;
  /** `swl.entity` (the enterprise's USCC) for enterprise users. */
  readonly entity?: string;
  /** The certificate's subject and issuer, as `getID()` gives them. */
  readonly id: string;
}

/** The part of an actor a stored value remembers. */
export interface ActorRef {
  readonly msp: string;
  readonly role: string;
  readonly id: string;
}

/** The stored reference to `actor`. */
export function actorRef(actor: Actor): ActorRef {
  return { msp: actor.msp, role: actor.role, id: actor.id };
}

/** True when the actor's role is one its organisation may hold. */
export function hasKnownRole(actor: Actor): boolean {
  const kind = kindOf(actor.msp);
  return kind !== undefined && ROLES_BY_KIND[kind].some((role) => role === actor.role);
}

/** A customs officer: the only one who moves declarations and drives guarantees at customs. */
export function isCustomsOfficer(actor: Actor): boolean {
  return actor.msp === CUSTOMS_MSP && actor.role === Role.OFFICER;
}

/** A bank clerk; of `bankMsp` when given. */
export function isBankClerk(actor: Actor, bankMsp?: string): boolean {
  return (
    isBankMsp(actor.msp) &&
    actor.role === Role.CLERK &&
    (bankMsp === undefined || actor.msp === bankMsp)
  );
}

/** A bank's automated approver; of `bankMsp` when given. */
export function isBankApprover(actor: Actor, bankMsp?: string): boolean {
  return (
    isBankMsp(actor.msp) &&
    actor.role === Role.APPROVER &&
    (bankMsp === undefined || actor.msp === bankMsp)
  );
}

/** An enterprise user; acting for `owner` when given. */
export function isEnterprise(actor: Actor, owner?: string): boolean {
  return (
    actor.msp === ENTERPRISE_MSP &&
    actor.role === Role.ENTERPRISE &&
    actor.entity !== undefined &&
    (owner === undefined || actor.entity === owner)
  );
}

/**
 * True when the actor holds a role that writes to the ledger: a customs
 * officer, a bank clerk, a bank's automated approver or an enterprise user
 * acting for its entity.
 * Auditors and verifiers only read (SPEC §2: every write needs a writing role).
 */
export function mayWrite(actor: Actor): boolean {
  return (
    isCustomsOfficer(actor) || isBankClerk(actor) || isBankApprover(actor) || isEnterprise(actor)
  );
}

/**
 * True when the actor may see a record's facts, state and history: the
 * owning enterprise, and customs and bank staff other than verifiers.
 */
export function canReadFull(actor: Actor, owner: string): boolean {
  if (isEnterprise(actor, owner)) {
    return true;
  }
  const kind = kindOf(actor.msp);
  return (
    (kind === 'customs' || kind === 'bank') && hasKnownRole(actor) && actor.role !== Role.VERIFIER
  );
}

/** Re-validates a stored {@link ActorRef}. */
export function checkActorRef(value: unknown, field: string): ActorRef {
  const given = fields(value, field, ['msp', 'role', 'id']);
  return {
    msp: text(given.msp, `${field}.msp`),
    role: text(given.role, `${field}.role`),
    id: text(given.id, `${field}.id`, 4096),
  };
}
