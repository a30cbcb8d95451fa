import { readFileSync } from 'node:fs';

/** A user enrolled from its organisation's CA with `swl.role` (and `swl.entity`) in the certificate. */
export interface UserSpec {
  readonly name: string;
  readonly role: string;
  readonly entity?: string;
}

/**
 * Who an organisation is, as every certificate its CA issues names it
 * (subject `O=<organization>, C=<country>`, the CA's own included).
 */
export interface OrgSubject {
  /** Legal name, 1 to 64 characters (X.509's limit), without the characters special in a distinguished name. */
  readonly organization: string;
  /** ISO 3166-1 alpha-2 country code, upper case (`CN`). */
  readonly country: string;
}

/** One peer organisation: one peer, one CA, one chaincode server. */
export interface PeerOrgSpec extends OrgSubject {
  readonly key: string;
  readonly index: number;
  readonly mspId: string;
  /** What the organisation is to the ledger: decides the roles it may hold and the policies it is in. */
  readonly kind: 'customs' | 'bank' | 'enterprise';
  readonly description: string;
  readonly users: readonly UserSpec[];
}

/** The organisation running the ordering service. */
export interface OrdererOrgSpec extends OrgSubject {
  readonly key: string;
  readonly mspId: string;
}

/** The network as data (network/topology.json). */
export interface Topology {
  readonly channel: string;
  readonly chaincode: {
    readonly name: string;
    readonly version: string;
    readonly sequence: number;
  };
  readonly portBase: number;
  readonly batchTimeout: string;
  readonly ordererOrg: OrdererOrgSpec;
  readonly peerOrgs: readonly PeerOrgSpec[];
}

