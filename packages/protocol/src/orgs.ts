/** What an organisation is to the ledger; decides which roles it may hold. */
export type OrgKind = 'customs' | 'bank' | 'enterprise';

/** A peer organisation of the channel. */
export interface PeerOrg {
  readonly msp: string;
  readonly kind: OrgKind;
}

/** The four organisations of the standard swledger network. */
export const DEFAULT_PEER_ORGS: readonly PeerOrg[] = Object.freeze([
  Object.freeze({ msp: 'CustomsMSP', kind: 'customs' }),
  Object.freeze({ msp: 'BankAMSP', kind: 'bank' }),
  Object.freeze({ msp: 'BankBMSP', kind: 'bank' }),
  Object.freeze({ msp: 'EnterpriseMSP', kind: 'enterprise' }),
] as const);

const KINDS: readonly OrgKind[] = ['customs', 'bank', 'enterprise'];

/**
 * Parses a peer-organisation list (`[{"msp":"CustomsMSP","kind":"customs"},…]`):
 * exactly one customs and one enterprise organisation, at least one bank,
 * MSP IDs unique.
 *
 * @throws Error naming what is wrong (a deployment error, not a transaction error)
 */
export function parsePeerOrgs(json: string): readonly PeerOrg[] {
  const raw: unknown = JSON.parse(json);
  if (!Array.isArray(raw) || raw.length === 0)
    throw new Error('peer organisations must be a non-empty JSON array');
  const orgs = raw.map((entry: unknown) => {
    const { msp, kind } = (entry ?? {}) as { msp?: unknown; kind?: unknown };
    if (typeof msp !== 'string' || !/^[A-Za-z][A-Za-z0-9]{0,31}MSP$/.test(msp))
      throw new Error(`bad MSP ID ${String(msp)}`);
    if (!KINDS.includes(kind as OrgKind)) throw new Error(`bad kind ${String(kind)} for ${msp}`);
    return Object.freeze({ msp, kind: kind as OrgKind });
  });
  if (new Set(orgs.map((o) => o.msp)).size !== orgs.length)
    throw new Error('MSP IDs must be unique');
  if (!orgs.some((o) => o.kind === 'bank')) throw new Error('at least one bank is needed');
  for (const kind of ['customs', 'enterprise'] as const) {
    if (orgs.filter((o) => o.kind === kind).length !== 1)
      throw new Error(`exactly one ${kind} organisation is needed`);
  }
  return Object.freeze(orgs);
}

/**
 * Every peer organisation on the channel, in a fixed order; majorities and
 * policies follow from it. It is deployment configuration, read once when
 * the chaincode server starts: `SWL_PEER_ORGS`, which the network's
 * supervisor sets from network/topology.json (the same value on every
 * peer's chaincode server), or the standard four organisations.
 */
export let PEER_ORGS: readonly PeerOrg[] =
  process.env.SWL_PEER_ORGS === undefined || process.env.SWL_PEER_ORGS === ''
    ? DEFAULT_PEER_ORGS
    : parsePeerOrgs(process.env.SWL_PEER_ORGS);

/** MSP IDs of {@link PEER_ORGS}, same order. */
export let PEER_MSPS: readonly string[] = Object.freeze(PEER_ORGS.map((org) => org.msp));

/** The customs authority's MSP ID. */
export let CUSTOMS_MSP = singleMspOfKind('customs');

/** The enterprises' single-window operator's MSP ID. */
export let ENTERPRISE_MSP = singleMspOfKind('enterprise');

/**
 * Sets the organisation list in a client process that replays the
 * chaincode to check provenance: it must see the network's own
 * organisations (its topology), as that network's chaincode servers do.
 * The chaincode itself never calls this; it reads `SWL_PEER_ORGS` once.
 *
 * @throws Error when the list is not a valid peer-organisation list
 */
export function usePeerOrgs(orgs: readonly PeerOrg[]): void {
  const parsed = parsePeerOrgs(JSON.stringify(orgs));
  PEER_ORGS = parsed;
  PEER_MSPS = Object.freeze(parsed.map((org) => org.msp));
  CUSTOMS_MSP = singleMspOfKind('customs');
  ENTERPRISE_MSP = singleMspOfKind('enterprise');
}

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
