import { CUSTOMS_MSP, ENTERPRISE_MSP, PEER_MSPS } from './orgs';
import { DocType, factOf, type DocRecord } from './record';

/**
 * A key-level endorsement rule: every `required` organisation endorses, and
 * `outOf` of the `others` join them, so the endorsers are a strict majority
 * of all peer organisations that always includes the accountable ones.
 */
export interface EndorsementRule {
  readonly required: readonly string[];
  readonly outOf: number;
  readonly others: readonly string[];
}

/** Smallest strict majority of `count` organisations. */
export function majorityOf(count: number): number {
  return Math.floor(count / 2) + 1;
}

/*
 * The rule of every key family (SPEC §2), set on the key by the transaction
 * that creates it:
 *
 * | family                        | key                          | rule                                   |
 * |-------------------------------|------------------------------|----------------------------------------|
 * | facts (write-once)            | `doc~type~docId`             | every peer organisation                |
 * | hash index (write-once)       | `hash~sha256`                | every peer organisation                |
 * | owner index (write-once)      | `owner~entity~type~docId`    | every peer organisation                |
 * | state, declaration            | `state~type~docId`           | majority with customs                  |
 * | state, contract               | `state~type~docId`           | majority with the enterprises' operator|
 * | state, invoice                | `state~type~docId`           | majority (any bank may finance it)     |
 * | state, guarantee (any status) | `state~type~docId`           | majority with its bank and customs     |
 * | financing                     | `financing~invoice~id`       | majority with the financing bank       |
 * | draw                          | `draw~guarantee~id`          | majority with the bank and customs     |
 *
 * A guarantee needs its bank and customs from the moment it is applied for:
 * every status from APPLIED on can lead to ACTIVE, which customs must
 * consent to, so a majority without customs can never move it.
 */

/** The rule of a write-once key (facts, hash index, owner index): every peer organisation endorses any later write, so one honest organisation blocks a rewrite or a delete. */
export function writeOnceRule(orgs: readonly string[] = PEER_MSPS): EndorsementRule {
  return { required: [...orgs], outOf: 0, others: [] };
}

/**
 * The organisations accountable for a record's next move (SPEC §3): customs
 * for a declaration, the enterprises' operator for a contract, the issuing
 * bank and customs for a guarantee in every status. An invoice has none:
 * any bank may finance it, so plain MAJORITY applies.
 */
export function accountableOrgs(record: DocRecord): readonly string[] {
  switch (record.facts.type) {
    case DocType.DECLARATION:
      return [CUSTOMS_MSP];
    case DocType.CONTRACT:
      return [ENTERPRISE_MSP];
    case DocType.INVOICE:
      return [];
    case DocType.GUARANTEE:
      return [factOf(record, 'bankMsp'), CUSTOMS_MSP];
  }
}

/** The rule of a record's state key in its current status. */
export function stateRule(record: DocRecord): EndorsementRule {
  return endorsementRule(accountableOrgs(record));
}

/** The rule of a financing key: the financing bank is accountable for it. */
export function financingRule(bankMsp: string): EndorsementRule {
  return endorsementRule([bankMsp]);
}

/** The organisations accountable for a draw record: the guarantee's bank and customs. */
export function drawAccountableOrgs(guarantee: DocRecord): readonly string[] {
  return [factOf(guarantee, 'bankMsp'), CUSTOMS_MSP];
}

/** The rule of a draw key. */
export function drawRule(guarantee: DocRecord): EndorsementRule {
  return endorsementRule(drawAccountableOrgs(guarantee));
}

/**
 * The rule for a key whose next move `accountable` must endorse: a strict
 * majority of the peer organisations that includes every accountable one
 * (plain MAJORITY when nobody is singled out).
 *
 * @throws Error when an accountable organisation is not a peer organisation
 */
export function endorsementRule(
  accountable: readonly string[],
  orgs: readonly string[] = PEER_MSPS,
): EndorsementRule {
  for (const msp of accountable) {
    if (!orgs.includes(msp)) {
      throw new Error(`${msp} is not a peer organisation`);
    }
  }
  const required = orgs.filter((msp) => accountable.includes(msp));
  const others = orgs.filter((msp) => !accountable.includes(msp));
  return { required, others, outOf: Math.max(0, majorityOf(orgs.length) - required.length) };
}

/** True when two rules demand the same endorsements. */
export function sameRule(a: EndorsementRule, b: EndorsementRule): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** True when endorsements of the organisations `endorsers` (MSP IDs) satisfy `rule`. */
export function satisfiedBy(rule: EndorsementRule, endorsers: readonly string[]): boolean {
  const present = new Set(endorsers);
  return (
    rule.required.every((msp) => present.has(msp)) &&
    rule.others.filter((msp) => present.has(msp)).length >= rule.outOf
  );
}

/**
 * `namespace:function` of the transactions whose every write is a key the
 * call creates (a record's facts, state and indexes, a signature nonce) or a
 * key without a rule of its own (`noop`'s). Fabric validates such writes
 * against the chaincode-level policy alone (a key-level policy applies from
 * the next transaction on), so the organisations that endorsed one call
 * satisfy every call: a client may name them instead of letting the peer
 * Gateway plan each time.
 */
export const CHAINCODE_POLICY_FUNCTIONS: ReadonlySet<string> = new Set([
  'document:register',
  'document:registerBatch',
  'system:noop',
]);
