/**
 * The REST service's (and the CLI's) config file, `rest.yaml` or `.json`:
 * a connection profile, identity files, the database, the listener and
 * TLS. Read and checked once, with a coded error that says what to fix.
 * Relative paths are relative to the config file's directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DEFAULT_PEER_ORGS, parsePeerOrgs, type PeerOrg } from '@swledger/protocol/orgs';
import { checkKeyPair, parseProfile, ProfileError, profileMspId } from '@swledger/sdk/profile';
import {
  directoryUsers,
  FileLedgerSettings,
  serviceLabelOf,
  ServiceSource,
  walletLabels,
  walletPem,
} from './identityfiles';

/** Codes of {@link ConfigError}; append only, never rename or renumber. */
export const CONFIG_ERROR_CODES = Object.freeze([
  /** The config file cannot be read. */
  'CONFIG_UNREADABLE',
  /** The config file is not YAML (or, for `.json`, JSON). */
  'CONFIG_SYNTAX',
  /** A setting is missing, unknown, or has a wrong type or value. */
  'CONFIG_INVALID',
  /** A file or directory the config names does not exist. */
  'CONFIG_FILE_MISSING',
  /** The connection profile is not one, or lacks the identity's organisation. */
  'CONFIG_PROFILE_INVALID',
  /** A certificate or private key is not PEM. */
  'CONFIG_PEM_INVALID',
  /** A private key does not belong to its certificate. */
  'CONFIG_KEY_MISMATCH',
  /** The users directory or wallet holds no identity of the organisation. */
  'CONFIG_NO_IDENTITIES',
  /** A flag contradicts the config file (e.g. another --org). */
  'CONFIG_CONFLICT',
] as const);

/** A code of {@link ConfigError}. */
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** A configuration that cannot be used; `key` names the setting, `file` the file concerned. */
export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    readonly key?: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = ConfigError.name;
  }
}

/** Limits a config file may set (names as in {@link ServerConfig}, flat). */
export const LIMIT_KEYS = Object.freeze([
  'maxBodyBytes',
  'maxUploadBytes',
  'maxAnonymousUploadBytes',
  'maxStreamsPerToken',
  'maxReplayBlocks',
  'headersTimeoutMs',
  'requestTimeoutMs',
  'rateBurst',
  'ratePerSecond',
  'idempotencyWaitMs',
  'heartbeatMs',
] as const);

/** A limit a config file may set. */
export type LimitKey = (typeof LIMIT_KEYS)[number];

const name = /^[a-z][a-z0-9-]{0,31}$/;
const path = z.string().min(1, 'a path');
const pair = { certificate: path, privateKey: path };

const schema = z.strictObject({
  org: z.string().regex(name, 'an organisation key, e.g. enterprise'),
  profile: path,
  mspId: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9.-]{0,63}$/, 'an MSP ID, e.g. EnterpriseMSP')
    .optional(),
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9.-]{0,248}$/, 'a channel name')
    .optional(),
  chaincode: z
    .string()
    .regex(/^[A-Za-z0-9_.+-]{1,64}$/, 'a chaincode name')
    .optional(),
  tlsClient: z.strictObject(pair).optional(),
  identity: z.union(
    [
      z.strictObject({ ...pair, name: z.string().regex(name, 'a user name').optional() }),
      z.strictObject({
        wallet: path,
        label: z.string().regex(/^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/, '<org>:<user>'),
      }),
    ],
    { error: 'either certificate and privateKey (and an optional name), or wallet and label' },
  ),
  users: z
    .union([z.strictObject({ dir: path }), z.strictObject({ wallet: path })], {
      error: 'either dir (<user>@<org>/msp/… as swl network export writes) or wallet',
    })
    .optional(),
  organizations: z
    .array(z.strictObject({ msp: z.string(), kind: z.enum(['customs', 'bank', 'enterprise']) }))
    .optional(),
  database: path,
  listen: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65535).optional(),
    })
    .optional(),
  tls: z.union([z.strictObject(pair), z.literal(false)], {
    error: 'certificate and privateKey of the HTTPS server, or false for plain HTTP',
  }),
  watch: z.boolean().optional(),
  limits: z
    .strictObject(
      Object.fromEntries(LIMIT_KEYS.map((k) => [k, z.number().positive().optional()])) as Record<
        LimitKey,
        z.ZodOptional<z.ZodNumber>
      >,
    )
    .optional(),
});

