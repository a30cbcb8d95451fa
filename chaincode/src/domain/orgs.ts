/** What an organisation is to the ledger; decides which roles it may hold. */
export type OrgKind = 'customs' | 'bank' | 'enterprise';

/** A peer organisation of the channel. */
export interface PeerOrg {
  readonly msp: string;
  readonly kind: OrgKind;
}

/**
 * Every peer organisation on the channel, in a fixed order. A network with a
 * third bank adds one line here; majorities and policies follow from the list.
 */
export const PEER_ORGS: readonly PeerOrg[] = Object.freeze([
  Object.freeze({ msp: 'CustomsMSP', kind: 'customs' }),
  Object.freeze({ msp: 'BankAMSP', kind: 'bank' }),
  Object.freeze({ msp: 'BankBMSP', kind: 'bank' }),
  Object.freeze({ msp: 'EnterpriseMSP', kind: 'enterprise' }),
] as const);

/** MSP IDs of {@link PEER_ORGS}, same order. */
export const PEER_MSPS: readonly string[] = Object.freeze(PEER_ORGS.map((org) => org.msp));

/** The customs authority's MSP ID. */
export const CUSTOMS_MSP = singleMspOfKind('customs');

/** The enterprises' single-window operator's MSP ID. */
export const ENTERPRISE_MSP = singleMspOfKind('enterprise');

/** The kind of a peer organisation, or undefined for an MSP not on the channel. */
export function kindOf(msp: string): OrgKind | undefined {
  return PEER_ORGS.find((org) => org.msp === msp)?.kind;
}

/** True when `msp` is one of the banks. */
export function isBankMsp(msp: string): boolean {
  return kindOf(msp) === 'bank';
}

function singleMspOfKind(kind: OrgKind): string {
  const matches = PEER_ORGS.filter((org) => org.kind === kind);
  if (matches.length !== 1 || matches[0] === undefined) {
    throw new Error(`PEER_ORGS must hold exactly one ${kind} organisation`);
  }
  return matches[0].msp;
}
