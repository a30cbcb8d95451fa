import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { Layout, fabricHome } from './layout';
import {
  ensurePortsFree,
  httpsStatus,
  ProcessExitedError,
  run,
  startProcess,
  waitFor,
  runningPid,
} from './proc';
import { OrgSubject, PeerOrgSpec, UserSpec } from './topology';

/** SANs of certificates used on the root namespace's loopback only (REST services). */
const LOCAL_HOSTS = 'localhost,127.0.0.1';

/**
 * SANs of an organisation's node and client certificates: its host address
 * on an isolated network (peers, CLI and SDK dial it by address), else
 * `localhost` and `127.0.0.1`.
 */
export function certHosts(layout: Layout, orgKey: string): string {
  return layout.isolated ? layout.addressOf(orgKey) : LOCAL_HOSTS;
}

/** Label of a user's identity in the network's wallet: `<org>:<user>`. */
export function walletLabel(orgKey: string, user: string): string {
  return `${orgKey}:${user}`;
}

function bin(name: string): string {
  return join(fabricHome(), 'bin', name);
}

function caHome(layout: Layout, orgKey: string): string {
  return layout.path('ca', orgKey);
}

function caName(orgKey: string): string {
  return `ca-${orgKey}`;
}

function caPorts(layout: Layout, orgKey: string): { ca: number; caOperations: number } {
  return orgKey === layout.topology.ordererOrg.key
    ? layout.ordererCaPorts()
    : layout.peerPorts(layout.peerOrg(orgKey));
}

/** The organisation (orderer or peer org) a CA belongs to, as its certificates name it. */
function subjectOf(layout: Layout, orgKey: string): OrgSubject {
  const t = layout.topology;
  return orgKey === t.ordererOrg.key ? t.ordererOrg : layout.peerOrg(orgKey);
}

/**
 * fabric-ca-client's `--csr.names` value for an organisation: `C=<country>,O=<name>`.
 * The topology refuses names holding a comma or an equals sign, so the list splits as meant.
 */
export function csrNames(subject: OrgSubject): string {
  return `C=${subject.country},O=${subject.organization}`;
}

/**
 * A fabric-ca-server configuration file with its `csr.names` (the subject of
 * the CA's own certificate and of the TLS certificate it makes itself) set
 * to the organisation, instead of the template's `O=Hyperledger,
 * ST=North Carolina`; the rest of the file, comments included, is unchanged.
 * @throws Error when the text has no `csr` section
 */
export function withCsrNames(configYaml: string, subject: OrgSubject): string {
  const doc = parseDocument(configYaml);
  if (!doc.has('csr')) throw new Error('fabric-ca-server configuration has no csr section');
  doc.setIn(['csr', 'names'], [{ C: subject.country, O: subject.organization }]);
  return doc.toString();
}

/**
 * Writes the CA server's configuration file before its first start: the
 * template fabric-ca-server itself writes (`init` in a scratch home, whose
 * certificates are thrown away), with the organisation's subject. Without
 * this file the server writes the template and signs its certificate with
 * the template's subject.
 */
