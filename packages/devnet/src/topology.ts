import { readFileSync } from 'node:fs';
import { Role } from '@swledger/protocol/actor';

/** A user enrolled from its organisation's CA with `swl.role` (and `swl.entity`) in the certificate. */
export interface UserSpec {
  readonly name: string;
  readonly role: string;
  readonly entity?: string;
  /**
   * Enterprise users: key of the bank organisation whose clerk confirms the
   * binding of the user's enterprise key at `swl network up`. Default: the
   * first bank of the topology.
   */
  readonly bank?: string;
}

/**
 * How the network treats enterprise writes (SPEC §6): `required` refuses
 * every unsigned one; `optional` accepts unsigned writes (a network moving
 * to signatures) and still checks every signature given. `chainId` is the
 * EIP-712 chain id the signatures name.
 */
export interface EnterpriseSigningSpec {
  readonly mode: 'required' | 'optional';
  readonly chainId: number;
}

/** Signatures required, on swledger's own chain id, unless the topology says otherwise. */
export const DEFAULT_ENTERPRISE_SIGNING: EnterpriseSigningSpec = Object.freeze({
  mode: 'required',
  chainId: 7300,
});

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

/** Where an organisation's processes run when the network is isolated. */
export interface HostSpec {
  /**
   * IPv4 address of the organisation's host when the network runs isolated
   * (`swl network up --isolate`): inside `hostNetwork`, neither its network
   * address, nor the next one (the bridge's), nor its broadcast address. Default: the network's address 10 + the
   * organisation's index (the orderer organisation's index is 0).
   */
  readonly host?: string;
}

/** One peer organisation: one peer, one CA, one chaincode server. */
export interface PeerOrgSpec extends OrgSubject, HostSpec {
  readonly key: string;
  readonly index: number;
  readonly mspId: string;
  /** What the organisation is to the ledger: decides the roles it may hold and the policies it is in. */
  readonly kind: 'customs' | 'bank' | 'enterprise';
  readonly description: string;
  readonly users: readonly UserSpec[];
}

/** The organisation running the ordering service. */
export interface OrdererOrgSpec extends OrgSubject, HostSpec {
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
  /**
   * Private IPv4 network of the hosts of an isolated network (CIDR, prefix
   * 16 to 28). Default {@link DEFAULT_HOST_NETWORK}.
   */
  readonly hostNetwork?: string;
  readonly ordererOrg: OrdererOrgSpec;
  readonly peerOrgs: readonly PeerOrgSpec[];
  /** Enterprise signatures. Default {@link DEFAULT_ENTERPRISE_SIGNING}. */
  readonly enterpriseSigning?: EnterpriseSigningSpec;
  /** Public anchoring on an EVM chain (SPEC §7). Absent: on, with the embedded geth node. */
  readonly anchoring?: AnchoringSpec;
}

/** Where and how often the network anchors. */
export interface AnchoringSpec {
  /** false turns anchoring off: no EVM node, no contract, no anchor keys. */
  readonly enabled: boolean;
  /**
   * An EVM JSON-RPC URL to anchor on instead of the embedded geth node (a
   * public test chain); the deployer pays gas with the key in
   * SWL_EVM_PRIVATE_KEY.
   */
  readonly rpcUrl?: string;
  /** Anchor after this many Fabric blocks… Default 10. */
  readonly blocks?: number;
  /** …or this many seconds, whichever comes first. Default 30. */
  readonly seconds?: number;
}

/** The private network of isolated hosts unless the topology names one. */
export const DEFAULT_HOST_NETWORK = '10.77.0.0/24';

const NAME = /^[a-z][a-z0-9]{0,15}$/;
const MSP = /^[A-Za-z][A-Za-z0-9]{0,31}MSP$/;
const ROLES: ReadonlySet<string> = new Set(Object.values(Role));
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
  checkEnterpriseBanks(file, peerOrgs as unknown as readonly PeerOrgSpec[]);
  checkSigning(file, raw.enterpriseSigning);
  checkHosts(file, raw as unknown as Topology);
  checkAnchoring(file, raw.anchoring);
  return raw as unknown as Topology;
}

function checkAnchoring(file: string, anchoring: unknown): void {
  if (anchoring === undefined) return;
  if (!isObject(anchoring) || typeof anchoring.enabled !== 'boolean')
    fail(file, 'anchoring needs enabled: true or false');
  const { rpcUrl, blocks, seconds } = anchoring;
  if (rpcUrl !== undefined && (typeof rpcUrl !== 'string' || !/^https?:\/\/\S+$/.test(rpcUrl)))
    fail(file, 'anchoring.rpcUrl must be an http(s) URL');
  for (const [name, v] of [
    ['blocks', blocks],
    ['seconds', seconds],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 1))
      fail(file, `anchoring.${name} must be a positive integer`);
}

/** The enterprise signing settings of a topology, defaults applied. */
export function enterpriseSigningOf(topology: Topology): EnterpriseSigningSpec {
  return topology.enterpriseSigning ?? DEFAULT_ENTERPRISE_SIGNING;
}