/** A checked config file, paths absolute. */
export interface FileConfig {
  /** The config file, absolute. */
  readonly file: string;
  readonly ledger: FileLedgerSettings;
  readonly database: string;
  readonly host?: string;
  readonly port?: number;
  /** HTTPS server pair; undefined for plain HTTP (`tls: false`). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly watch?: boolean;
  readonly limits: Readonly<Partial<Record<LimitKey, number>>>;
}

/** The text of a file, for a setting. @throws ConfigError CONFIG_FILE_MISSING */
function readFor(key: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      'CONFIG_FILE_MISSING',
      `${key}: cannot read ${file}; fix the path (relative paths are relative to the config file)`,
      key,
      file,
      { cause: err },
    );
  }
}

function requireDir(key: string, dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ConfigError(
      'CONFIG_FILE_MISSING',
      `${key}: ${dir} is not a directory; fix the path (relative paths are relative to the config file)`,
      key,
      dir,
    );
}

/** Checks that a PEM key belongs to its certificate. @throws ConfigError CONFIG_PEM_INVALID or CONFIG_KEY_MISMATCH */
function checkPair(key: string, certificate: string, privateKey: string, where: string): void {
  try {
    checkKeyPair(certificate, privateKey, `${where} certificate`, `${where} key`);
  } catch (err) {
    const mismatch = err instanceof ProfileError && err.code === 'KEY_MISMATCH';
    throw new ConfigError(
      mismatch ? 'CONFIG_KEY_MISMATCH' : 'CONFIG_PEM_INVALID',
      mismatch
        ? `${key}: the private key of ${where} does not belong to its certificate; name the key that was issued with it`
        : `${key}: ${where} is not a PEM certificate and private key`,
      key,
      where,
      { cause: err },
    );
  }
}

function checkFilePair(key: string, files: { certificate: string; privateKey: string }): void {
  const cert = readFor(`${key}.certificate`, files.certificate);
  const pkey = readFor(`${key}.privateKey`, files.privateKey);
  checkPair(key, cert, pkey, files.certificate);
}

/**
 * The configured organisations, checked as the chaincode checks its list.
 * @throws ConfigError CONFIG_INVALID
 */
function organizationsOf(raw: readonly PeerOrg[] | undefined, mspId: string): readonly PeerOrg[] {
  let orgs: readonly PeerOrg[];
  try {
    orgs = raw === undefined ? DEFAULT_PEER_ORGS : parsePeerOrgs(JSON.stringify(raw));
  } catch (err) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `organizations: ${(err as Error).message}; list every peer organisation of the channel as {msp, kind}`,
      'organizations',
      undefined,
      { cause: err },
    );
  }
  if (!orgs.some((o) => o.msp === mspId))
    throw new ConfigError(
      'CONFIG_INVALID',
      `organizations: the list does not include ${mspId}, the identity's organisation; add it`,
      'organizations',
    );
  return orgs;
}