const NAME = /^[a-z][a-z0-9]{0,15}$/;
const MSP = /^[A-Za-z][A-Za-z0-9]{0,31}MSP$/;
const ROLES = new Set(['officer', 'clerk', 'auditor', 'enterprise', 'verifier']);
const USCC = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
/** Printable, no characters that are special in a distinguished name or in fabric-ca-client's `--csr.names` list. */
const ORGANIZATION = /^[^\s,=+"\\<>;#\p{Cc}](?:[^,=+"\\<>;#\p{Cc}]{0,62}[^\s,=+"\\<>;#\p{Cc}])?$/u;
const COUNTRY = /^[A-Z]{2}$/;

function checkSubject(file: string, who: string, org: Record<string, unknown>): void {
  const { organization, country } = org;
  if (typeof organization !== 'string' || !ORGANIZATION.test(organization))
    fail(
      file,
      `${who}: organization must be the organisation's name, 1 to 64 characters without leading or trailing spaces or any of , = + " \\ < > ; # (it goes into certificate subjects as O=)`,
    );
  if (typeof country !== 'string' || !COUNTRY.test(country))
    fail(
      file,
      `${who}: country must be an ISO 3166 two-letter code in upper case, such as CN (it goes into certificate subjects as C=); got ${JSON.stringify(country)}`,
    );
}

/**
 * Reads and checks a topology file.
 * @throws Error naming the first problem found, so an edit mistake is caught before anything starts.
 */
export function loadTopology(file: string): Topology {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return checkTopology(raw, file);
}

function fail(file: string, what: string): never {
  throw new Error(`topology ${file}: ${what}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates an already parsed topology. */
export function checkTopology(raw: unknown, file = '<memory>'): Topology {
  if (!isObject(raw)) fail(file, 'must be a JSON object');
  const { channel, chaincode, portBase, batchTimeout, ordererOrg, peerOrgs } = raw;
  if (typeof channel !== 'string' || !/^[a-z][a-z0-9.-]{0,248}$/.test(channel))
    fail(file, 'channel must be a lower-case channel name');
  if (
    !isObject(chaincode) ||
    typeof chaincode.name !== 'string' ||
    typeof chaincode.version !== 'string' ||
    !Number.isInteger(chaincode.sequence)
  ) {
    fail(file, 'chaincode needs name, version and an integer sequence');
  }
  if (!Number.isInteger(portBase) || (portBase as number) < 1024 || (portBase as number) > 60000)
    fail(file, 'portBase must be an integer in 1024..60000');
  if (typeof batchTimeout !== 'string' || !/^\d+(ms|s)$/.test(batchTimeout))
    fail(file, 'batchTimeout must look like 250ms');
  if (
    !isObject(ordererOrg) ||
    typeof ordererOrg.key !== 'string' ||
    typeof ordererOrg.mspId !== 'string' ||
    !MSP.test(ordererOrg.mspId)
  ) {
    fail(file, 'ordererOrg needs key and mspId');
  }
  checkSubject(file, `ordererOrg ${String(ordererOrg.key)}`, ordererOrg);
  if (!Array.isArray(peerOrgs) || peerOrgs.length < 1)
    fail(file, 'peerOrgs must list at least one organisation');
  const keys = new Set<string>([ordererOrg.key as string]);
  const msps = new Set<string>([ordererOrg.mspId as string]);
  const indexes = new Set<number>();
  for (const org of peerOrgs as unknown[]) {
    if (!isObject(org)) fail(file, 'each peer org must be an object');
    const { key, index, mspId, users, kind } = org;
    if (kind !== 'customs' && kind !== 'bank' && kind !== 'enterprise')
      fail(file, `${String(key)}: kind must be customs, bank or enterprise`);
    if (typeof key !== 'string' || !NAME.test(key))
      fail(file, `peer org key '${String(key)}' must match ${NAME}`);
    if (typeof mspId !== 'string' || !MSP.test(mspId)) fail(file, `${key}: mspId must end in MSP`);
    checkSubject(file, key, org);
    if (!Number.isInteger(index) || (index as number) < 1 || (index as number) > 9)
      fail(file, `${key}: index must be 1..9`);
    if (keys.has(key) || msps.has(mspId) || indexes.has(index as number))
      fail(file, `${key}: key, mspId and index must be unique`);
    keys.add(key);
    msps.add(mspId);
    indexes.add(index as number);
    if (!Array.isArray(users)) fail(file, `${key}: users must be a list`);
    const names = new Set<string>();
    for (const u of users as unknown[]) {
      if (
        !isObject(u) ||
        typeof u.name !== 'string' ||
        !NAME.test(u.name) ||
        typeof u.role !== 'string' ||
        !ROLES.has(u.role)
      ) {
        fail(
          file,
          `${key}: each user needs a name matching ${NAME} and a role of ${[...ROLES].join('|')}`,
        );
      }
      if (u.entity !== undefined && (typeof u.entity !== 'string' || !USCC.test(u.entity)))
        fail(file, `${key}/${u.name}: entity must be an 18-character USCC`);
      if (u.role === 'enterprise' && u.entity === undefined)
        fail(file, `${key}/${u.name}: enterprise users need an entity`);
      if (names.has(u.name) || ['admin', 'peer0', 'ccserver'].includes(u.name))
        fail(file, `${key}/${u.name}: duplicate or reserved user name`);
      names.add(u.name);
    }
  }
  const kinds = (peerOrgs as { kind: string }[]).map((o) => o.kind);
  if (
    kinds.filter((k) => k === 'customs').length !== 1 ||
    kinds.filter((k) => k === 'enterprise').length !== 1 ||
    !kinds.includes('bank')
  ) {
    fail(
      file,
      'peerOrgs need exactly one customs and one enterprise organisation and at least one bank',
    );
  }
  return raw as unknown as Topology;
}

/** Ports of one peer organisation. */
export interface PeerOrgPorts {
  readonly peer: number;
  readonly chaincodeListen: number;
  readonly operations: number;
  readonly ca: number;
  readonly caOperations: number;
  readonly chaincodeServer: number;
  readonly rest: number;
}

/** Ports of one orderer. */
export interface OrdererPorts {
  readonly listen: number;
  readonly admin: number;
  readonly operations: number;
}

/** Every port of the network, all derived from one base. */
export function ordererPorts(base: number, n: number): OrdererPorts {
  return { listen: base + 10 * n, admin: base + 10 * n + 1, operations: base + 10 * n + 2 };
}

/** The orderer organisation's CA ports. */
export function ordererCaPorts(base: number): { ca: number; caOperations: number } {
  return { ca: base + 54, caOperations: base + 55 };
}

/** Ports of the peer organisation with the given index. */
export function peerOrgPorts(base: number, index: number): PeerOrgPorts {
  const b = base + 100 * index;
  return {
    peer: b + 51,
    chaincodeListen: b + 52,
    operations: b + 53,
    ca: b + 54,
    caOperations: b + 55,
    chaincodeServer: b + 60,
    rest: b + 80,
  };
}
