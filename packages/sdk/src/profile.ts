/**
 * Connection settings from what a Fabric administrator hands out: a common
 * connection profile (JSON or YAML) and identity files. Nothing else is read.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { X509Identity } from 'fabric-network';
import { parse } from 'yaml';
import { type PeerOrg, usePeerOrgs } from '@swledger/protocol/orgs';
import type { ConnectionOptions, Transport } from './connection';
import { LedgerError } from './errors';
import { fabricNetwork } from './wallet';
import type { EnterpriseSigning } from './signer';

/** A Fabric common connection profile (the subset swledger writes). */
export interface ConnectionProfile {
  readonly name: string;
  readonly version: string;
  readonly client: {
    readonly organization: string;
    /**
     * Wallet label of the organisation's TLS client identity (`<org>.tls`),
     * which peers and orderers require (mutual TLS). Absent on a network
     * made before mutual TLS and not restarted since.
     */
    readonly clientTlsIdentity?: string;
  };
  readonly organizations: Record<
    string,
    { mspid: string; peers: string[]; certificateAuthorities: string[] }
  >;
  readonly peers: Record<
    string,
    { url: string; tlsCACerts: { pem: string }; grpcOptions: Record<string, string | number> }
  >;
  readonly orderers: Record<string, { url: string; tlsCACerts: { pem: string } }>;
  readonly certificateAuthorities: Record<
    string,
    { url: string; caName: string; tlsCACerts: { pem: string[] }; httpOptions: { verify: boolean } }
  >;
}

/** Codes of {@link ProfileError}. */
export type ProfileErrorCode =
  /** A profile, certificate or key file cannot be read. */
  | 'FILE_NOT_FOUND'
  /** The profile is not a connection profile (no organisations or peers), or a PEM does not parse. */
  | 'PROFILE_INVALID'
  /** A private key does not belong to its certificate. */
  | 'KEY_MISMATCH'
  /** The identity's MSP is not an organisation of the profile. */
  | 'MSP_NOT_IN_PROFILE';

/** Why connection settings could not be built from a profile and identity files. */
export class ProfileError extends LedgerError {
  override readonly code: ProfileErrorCode;
  /** The file concerned, when there is one. */
  readonly path: string | undefined;

  constructor(code: ProfileErrorCode, message: string, path?: string, cause?: unknown) {
    super(code, `${code}: ${message}`, { cause });
    this.name = ProfileError.name;
    this.code = code;
    this.path = path;
  }
}

/** A connection profile and identity files (paths). */
export interface ProfileOptions {
  /** Common connection profile, `.json` or `.yaml`/`.yml`. */
  readonly profile: string;
  /** The identity's certificate (PEM), e.g. `users/alpha@enterprise/msp/signcerts/cert.pem`. */
  readonly certificate: string;
  /** Its private key (PEM), e.g. `users/alpha@enterprise/msp/keystore/key.pem`. */
  readonly privateKey: string;
  /** MSP ID of the identity. Default: the profile's `client.organization`. */
  readonly mspId?: string;
  /** The mutual-TLS client certificate peers and orderers require, e.g. `tls/client.crt`. */
  readonly tlsClientCertificate?: string;
  /** Its key, e.g. `tls/client.key`. */
  readonly tlsClientKey?: string;
  /** Channel name. Default `tradechannel`. */
  readonly channel?: string;
  /** Chaincode name. Default `swledger`. */
  readonly chaincode?: string;
  /** Seconds to wait for a commit before the outcome is unknown. Default 30. */
  readonly commitTimeoutSeconds?: number;
  /** When a submit counts as committed (see {@link ConnectionOptions.commitScope}). */
  readonly commitScope?: 'org' | 'network';
  /** Client library: `gateway` or `fabric-network`. Default `SWL_TRANSPORT`, else `gateway`. */
  readonly transport?: Transport;
  /**
   * The channel's peer organisations and their kinds, which the provenance
   * check replays the chaincode with (majorities, accountable
   * organisations). Default: the standard four of a swledger network.
   */
  readonly organizations?: readonly PeerOrg[];
  /** An enterprise's signer: every enterprise write is signed with it (see {@link ConnectionOptions.enterpriseSigning}). */
  readonly enterpriseSigning?: EnterpriseSigning;
}