/** Parses the text by the file's extension. @throws ConfigError CONFIG_SYNTAX */
function parseText(text: string, file: string): unknown {
  try {
    return extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parse(text);
  } catch (err) {
    throw new ConfigError(
      'CONFIG_SYNTAX',
      `${file} is not ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
      undefined,
      file,
      { cause: err },
    );
  }
}

/** Checks the shape. @throws ConfigError CONFIG_INVALID naming the first bad setting */
function checkShape(raw: unknown, file: string): z.infer<typeof schema> {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path.join('.') ?? '';
  const unknownKeys =
    issue?.code === 'unrecognized_keys' ? ` (unknown: ${issue.keys.join(', ')})` : '';
  throw new ConfigError(
    'CONFIG_INVALID',
    `${file}: ${key === '' ? 'top level' : key}: ${issue?.message ?? 'invalid'}${unknownKeys}`,
    key,
    file,
  );
}

/** Checks the users source. @throws ConfigError */
function checkUsers(users: FileLedgerSettings['users'], org: string): void {
  if (users === undefined) return;
  if ('wallet' in users) {
    requireDir('users.wallet', users.wallet);
    const labels = walletLabels(users.wallet, org);
    if (labels.length === 0)
      throw new ConfigError(
        'CONFIG_NO_IDENTITIES',
        `users.wallet: ${users.wallet} holds no identity ${org}:<user>; add one or fix the path`,
        'users.wallet',
        users.wallet,
      );
    for (const label of labels) {
      const p = walletPem(users.wallet, label);
      checkPair('users.wallet', p.certificate, p.privateKey, `${users.wallet}/${label}.id`);
    }
    return;
  }
  requireDir('users.dir', users.dir);
  let found;
  try {
    found = directoryUsers(users.dir, org);
  } catch (err) {
    throw new ConfigError(
      'CONFIG_FILE_MISSING',
      `users.dir: ${(err as Error).message}; each <user>@${org}/msp needs one file in signcerts/ and one in keystore/`,
      'users.dir',
      users.dir,
      { cause: err },
    );
  }
  if (found.length === 0)
    throw new ConfigError(
      'CONFIG_NO_IDENTITIES',
      `users.dir: ${users.dir} holds no <user>@${org} directory; export the users (swl network export) or fix the path`,
      'users.dir',
      users.dir,
    );
  for (const u of found) checkFilePair('users.dir', u);
}

/**
 * Reads and checks a config file: its shape, that every file it names
 * exists, that the profile is a connection profile with the identity's
 * organisation, and that every key belongs to its certificate.
 * @param file path of a `.yaml`/`.yml` or `.json` file
 * @returns the settings, every path absolute
 * @throws ConfigError with a {@link ConfigErrorCode} and the setting (`key`) to fix
 * @example
 * const config = loadConfigFile('export/enterprise/rest.yaml');
 */
export function loadConfigFile(file: string): FileConfig {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new ConfigError(
      'CONFIG_UNREADABLE',
      `cannot read the config file ${abs}`,
      undefined,
      abs,
      {
        cause: err,
      },
    );
  }
  const c = checkShape(parseText(text, abs), abs);
  const at = (p: string) => resolve(dirname(abs), p);
  const filePair = (p: { certificate: string; privateKey: string }) => ({
    certificate: at(p.certificate),
    privateKey: at(p.privateKey),
  });

  const profile = at(c.profile);
  let mspId: string;
  try {
    mspId = profileMspId(parseProfile(readFor('profile', profile), profile), profile, c.mspId);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      'CONFIG_PROFILE_INVALID',
      `profile: ${(err as Error).message}`,
      'profile',
      profile,
      { cause: err },
    );
  }
  const identity: ServiceSource =
    'wallet' in c.identity
      ? { wallet: at(c.identity.wallet), label: c.identity.label }
      : { ...filePair(c.identity), name: c.identity.name ?? 'service' };
  if ('wallet' in identity) {
    requireDir('identity.wallet', identity.wallet);
    let pem;
    try {
      pem = walletPem(identity.wallet, identity.label);
    } catch (err) {
      throw new ConfigError(
        'CONFIG_FILE_MISSING',
        `identity: ${(err as Error).message}`,
        'identity.label',
        identity.wallet,
        { cause: err },
      );
    }
    checkPair(
      'identity',
      pem.certificate,
      pem.privateKey,
      `${identity.wallet}/${identity.label}.id`,
    );
  } else checkFilePair('identity', identity);
  const tlsClient = c.tlsClient && filePair(c.tlsClient);
  if (tlsClient) checkFilePair('tlsClient', tlsClient);
  const users =
    c.users && ('dir' in c.users ? { dir: at(c.users.dir) } : { wallet: at(c.users.wallet) });
  checkUsers(users, c.org);
  const tls = c.tls === false ? undefined : filePair(c.tls);
  if (tls) checkFilePair('tls', tls);

  const ledger: FileLedgerSettings = {
    org: c.org,
    profile,
    mspId,
    channel: c.channel ?? 'tradechannel',
    chaincode: c.chaincode ?? 'swledger',
    ...(tlsClient ? { tlsClient } : {}),
    identity,
    ...(users ? { users } : {}),
    organizations: organizationsOf(c.organizations, mspId),
  };
  if (!serviceLabelOf(ledger).startsWith(`${c.org}:`))
    throw new ConfigError(
      'CONFIG_INVALID',
      `identity.label: '${serviceLabelOf(ledger)}' is not an identity of ${c.org}; use ${c.org}:<user>`,
      'identity.label',
      abs,
    );
  return {
    file: abs,
    ledger,
    database: at(c.database),
    host: c.listen?.host,
    port: c.listen?.port,
    tls: tls && { certFile: tls.certificate, keyFile: tls.privateKey },
    watch: c.watch,
    limits: c.limits ?? {},
  };
}