/** The bank organisation that confirms an enterprise user's key binding. */
export function bindingBankOf(topology: Topology, user: UserSpec): PeerOrgSpec {
  const banks = topology.peerOrgs.filter((o) => o.kind === 'bank');
  const bank = user.bank === undefined ? banks[0] : banks.find((o) => o.key === user.bank);
  if (bank === undefined) throw new Error(`${user.name}: bank ${String(user.bank)} is not a bank`);
  return bank;
}

function checkEnterpriseBanks(file: string, orgs: readonly PeerOrgSpec[]): void {
  const banks = new Set(orgs.filter((o) => o.kind === 'bank').map((o) => o.key));
  for (const org of orgs) {
    for (const user of org.users) {
      if (user.bank !== undefined && (user.role !== 'enterprise' || !banks.has(user.bank)))
        fail(
          file,
          `${org.key}/${user.name}: bank must name a bank organisation's key, for an enterprise user`,
        );
    }
  }
}

function checkSigning(file: string, value: unknown): void {
  if (value === undefined) return;
  if (
    !isObject(value) ||
    (value.mode !== 'required' && value.mode !== 'optional') ||
    !Number.isInteger(value.chainId) ||
    (value.chainId as number) < 1 ||
    Object.keys(value).some((k) => k !== 'mode' && k !== 'chainId')
  )
    fail(
      file,
      'enterpriseSigning must be {"mode": "required"|"optional", "chainId": a positive integer}',
    );
}

/** An IPv4 address as a 32-bit number; undefined when the text is not a dotted quad. */
export function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/** A 32-bit number as a dotted quad. */
export function ipv4Text(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** A parsed CIDR network. */
export interface HostNetwork {
  /** First address (the network address), as a number. */
  readonly first: number;
  readonly prefix: number;
  /** Number of addresses, network and broadcast included. */
  readonly size: number;
}

const PRIVATE: readonly [string, number][] = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
];

/**
 * Parses a private IPv4 network (RFC 1918) with a prefix of 16 to 28.
 * @throws Error saying what is wrong
 */
export function parseHostNetwork(cidr: string): HostNetwork {
  const [address, prefixText, extra] = cidr.split('/');
  const first = address === undefined ? undefined : ipv4(address);
  const prefix = Number(prefixText);
  if (first === undefined || extra !== undefined || !Number.isInteger(prefix))
    throw new Error(
      `hostNetwork '${cidr}' must be an IPv4 network such as ${DEFAULT_HOST_NETWORK}`,
    );
  if (prefix < 16 || prefix > 28)
    throw new Error(`hostNetwork '${cidr}': the prefix must be 16 to 28`);
  const size = 2 ** (32 - prefix);
  if (first % size !== 0)
    throw new Error(`hostNetwork '${cidr}': ${address} is not the first address of a /${prefix}`);
  const inside = PRIVATE.some(([a, p]) => {
    const start = ipv4(a)!;
    return prefix >= p && first >= start && first < start + 2 ** (32 - p);
  });
  if (!inside)
    throw new Error(
      `hostNetwork '${cidr}' must be private (within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)`,
    );
  return { first, prefix, size };
}

/**
 * The host address of every organisation (orderer organisation first) on
 * the topology's host network: the topology's `host`, or network + 10 + index.
 * @throws Error on an address outside the network, reserved (network, bridge, broadcast) or used twice
 */
export function hostAddresses(topology: Topology): Map<string, string> {
  const net = parseHostNetwork(topology.hostNetwork ?? DEFAULT_HOST_NETWORK);
  const orgs: [string, number, string | undefined][] = [
    [topology.ordererOrg.key, 0, topology.ordererOrg.host],
    ...topology.peerOrgs.map((o): [string, number, string | undefined] => [o.key, o.index, o.host]),
  ];
  const out = new Map<string, string>();
  const used = new Map<number, string>();
  for (const [key, index, given] of orgs) {
    const n = given === undefined ? net.first + 10 + index : ipv4(given);
    if (n === undefined) throw new Error(`${key}: host '${String(given)}' is not an IPv4 address`);
    const text = ipv4Text(n);
    if (n < net.first + 2 || n >= net.first + net.size - 1)
      throw new Error(
        `${key}: host ${text} must be inside hostNetwork ${ipv4Text(net.first)}/${net.prefix}, not its network, first (the bridge's) or broadcast address`,
      );
    const other = used.get(n);
    if (other !== undefined) throw new Error(`${key}: host ${text} is ${other}'s too`);
    used.set(n, key);
    out.set(key, text);
  }
  return out;
}

function checkHosts(file: string, topology: Topology): void {
  const raw = topology as unknown as Record<string, unknown>;
  if (raw.hostNetwork !== undefined && typeof raw.hostNetwork !== 'string')
    fail(file, `hostNetwork must be a string such as ${DEFAULT_HOST_NETWORK}`);
  for (const org of [topology.ordererOrg, ...topology.peerOrgs])
    if (org.host !== undefined && typeof org.host !== 'string')
      fail(file, `${org.key}: host must be an IPv4 address string`);
  try {
    hostAddresses(topology);
  } catch (err) {
    fail(file, (err as Error).message);
  }
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