/** Wallet labels of the in-memory wallet {@link profileConnectionOptions} builds. */
export const PROFILE_IDENTITY_LABEL = 'identity';
export const PROFILE_TLS_LABEL = 'tls';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ProfileError('FILE_NOT_FOUND', `cannot read the ${what} ${path}`, path, err);
  }
}

/** A connection profile as received: `client` and `mspid` may be missing. */
export type ReceivedProfile = Omit<ConnectionProfile, 'client' | 'organizations'> & {
  readonly client?: { readonly organization?: string };
  readonly organizations: Record<string, ConnectionProfile['organizations'][string] | undefined>;
};

/** Parses a connection profile (JSON or YAML) and checks its shape. @throws ProfileError */
export function parseProfile(text: string, path: string): ReceivedProfile {
  let raw: unknown;
  try {
    raw = ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parse(text) : JSON.parse(text);
  } catch (err) {
    throw new ProfileError(
      'PROFILE_INVALID',
      `${path} is not ${extname(path) === '.json' ? 'JSON' : 'JSON or YAML'}: ${(err as Error).message}`,
      path,
      err,
    );
  }
  const p = (raw ?? {}) as Partial<Record<keyof ConnectionProfile, unknown>>;
  const isRecord = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isRecord(p.organizations) || !isRecord(p.peers) || Object.keys(p.peers).length === 0)
    throw new ProfileError(
      'PROFILE_INVALID',
      `${path} is not a connection profile: it needs 'organizations' and 'peers'`,
      path,
    );
  return raw as ReceivedProfile;
}

/** Checks that a key belongs to a certificate. @throws ProfileError PROFILE_INVALID or KEY_MISMATCH */
export function checkKeyPair(
  certificate: string,
  privateKey: string,
  certPath: string,
  keyPath: string,
): void {
  let matches: boolean;
  try {
    matches = new X509Certificate(certificate).checkPrivateKey(createPrivateKey(privateKey));
  } catch (err) {
    throw new ProfileError(
      'PROFILE_INVALID',
      `${certPath} or ${keyPath} is not a PEM certificate / private key: ${(err as Error).message}`,
      keyPath,
      err,
    );
  }
  if (!matches)
    throw new ProfileError(
      'KEY_MISMATCH',
      `the private key ${keyPath} does not belong to the certificate ${certPath}`,
      keyPath,
    );
}

/** A certificate and its private key, as PEM text. */
export interface PemIdentity {
  readonly certificate: string;
  readonly privateKey: string;
}

/** Connection settings with the identity given as PEM text rather than files. */
export interface PemProfileOptions extends Omit<
  ProfileOptions,
  'certificate' | 'privateKey' | 'tlsClientCertificate' | 'tlsClientKey'
> {
  readonly identity: PemIdentity;
  /** The mutual-TLS client pair. */
  readonly tlsClient?: PemIdentity;
}

/**
 * Connection settings from a connection profile and identity files: an
 * in-memory wallet holds the identity (and the TLS client identity).
 * @throws ProfileError FILE_NOT_FOUND, PROFILE_INVALID, KEY_MISMATCH or MSP_NOT_IN_PROFILE
 */