async function writeCaServerConfig(
  layout: Layout,
  orgKey: string,
  env: Readonly<Record<string, string>>,
): Promise<void> {
  const file = join(caHome(layout, orgKey), 'fabric-ca-server-config.yaml');
  if (existsSync(file)) return;
  const scratch = mkdtempSync(join(tmpdir(), 'swl-ca-init-'));
  try {
    await run(bin('fabric-ca-server'), ['init', '--home', scratch], env, scratch);
    const template = readFileSync(join(scratch, 'fabric-ca-server-config.yaml'), 'utf8');
    writeFileSync(file, withCsrNames(template, subjectOf(layout, orgKey)), { mode: 0o600 });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `netns` of a process spec: the organisation's namespace when isolated. */
export function netnsOption(layout: Layout, orgKey: string): { netns?: string } {
  const netns = layout.netnsOf(orgKey);
  return netns === undefined ? {} : { netns };
}

/** The CA's own certificate: the one root of its organisation (MSP and TLS). */
export function caCertFile(layout: Layout, orgKey: string): string {
  return join(caHome(layout, orgKey), 'ca-cert.pem');
}

function secretsFile(layout: Layout): string {
  return layout.path('secrets', 'enrolment.json');
}

/** Enrolment secrets of the instance, created once, readable by the owner only. */
function secret(layout: Layout, id: string): string {
  const file = secretsFile(layout);
  mkdirSync(layout.path('secrets'), { recursive: true, mode: 0o700 });
  const all: Record<string, string> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  let value = all[id];
  if (value === undefined) {
    value = randomBytes(18).toString('base64url');
    all[id] = value;
    writeFileSync(file, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
  }
  return value;
}

/** Starts (or finds running) the CA server of one organisation and waits until it answers. */
export async function startCa(
  layout: Layout,
  orgKey: string,
  progress: (line: string) => void = () => undefined,
): Promise<void> {
  try {
    await startCaOnce(layout, orgKey);
  } catch (err) {
    // `up` restarts whatever is missing; a CA that died while starting is started once more here.
    if (!(err instanceof ProcessExitedError)) throw err;
    progress(`warning: ${err.message.replace(/\s*\n\s*/g, ' | ')}; starting it once more`);
    await startCaOnce(layout, orgKey);
  }
}

async function startCaOnce(layout: Layout, orgKey: string): Promise<void> {
  const name = `ca-${orgKey}`;
  const ports = caPorts(layout, orgKey);
  const home = caHome(layout, orgKey);
  const bind = layout.bindOf(orgKey);
  if (runningPid(layout, name) === undefined) {
    // An isolated organisation's ports are on its own host, which only this network uses.
    if (!layout.isolated)
      await ensurePortsFree(name, { CA: ports.ca, 'CA operations': ports.caOperations });
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const env = {
      // The bootstrap identity (`-b`) through the environment: not visible in the process list.
      FABRIC_CA_SERVER_BOOT: `registrar:${secret(layout, `${orgKey}/registrar`)}`,
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `${bind}:${ports.caOperations}`,
      FABRIC_CA_SERVER_METRICS_PROVIDER: 'disabled',
    };
    await writeCaServerConfig(layout, orgKey, env);
    startProcess(layout, {
      name,
      command: bin('fabric-ca-server'),
      args: [
        'start',
        '--home',
        home,
        '--address',
        bind,
        '--port',
        String(ports.ca),
        '--ca.name',
        caName(orgKey),
        '--csr.cn',
        `ca.${orgKey}.swledger`,
        '--csr.hosts',
        certHosts(layout, orgKey),
        '--tls.enabled',
      ],
      env,
      cwd: home,
      ...netnsOption(layout, orgKey),
    });
  }
  await waitFor(
    `${name} on port ${ports.ca} (log: ${layout.logFile(name)})`,
    async () =>
      existsSync(caCertFile(layout, orgKey)) &&
      (await httpsStatus(
        `https://${layout.hostOf(orgKey)}:${ports.ca}/cainfo`,
        readFileSync(caCertFile(layout, orgKey), 'utf8'),
      )) === 200,
    30_000,
    250,
    { layout, name },
  );
  // A network enrolled before mutual TLS lacks its organisations' client TLS
  // certificates; its peers now require one, so enrol it while the CA is up.
  if (orgKey !== layout.topology.ordererOrg.key && new CaClient(layout, orgKey).enrolled())
    await ensureClientTls(layout, layout.peerOrg(orgKey));
}

interface Registration {
  readonly id: string;
  readonly type: 'peer' | 'orderer' | 'admin' | 'client';
  readonly attrs?: string;
}

class CaClient {
  private readonly home: string;
  private readonly url: string;

  constructor(
    private readonly layout: Layout,
    private readonly orgKey: string,
  ) {
    this.home = layout.path('ca-clients', orgKey);
    this.url = `${layout.hostOf(orgKey)}:${caPorts(layout, orgKey).ca}`;
  }

  private common(): string[] {
    return [
      '--tls.certfiles',
      caCertFile(this.layout, this.orgKey),
      '--caname',
      caName(this.orgKey),
    ];
  }

  /** Subject fields of every certificate requested: the organisation, not the client's template. */
  private names(): string[] {
    return ['--csr.names', csrNames(subjectOf(this.layout, this.orgKey))];
  }

  private env(): Record<string, string> {
    return { FABRIC_CA_CLIENT_HOME: this.home };
  }

  /** Whether the registrar was enrolled (the organisation's crypto material was made). */
  enrolled(): boolean {
    return existsSync(join(this.home, 'msp', 'signcerts', 'cert.pem'));
  }

  async enrollRegistrar(): Promise<void> {
    if (this.enrolled()) return;
    mkdirSync(this.home, { recursive: true, mode: 0o700 });
    const pw = secret(this.layout, `${this.orgKey}/registrar`);
    // Secrets go through the environment (FABRIC_CA_CLIENT_URL, …_ID_SECRET), never argv.
    await run(bin('fabric-ca-client'), ['enroll', ...this.names(), ...this.common()], {
      ...this.env(),
      FABRIC_CA_CLIENT_URL: `https://registrar:${pw}@${this.url}`,
    });
  }

  async register(reg: Registration): Promise<string> {
    const pw = secret(this.layout, `${this.orgKey}/${reg.id}`);
    const args = [
      'register',
      '-u',
      `https://${this.url}`,
      '--id.name',
      reg.id,
      '--id.type',
      reg.type,
      ...this.common(),
    ];
    if (reg.attrs) args.push('--id.attrs', reg.attrs);
    try {
      await run(bin('fabric-ca-client'), args, { ...this.env(), FABRIC_CA_CLIENT_ID_SECRET: pw });
    } catch (err) {
      if (!String(err).includes('already registered')) throw err;
    }
    return pw;
  }

  /** Enrols an identity into `dir` (an MSP dir, or a TLS dir with `tls`), with SANs `hosts`. */
  async enroll(
    id: string,
    dir: string,
    tls: boolean,
    hosts = certHosts(this.layout, this.orgKey),
  ): Promise<void> {
    const pw = secret(this.layout, `${this.orgKey}/${id}`);
    const args = ['enroll', '-M', dir, '--csr.hosts', hosts, ...this.names(), ...this.common()];
    if (tls) args.push('--enrollment.profile', 'tls');
    rmSync(dir, { recursive: true, force: true });
    await run(bin('fabric-ca-client'), args, {
      ...this.env(),
      FABRIC_CA_CLIENT_URL: `https://${id}:${pw}@${this.url}`,
    });
    normalise(dir, tls);
  }
}

function onlyFile(dir: string): string {
  const files = readdirSync(dir);
  if (files.length !== 1 || files[0] === undefined)
    throw new Error(`expected one file in ${dir}, found ${files.length}`);
  return join(dir, files[0]);
}

/** Gives enrolment output stable names: cacerts/ca.pem, keystore/key.pem; TLS: server.crt/key, ca.crt. */
function normalise(dir: string, tls: boolean): void {
  const key = onlyFile(join(dir, 'keystore'));
  if (tls) {
    copyFileSync(join(dir, 'signcerts', 'cert.pem'), join(dir, 'server.crt'));
    copyFileSync(key, join(dir, 'server.key'));
    copyFileSync(onlyFile(join(dir, 'tlscacerts')), join(dir, 'ca.crt'));
    chmodSync(join(dir, 'server.key'), 0o600);
    return;
  }
  renameSync(key, join(dir, 'keystore', 'key.pem'));
  renameSync(onlyFile(join(dir, 'cacerts')), join(dir, 'cacerts', 'ca.pem'));
  writeNodeOus(dir);
}

function writeNodeOus(mspDir: string): void {
  const ou = (name: string) =>
    `    Certificate: cacerts/ca.pem\n    OrganizationalUnitIdentifier: ${name}\n`;
  writeFileSync(
    join(mspDir, 'config.yaml'),
    'NodeOUs:\n  Enable: true\n' +
      `  ClientOUIdentifier:\n${ou('client')}` +
      `  PeerOUIdentifier:\n${ou('peer')}` +
      `  AdminOUIdentifier:\n${ou('admin')}` +
      `  OrdererOUIdentifier:\n${ou('orderer')}`,
  );
}

/** The organisation MSP that goes into the channel configuration: root and TLS root, NodeOUs. */
function writeOrgMsp(layout: Layout, orgKey: string): void {
  const msp = layout.orgMspDir(orgKey);
  for (const sub of ['cacerts', 'tlscacerts']) {
    mkdirSync(join(msp, sub), { recursive: true });
    copyFileSync(caCertFile(layout, orgKey), join(msp, sub, 'ca.pem'));
  }
  writeNodeOus(msp);
}

function userAttrs(user: UserSpec): string {
  const attrs = [`swl.role=${user.role}:ecert`];
  if (user.entity) attrs.push(`swl.entity=${user.entity}:ecert`);
  return attrs.join(',');
}

/** Writes a fabric-network wallet entry (X.509 identity), readable by the owner only. */
function writeWalletIdentity(layout: Layout, label: string, mspId: string, mspDir: string): void {
  writeWalletPem(
    layout,
    label,
    mspId,
    readFileSync(join(mspDir, 'signcerts', 'cert.pem'), 'utf8'),
    readFileSync(join(mspDir, 'keystore', 'key.pem'), 'utf8'),
  );
}

function writeWalletPem(
  layout: Layout,
  label: string,
  mspId: string,
  certificate: string,
  privateKey: string,
): void {
  const wallet = layout.walletDir();
  mkdirSync(wallet, { recursive: true, mode: 0o700 });
  const identity = {
    credentials: { certificate, privateKey },
    mspId,
    type: 'X.509',
    version: 1,
  };
  writeFileSync(join(wallet, `${label}.id`), JSON.stringify(identity), { mode: 0o600 });
}

/** Registers and enrols the orderer organisation: its orderers (MSP + TLS) and admin. */
export async function enrollOrdererOrg(layout: Layout): Promise<void> {
  const key = layout.topology.ordererOrg.key;
  const ca = new CaClient(layout, key);
  await ca.enrollRegistrar();
  writeOrgMsp(layout, key);
  for (const node of layout.ordererNames()) {
    await ca.register({ id: node, type: 'orderer' });
    await ca.enroll(node, join(layout.nodeDir(key, node), 'msp'), false);
    await ca.enroll(node, join(layout.nodeDir(key, node), 'tls'), true);
  }
  await ca.register({ id: 'admin', type: 'admin' });
  await ca.enroll('admin', layout.adminMspDir(key), false);
  await ca.enroll('admin', join(layout.orgDir(key), 'admin', 'tls'), true);
}

/** Registers and enrols a peer organisation: peer, admin, chaincode server TLS and its users with attributes. */
export async function enrollPeerOrg(layout: Layout, org: PeerOrgSpec): Promise<void> {
  const ca = new CaClient(layout, org.key);
  await ca.enrollRegistrar();
  writeOrgMsp(layout, org.key);
  await ca.register({ id: 'peer0', type: 'peer' });
  await ca.enroll('peer0', join(layout.nodeDir(org.key, 'peer0'), 'msp'), false);
  await ca.enroll('peer0', join(layout.nodeDir(org.key, 'peer0'), 'tls'), true);
  // The org admin may register and revoke the org's users (swl.* attributes), as an org admin would.
  await ca.register({
    id: 'admin',
    type: 'admin',
    attrs: 'hf.Registrar.Roles=client,hf.Registrar.Attributes=swl.*,hf.Revoker=true,hf.GenCRL=true',
  });
  await ca.enroll('admin', layout.adminMspDir(org.key), false);
  writeWalletIdentity(
    layout,
    walletLabel(org.key, 'admin'),
    org.mspId,
    layout.adminMspDir(org.key),
  );
  await ca.register({ id: 'ccserver', type: 'client' });
  await ca.enroll('ccserver', join(layout.nodeDir(org.key, 'ccserver'), 'tls'), true);
  await ensureClientTls(layout, org);
  await enrollRestTls(layout, org);
  for (const user of org.users) {
    await enrollUser(layout, org, user);
  }
  chmodSync(layout.orgDir(org.key), 0o700);
}

/** Registers (if new) and enrols one user with its role attributes; writes its wallet entry. */
export async function enrollUser(layout: Layout, org: PeerOrgSpec, user: UserSpec): Promise<void> {
  const ca = new CaClient(layout, org.key);
  await ca.enrollRegistrar();
  await ca.register({ id: user.name, type: 'client', attrs: userAttrs(user) });
  const dir = join(layout.orgDir(org.key), 'users', user.name, 'msp');
  await ca.enroll(user.name, dir, false);
  writeWalletIdentity(layout, walletLabel(org.key, user.name), org.mspId, dir);
}

/** TLS directory of an organisation's REST service (server.crt, server.key, ca.crt). */
export function restTlsDir(layout: Layout, orgKey: string): string {
  return join(layout.nodeDir(orgKey, 'rest'), 'tls');
}

/**
 * Registers (if new) and enrols the TLS certificate of the organisation's
 * REST service from its CA (SANs localhost, 127.0.0.1). The CA must be running.
 */
export async function enrollRestTls(layout: Layout, org: PeerOrgSpec): Promise<void> {
  const ca = new CaClient(layout, org.key);
  await ca.enrollRegistrar();
  await ca.register({ id: 'rest', type: 'client' });
  // REST services run beside the CLI, on the root namespace's loopback, isolated network or not.
  await ca.enroll('rest', restTlsDir(layout, org.key), true, LOCAL_HOSTS);
}

/** A TLS key pair and the root that verifies the other side. */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/** CA identity of an organisation's client TLS certificate (a dot: no user can take the name). */
const CLIENT_TLS_ID = 'tls.client';

/**
 * Wallet label of an organisation's TLS client identity, `<org>.tls` (user
 * labels always hold a colon, so it never names a user).
 */
export function clientTlsLabel(orgKey: string): string {
  return `${orgKey}.tls`;
}

function clientTlsDir(layout: Layout, orgKey: string): string {
  return join(layout.orgDir(orgKey), 'client', 'tls');
}

/**
 * The TLS client certificate an organisation's client side presents to
 * peers and orderers (mutual TLS): one per organisation, shared by its
 * admin, its users, the peer CLI, `discover`, the SDK and the REST service.
 * For the orderer organisation, its admin's TLS pair (osnadmin, /metrics).
 * Undefined when the network was made before mutual TLS and not restarted since.
 */
export function clientTls(layout: Layout, orgKey: string): TlsFiles | undefined {
  const files: TlsFiles =
    orgKey === layout.topology.ordererOrg.key
      ? {
          cert: join(layout.orgDir(orgKey), 'admin', 'tls', 'server.crt'),
          key: join(layout.orgDir(orgKey), 'admin', 'tls', 'server.key'),
          ca: layout.orgCaCert(orgKey),
        }
      : {
          cert: join(clientTlsDir(layout, orgKey), 'client.crt'),
          key: join(clientTlsDir(layout, orgKey), 'client.key'),
          ca: layout.orgCaCert(orgKey),
        };
  return existsSync(files.cert) && existsSync(files.key) ? files : undefined;
}

/**
 * Registers (if new) and enrols the organisation's TLS client certificate
 * (TLS profile: client-auth usage, SANs localhost, 127.0.0.1) into
 * `orgs/<org>/client/tls/client.{crt,key}` and the wallet as `<org>.tls`,
 * unless it exists. The CA must be running.
 */
export async function ensureClientTls(layout: Layout, org: PeerOrgSpec): Promise<void> {
  if (clientTls(layout, org.key) !== undefined) return;
  const ca = new CaClient(layout, org.key);
  await ca.enrollRegistrar();
  await ca.register({ id: CLIENT_TLS_ID, type: 'client' });
  const dir = clientTlsDir(layout, org.key);
  await ca.enroll(CLIENT_TLS_ID, dir, true);
  renameSync(join(dir, 'server.key'), join(dir, 'client.key'));
  renameSync(join(dir, 'server.crt'), join(dir, 'client.crt'));
  writeWalletPem(
    layout,
    clientTlsLabel(org.key),
    org.mspId,
    readFileSync(join(dir, 'client.crt'), 'utf8'),
    readFileSync(join(dir, 'client.key'), 'utf8'),
  );
}
