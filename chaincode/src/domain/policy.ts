import { GuaranteeStatus } from './guarantee';
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

/**
 * The organisations accountable for a record's next move (SPEC §3): customs
 * for a declaration, the enterprises' operator for a contract, the issuing
 * bank while a guarantee is applied for and then that bank and customs. An
 * invoice has none: any bank may finance it, so plain MAJORITY applies.
 */
export function accountableOrgs(record: DocRecord): readonly string[] {
  switch (record.facts.type) {
    case DocType.DECLARATION:
      return [CUSTOMS_MSP];
    case DocType.CONTRACT:
      return [ENTERPRISE_MSP];
    case DocType.INVOICE:
      return [];
    case DocType.GUARANTEE: {
      const bank = factOf(record, 'bankMsp');
      const bankAlone: readonly string[] = [GuaranteeStatus.APPLIED, GuaranteeStatus.REJECTED];
      return bankAlone.includes(record.state.status) ? [bank] : [bank, CUSTOMS_MSP];
    }
  }
}

/** The organisations accountable for a draw record: the guarantee's bank and customs. */
export function drawAccountableOrgs(guarantee: DocRecord): readonly string[] {
  return [factOf(guarantee, 'bankMsp'), CUSTOMS_MSP];
}

/**
 * The rule for a key whose next move `accountable` must endorse, or
 * undefined when nobody is singled out (the chaincode-level MAJORITY applies).
 *
 * @throws Error when an accountable organisation is not a peer organisation
 */
export function endorsementRule(
  accountable: readonly string[],
  orgs: readonly string[] = PEER_MSPS,
): EndorsementRule | undefined {
  if (accountable.length === 0) {
    return undefined;
  }
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
export function sameRule(a: EndorsementRule | undefined, b: EndorsementRule | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
