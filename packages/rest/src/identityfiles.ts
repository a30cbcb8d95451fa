/**
 * Identity files as a config file names them: an MSP-layout directory
 * (`<user>@<org>/msp/{signcerts,keystore}`, as Fabric administrators hand
 * out and `swl network export` writes) or a fabric-network file-system
 * wallet. File-system reads only: no Fabric library is loaded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PeerOrg } from '@swledger/protocol/orgs';

/** A certificate and its private key, as PEM text. */
export interface PemPair {
  readonly certificate: string;
  readonly privateKey: string;
}

/** Where a config file's user identities are. */
export type UserSource =
  /** `<dir>/<user>@<org>/msp/{signcerts,keystore}/…`, as `swl network export` writes. */
  | { readonly dir: string }
  /** A fabric-network file-system wallet: `<wallet>/<org>:<user>.id`. */
  | { readonly wallet: string };

/** Where a config file's service identity is. */
export type ServiceSource =
  | { readonly certificate: string; readonly privateKey: string; readonly name: string }
  | { readonly wallet: string; readonly label: string };

/** The ledger part of a config file, paths absolute. */
export interface FileLedgerSettings {
  readonly org: string;
  readonly profile: string;
  readonly mspId: string;
  readonly channel: string;
  readonly chaincode: string;
  readonly tlsClient?: { readonly certificate: string; readonly privateKey: string };
  readonly identity: ServiceSource;
  readonly users?: UserSource;
  /** Peer organisations of the channel (provenance replay and event scopes). */
  readonly organizations: readonly PeerOrg[];
}

/** One identity's files. */
export interface IdentityFiles {
  readonly label: string;
  readonly certificate: string;
  readonly privateKey: string;
}

/**
 * The single file of an MSP sub-directory (`signcerts/`, `keystore/`).
 * @throws Error when there is none or more than one
 */
export function onlyFile(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  } catch {
    throw new Error(`${dir} is missing`);
  }
  const [first, ...rest] = names;
  if (first === undefined) throw new Error(`${dir} is empty`);
  if (rest.length > 0) throw new Error(`${dir} holds ${names.length} files; expected one`);
  return join(dir, first);
}

/**
 * An MSP directory's certificate and key: `dir` is the `msp` directory or
 * the identity directory holding it (`users/alpha@enterprise`).
 * @throws Error when `signcerts/` or `keystore/` does not hold exactly one file
 */
export function mspFiles(dir: string): { certificate: string; privateKey: string } {
  const msp = readdirSync(dir).includes('msp') ? join(dir, 'msp') : dir;
  return {
    certificate: onlyFile(join(msp, 'signcerts')),
    privateKey: onlyFile(join(msp, 'keystore')),
  };
}

/**
 * The users of an organisation in an MSP-layout directory: each
 * `<user>@<org>` entry, by label `<org>:<user>`; other entries are ignored.
 * @throws Error when an entry of the organisation lacks its certificate or key
 */
export function directoryUsers(dir: string, org: string): IdentityFiles[] {
  const suffix = `@${org}`;
  return readdirSync(dir)
    .filter((n) => n.endsWith(suffix) && n.length > suffix.length)
    .sort()
    .map((n) => ({ label: `${org}:${n.slice(0, -suffix.length)}`, ...mspFiles(join(dir, n)) }));
}

/** Labels of an organisation's identities in a file-system wallet. */
export function walletLabels(dir: string, org: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.startsWith(`${org}:`) && n.endsWith('.id'))
    .map((n) => n.slice(0, -'.id'.length))
    .sort();
}

/** A wallet entry's PEM pair. @throws Error when it has none */
export function walletPem(dir: string, label: string): PemPair {
  let raw: string;
  try {
    raw = readFileSync(join(dir, `${label}.id`), 'utf8');
  } catch {
    throw new Error(`identity '${label}' is not in the wallet ${dir}`);
  }
  const id = JSON.parse(raw) as { credentials?: { certificate?: unknown; privateKey?: unknown } };
  const { certificate, privateKey } = id.credentials ?? {};
  if (typeof certificate !== 'string' || typeof privateKey !== 'string')
    throw new Error(`wallet entry '${label}' has no certificate and private key`);
  return { certificate, privateKey };
}

/** Label of the service identity a config file names. */
export function serviceLabelOf(s: FileLedgerSettings): string {
  return 'label' in s.identity ? s.identity.label : `${s.org}:${s.identity.name}`;
}
