/**
 * `swl network export`: what a Fabric administrator hands an organisation's
 * developers — its connection profile and identity files in the MSP layout —
 * written from a local network.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { clientTls, restTlsDir } from './crypto';
import { Layout } from './layout';
import { ConnectionProfile, connectionProfile } from './profile';

/** Formats of the exported connection profile. */
export type ProfileFormat = 'json' | 'yaml';

/** A certificate and its private key (PEM). */
export interface PemPair {
  readonly certificate: string;
  readonly privateKey: string;
}

/** One user of the organisation, as the wallet holds it. */
export interface ExportUser extends PemPair {
  /** User name (the part of the wallet label after `<org>:`). */
  readonly name: string;
}

/** Everything an export writes, read beforehand. */
export interface ExportInput {
  /** Organisation key (`enterprise`): names the directories. */
  readonly orgKey: string;
  readonly profile: ConnectionProfile;
  /** PEM of the organisation's CA (MSP root, and the CA of its TLS certificates). */
  readonly caCert: string;
  readonly users: readonly ExportUser[];
  /** The organisation's mutual-TLS client pair; absent on a network made before mutual TLS. */
  readonly tls?: PemPair;
  readonly formats: readonly ProfileFormat[];
  /** Settings of a `rest.yaml` for `swl serve --config`; absent: none is written. */
  readonly rest?: RestExport;
}

/** What the exported `rest.yaml` says beyond the exported files. */
export interface RestExport {
  readonly channel: string;
  readonly chaincode: string;
  /** The exported user the service acts as for anonymous verification and the watch. */
  readonly serviceUser: string;
  /** Every peer organisation of the channel. */
  readonly organizations: readonly { readonly msp: string; readonly kind: string }[];
  readonly port: number;
  /** The service's HTTPS pair; absent: `tls: false`. */
  readonly serverTls?: PemPair;
}

/** File name of the exported REST config. */
export const REST_CONFIG_FILE = 'rest.yaml';

/** A file to write, relative to the export directory. */
export interface ExportFile {
  readonly path: string;
  readonly content: string;
  /** 0o600 for private keys, 0o644 otherwise. */
  readonly mode: number;
}

/** Options of {@link exportOrg}. */
export interface ExportOptions {
  /** Directory that receives `<org>/…`. */
  readonly out: string;
  /** User names to export. Default: every user of the organisation in the wallet. */
  readonly users?: readonly string[];
  /** Profile formats. Default `['json']`. */
  readonly formats?: readonly ProfileFormat[];
  /** Write into an existing non-empty `<out>/<org>` directory. */
  readonly force?: boolean;
  readonly progress?: (line: string) => void;
}

/** What {@link exportOrg} wrote. */
export interface ExportResult {
  /** `<out>/<org>`, absolute. */
  readonly dir: string;
  /** Absolute paths of the connection profiles written. */
  readonly profiles: readonly string[];
  readonly users: readonly string[];
  readonly files: readonly string[];
}

/**
 * The profile as handed out: swledger's wallet-label extension
 * (`client.clientTlsIdentity`) removed, since the receiver has no wallet.
 */
export function portableProfile(profile: ConnectionProfile): ConnectionProfile {
  return { ...profile, client: { organization: profile.client.organization } };
}

/** The files of an export, in the usual Fabric MSP layout (pure). */
export function exportFiles(input: ExportInput): ExportFile[] {
  const org = input.orgKey;
  const pub = (path: string, content: string): ExportFile => ({ path, content, mode: 0o644 });
  const secret = (path: string, content: string): ExportFile => ({ path, content, mode: 0o600 });
  const profile = portableProfile(input.profile);
  const files: ExportFile[] = input.formats.map((format) =>
    pub(
      join(org, `connection-${org}.${format}`),
      format === 'json' ? `${JSON.stringify(profile, null, 2)}\n` : stringify(profile),
    ),
  );
  for (const user of input.users) {
    const msp = join(org, 'users', `${user.name}@${org}`, 'msp');
    files.push(
      pub(join(msp, 'signcerts', 'cert.pem'), user.certificate),
      secret(join(msp, 'keystore', 'key.pem'), user.privateKey),
      pub(join(msp, 'cacerts', 'ca.pem'), input.caCert),
    );
  }
  if (input.tls) {
    files.push(
      pub(join(org, 'tls', 'client.crt'), input.tls.certificate),
      secret(join(org, 'tls', 'client.key'), input.tls.privateKey),
      pub(join(org, 'tls', 'ca.crt'), input.caCert),
    );
  }
  if (input.rest) files.push(...restFiles(input, input.rest));
  return files;
}