export async function profileConnectionOptions(opts: ProfileOptions): Promise<ConnectionOptions> {
  const tls = opts.tlsClientCertificate ?? opts.tlsClientKey;
  if (
    tls !== undefined &&
    (opts.tlsClientCertificate === undefined || opts.tlsClientKey === undefined)
  )
    throw new ProfileError(
      'FILE_NOT_FOUND',
      'pass both tlsClientCertificate and tlsClientKey, or neither',
      tls,
    );
  const certificate = readText(opts.certificate, 'certificate');
  const privateKey = readText(opts.privateKey, 'private key');
  checkKeyPair(certificate, privateKey, opts.certificate, opts.privateKey);
  let tlsClient: PemIdentity | undefined;
  if (opts.tlsClientCertificate !== undefined && opts.tlsClientKey !== undefined) {
    tlsClient = {
      certificate: readText(opts.tlsClientCertificate, 'TLS client certificate'),
      privateKey: readText(opts.tlsClientKey, 'TLS client key'),
    };
    checkKeyPair(
      tlsClient.certificate,
      tlsClient.privateKey,
      opts.tlsClientCertificate,
      opts.tlsClientKey,
    );
  }
  return pemConnectionOptions({ ...opts, identity: { certificate, privateKey }, tlsClient });
}

/**
 * Connection settings from a connection profile (a file) and an identity
 * given as PEM text (key pairs are not checked again here).
 * @throws ProfileError FILE_NOT_FOUND, PROFILE_INVALID or MSP_NOT_IN_PROFILE
 */
export async function pemConnectionOptions(opts: PemProfileOptions): Promise<ConnectionOptions> {
  const parsed = parseProfile(readText(opts.profile, 'connection profile'), opts.profile);
  const mspId = profileMspId(parsed, opts.profile, opts.mspId);
  // Loaded on demand, after the profile and key pair were checked.
  const { Wallets } = fabricNetwork();
  if (opts.organizations !== undefined) usePeerOrgs(opts.organizations);
  const wallet = await Wallets.newInMemoryWallet();
  const identity: X509Identity = { type: 'X.509', mspId, credentials: { ...opts.identity } };
  await wallet.put(PROFILE_IDENTITY_LABEL, identity);
  if (opts.tlsClient !== undefined) {
    const tlsIdentity: X509Identity = {
      type: 'X.509',
      mspId,
      credentials: { ...opts.tlsClient },
    };
    await wallet.put(PROFILE_TLS_LABEL, tlsIdentity);
  }
  const organizations: ConnectionProfile['organizations'] = {};
  for (const [key, o] of Object.entries(parsed.organizations))
    organizations[key] = {
      mspid: o?.mspid ?? key,
      peers: o?.peers ?? [],
      certificateAuthorities: o?.certificateAuthorities ?? [],
    };
  const profile: ConnectionProfile = {
    ...parsed,
    organizations,
    client: {
      organization: mspId,
      ...(opts.tlsClient !== undefined ? { clientTlsIdentity: PROFILE_TLS_LABEL } : {}),
    },
  };
  return {
    profile,
    wallet,
    identity: PROFILE_IDENTITY_LABEL,
    channel: opts.channel,
    chaincode: opts.chaincode,
    commitTimeoutSeconds: opts.commitTimeoutSeconds,
    commitScope: opts.commitScope,
    transport: opts.transport,
    ...(opts.enterpriseSigning === undefined ? {} : { enterpriseSigning: opts.enterpriseSigning }),
  };
}

/**
 * The MSP ID an identity of a profile acts for: `wanted`, or the profile's
 * `client.organization`; it must be one of the profile's organisations.
 * @throws ProfileError MSP_NOT_IN_PROFILE
 */
export function profileMspId(parsed: ReceivedProfile, path: string, wanted?: string): string {
  const mspId = wanted ?? parsed.client?.organization;
  const known = Object.entries(parsed.organizations).map(([key, o]) => o?.mspid ?? key);
  if (mspId === undefined || !known.includes(mspId))
    throw new ProfileError(
      'MSP_NOT_IN_PROFILE',
      mspId === undefined
        ? `${path} names no client.organization: pass mspId (one of ${known.join(', ')})`
        : `MSP '${mspId}' is not an organisation of ${path} (it has ${known.join(', ')})`,
      path,
    );
  return mspId;
}