/** `rest.yaml` and the service's HTTPS pair: every path relative to the export directory. */
function restFiles(input: ExportInput, rest: RestExport): ExportFile[] {
  const org = input.orgKey;
  const msp = `users/${rest.serviceUser}@${org}/msp`;
  const files: ExportFile[] = [];
  if (rest.serverTls)
    files.push(
      {
        path: join(org, 'rest', 'tls', 'server.crt'),
        content: rest.serverTls.certificate,
        mode: 0o644,
      },
      {
        path: join(org, 'rest', 'tls', 'server.key'),
        content: rest.serverTls.privateKey,
        mode: 0o600,
      },
      { path: join(org, 'rest', 'tls', 'ca.crt'), content: input.caCert, mode: 0o644 },
    );
  const config = {
    org,
    profile: `connection-${org}.${input.formats.includes('yaml') ? 'yaml' : 'json'}`,
    channel: rest.channel,
    chaincode: rest.chaincode,
    ...(input.tls
      ? { tlsClient: { certificate: 'tls/client.crt', privateKey: 'tls/client.key' } }
      : {}),
    identity: {
      certificate: `${msp}/signcerts/cert.pem`,
      privateKey: `${msp}/keystore/key.pem`,
      name: rest.serviceUser,
    },
    users: { dir: 'users' },
    organizations: rest.organizations.map((o) => ({ msp: o.msp, kind: o.kind })),
    database: 'rest.sqlite',
    listen: { host: '127.0.0.1', port: rest.port },
    tls: rest.serverTls
      ? { certificate: 'rest/tls/server.crt', privateKey: 'rest/tls/server.key' }
      : false,
    watch: true,
  };
  const header = [
    `# The REST service of ${org}: swl serve --config ${REST_CONFIG_FILE}`,
    '# Relative paths are relative to this file. Flags, then SWL_REST_* variables, override it.',
    `# A token for a user: swl user token create ${org}:<user> --config ${REST_CONFIG_FILE}`,
    '',
  ].join('\n');
  files.push({
    path: join(org, REST_CONFIG_FILE),
    content: header + stringify(config),
    mode: 0o644,
  });
  return files;
}

/**
 * Reads a fabric-network file-system wallet entry (`<wallet>/<label>.id`).
 * @throws Error when the wallet has no such entry, or it holds no X.509 pair
 */
export function readWalletPair(walletDir: string, label: string): PemPair {
  let raw: string;
  try {
    raw = readFileSync(join(walletDir, `${label}.id`), 'utf8');
  } catch {
    throw new Error(`identity '${label}' is not in the wallet ${walletDir}`);
  }
  const id = JSON.parse(raw) as { credentials?: { certificate?: unknown; privateKey?: unknown } };
  const { certificate, privateKey } = id.credentials ?? {};
  if (typeof certificate !== 'string' || typeof privateKey !== 'string')
    throw new Error(`wallet entry '${label}' has no certificate and private key`);
  return { certificate, privateKey };
}

/** User names of an organisation in a wallet (labels `<org>:<user>`), sorted. */
export function walletUsers(walletDir: string, orgKey: string): string[] {
  const prefix = `${orgKey}:`;
  if (!existsSync(walletDir)) return [];
  return readdirSync(walletDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.id'))
    .map((f) => f.slice(prefix.length, -'.id'.length))
    .sort();
}

function chosenUsers(known: readonly string[], wanted: readonly string[] | undefined): string[] {
  if (wanted === undefined || wanted.length === 0) return [...known];
  const unknown = wanted.filter((u) => !known.includes(u));
  if (unknown.length > 0)
    throw new Error(
      `unknown user${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${known.join(', ')})`,
    );
  return [...new Set(wanted)];
}

/** Reads what an export of `orgKey` needs from a local network. @throws Error on an unknown organisation or user */
export function exportInput(
  layout: Layout,
  orgKey: string,
  users: readonly string[] | undefined,
  formats: readonly ProfileFormat[],
): ExportInput {
  const org = layout.peerOrg(orgKey);
  const wallet = layout.walletDir();
  const names = chosenUsers(walletUsers(wallet, org.key), users);
  const tls = clientTls(layout, org.key);
  const serviceUser = 'verifier';
  const serverTls = join(restTlsDir(layout, org.key), 'server');
  const rest: RestExport | undefined = names.includes(serviceUser)
    ? {
        channel: layout.channel,
        chaincode: layout.topology.chaincode.name,
        serviceUser,
        organizations: layout.topology.peerOrgs.map((o) => ({ msp: o.mspId, kind: o.kind })),
        port: layout.peerPorts(org).rest,
        ...(existsSync(`${serverTls}.crt`)
          ? {
              serverTls: {
                certificate: readFileSync(`${serverTls}.crt`, 'utf8'),
                privateKey: readFileSync(`${serverTls}.key`, 'utf8'),
              },
            }
          : {}),
      }
    : undefined;
  return {
    orgKey: org.key,
    profile: connectionProfile(layout, org.key),
    caCert: readFileSync(layout.orgCaCert(org.key), 'utf8'),
    users: names.map((name) => ({ name, ...readWalletPair(wallet, `${org.key}:${name}`) })),
    ...(tls
      ? {
          tls: {
            certificate: readFileSync(tls.cert, 'utf8'),
            privateKey: readFileSync(tls.key, 'utf8'),
          },
        }
      : {}),
    formats,
    ...(rest ? { rest } : {}),
  };
}

/**
 * Writes an organisation's connection profile and identity files to `<out>/<org>/`.
 * @throws Error on an unknown organisation or user, or when `<out>/<org>` exists, is not empty, and `force` is not set
 */
export function exportOrg(layout: Layout, orgKey: string, opts: ExportOptions): ExportResult {
  const progress = opts.progress ?? (() => undefined);
  const input = exportInput(layout, orgKey, opts.users, opts.formats ?? ['json']);
  const dir = resolve(opts.out, input.orgKey);
  if (existsSync(dir) && readdirSync(dir).length > 0 && opts.force !== true)
    throw new Error(`${dir} exists and is not empty: choose another --out, or pass --force`);
  if (!input.tls)
    progress(
      `warning: ${input.orgKey} has no mutual-TLS client pair yet (restart the network with 'swl network up'); peers will refuse clients without one`,
    );
  const files = exportFiles(input);
  for (const file of files) {
    const path = resolve(opts.out, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content, { mode: file.mode });
    chmodSync(path, file.mode);
  }
  const profiles = files
    .filter((f) => /connection-[^/]+\.(json|yaml)$/.test(f.path))
    .map((f) => resolve(opts.out, f.path));
  for (const p of profiles) progress(`connection profile: ${p}`);
  for (const u of input.users)
    progress(
      `identity ${u.name}@${input.orgKey}: ${join(dir, 'users', `${u.name}@${input.orgKey}`, 'msp')}`,
    );
  if (input.tls) progress(`mutual-TLS client pair: ${join(dir, 'tls')}`);
  if (input.rest) progress(`REST service config: ${join(dir, REST_CONFIG_FILE)}`);
  else progress(`no ${REST_CONFIG_FILE}: it needs the user verifier among the exported users`);
  return {
    dir,
    profiles,
    users: input.users.map((u) => u.name),
    files: files.map((f) => resolve(opts.out, f.path)),
  };
}
