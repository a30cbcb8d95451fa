import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localEnterpriseSigner } from '@swledger/devnet/enterprisekeys';
import { exportOrg } from '@swledger/devnet/export';
import { leftovers } from '@swledger/devnet/isolate';
import { Layout, REPO_ROOT } from '@swledger/devnet/layout';
import { down, up } from '@swledger/devnet/network';
import { runningPid } from '@swledger/devnet/proc';
import { ConnectionProfile } from '@swledger/devnet/profile';
import { ProfileOptions, SwlClient } from '@swledger/sdk';
import { connectLocal } from '@swledger/devnet/client';
import { ALPHA, invoice, newFile } from '../integration/fixtures';
import { closeQuietly, freshNetwork, kill9, log, purgeNetwork } from './support';

const NAME = 'faults-iso';
/** A host network of its own, so a `dev` network started with --isolate may run beside it. */
const HOST_NETWORK = '10.77.26.0/24';
/** One host named by the topology; the others take the default addresses. */
const BANKB_HOST = '10.77.26.113';

/** network/topology.json on the scenario's host network, Bank B's host given explicitly. */
function topologyFile(dir: string): string {
  const topology = JSON.parse(
    readFileSync(join(REPO_ROOT, 'network', 'topology.json'), 'utf8'),
  ) as { hostNetwork?: string; peerOrgs: { key: string; host?: string }[] };
  topology.hostNetwork = HOST_NETWORK;
  const bankb = topology.peerOrgs.find((o) => o.key === 'bankb');
  if (!bankb) throw new Error('the topology has no bankb');
  bankb.host = BANKB_HOST;
  const file = join(dir, 'topology.json');
  writeFileSync(file, JSON.stringify(topology, null, 2));
  return file;
}

/** Whether this process may create network namespaces (root with `ip`). */
function canIsolate(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Inode of a network namespace: equal inodes, same namespace. */
function netnsInode(path: string): number {
  return statSync(path).ino;
}

/** How a TCP connection to host:port ends: 'connected' or the error code. */
function dial(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.once('timeout', () => {
      socket.destroy();
      resolve('TIMEOUT');
    });
  });
}

/** Local addresses of the TCP listeners inside a namespace. */
function listenersIn(netns: string): string[] {
  const out = execFileSync('ip', ['netns', 'exec', netns, 'ss', '-ltnH'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/)[3] ?? '');
}

/** What an organisation's developers get: `swl network export` of one user. */
function exported(layout: Layout, out: string, org: string, user: string): ProfileOptions {
  const res = exportOrg(layout, org, { out, users: [user] });
  const msp = join(res.dir, 'users', `${user}@${org}`, 'msp');
  return {
    profile: join(res.dir, `connection-${org}.json`),
    certificate: join(msp, 'signcerts', 'cert.pem'),
    privateKey: join(msp, 'keystore', 'key.pem'),
    tlsClientCertificate: join(res.dir, 'tls', 'client.crt'),
    tlsClientKey: join(res.dir, 'tls', 'client.key'),
    commitScope: 'network',
  };
}

describe('isolated hosts: each organisation in its own network namespace, nothing on localhost', function () {
  this.timeout(10 * 60_000);
  let layout: Layout;
  let out: string;

  before(async function () {
    if (!canIsolate()) {
      log('skipped: network namespaces need root and `ip`');
      this.skip();
    }
    out = mkdtempSync(join(tmpdir(), 'swl-iso-'));
    layout = await freshNetwork({
      name: NAME,
      portBase: 26000,
      isolate: true,
      topologyFile: topologyFile(out),
    });
  });
  after(async () => {
    if (out) rmSync(out, { recursive: true, force: true });
    if (canIsolate()) await purgeNetwork(NAME);
  });

  it("runs every organisation's CA, peer, chaincode server and orderer in that organisation's namespace", () => {
    const t = layout.topology;
    const procs: [string, string][] = [
      [`ca-${t.ordererOrg.key}`, t.ordererOrg.key],
      ['orderer0', t.ordererOrg.key],
      ...t.peerOrgs.flatMap((o): [string, string][] => [
        [`ca-${o.key}`, o.key],
        [`peer0-${o.key}`, o.key],
        [`cc-${o.key}`, o.key],
      ]),
    ];
    const root = netnsInode('/proc/self/ns/net');

    const placed = procs.map(([proc, org]) => {
      const pid = runningPid(layout, proc);
      const ns = netnsInode(`/proc/${pid ?? 'none'}/ns/net`);
      return {
        proc,
        own: ns === netnsInode(`/run/netns/${layout.netnsOf(org) ?? ''}`),
        root: ns === root,
      };
    });

    expect(placed.filter((p) => !p.own || p.root)).to.deep.equal([]);
    expect(new Set(procs.map(([, org]) => layout.netnsOf(org))).size).to.equal(
      t.peerOrgs.length + 1,
    );
  });

  it('listens only on the host address: a peer is refused on 127.0.0.1 and answers on its address', async () => {
    const banka = layout.peerOrg('banka');
    const port = layout.peerPorts(banka).peer;
    const address = layout.addressOf('banka');

    const onLoopback = await dial('127.0.0.1', port);
    const onHost = await dial(address, port);
    const listening = listenersIn(layout.netnsOf('banka')!);

    expect(onLoopback).to.equal('ECONNREFUSED');
    expect(onHost).to.equal('connected');
    expect(listening.length).to.be.greaterThan(4);
    expect(listening.filter((l) => !l.startsWith(`${address}:`))).to.deep.equal([]);
  });

  it('names each host by its address in TLS certificates and in exported profiles, never localhost', () => {
    const profileFile = exported(layout, join(out, 'names'), 'customs', 'verifier').profile;
    const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as ConnectionProfile;
    const peerTls = new X509Certificate(
      readFileSync(join(layout.nodeDir('bankb', 'peer0'), 'tls', 'server.crt')),
    );

    const urls = Object.values(profile.peers).map((p) => p.url);

    expect(layout.addressOf('bankb')).to.equal(BANKB_HOST);
    expect(layout.addressOf('customs')).to.equal('10.77.26.11');
    expect(peerTls.subjectAltName).to.equal(`IP Address:${BANKB_HOST}`);
    expect(urls).to.include(
      `grpcs://${layout.addressOf('customs')}:${layout.peerPorts(layout.peerOrg('customs')).peer}`,
    );
    expect(JSON.stringify(profile)).not.to.match(/localhost|127\.0\.0\.1/);
  });

  it("registers as an enterprise user through its organisation's profile and verifies it, provenance VALID, from a Bank A profile", async () => {
    const alphaOpts = exported(layout, join(out, 'enterprise'), 'enterprise', 'alpha');
    const verifierOpts = exported(layout, join(out, 'banka'), 'banka', 'verifier');
    const file = newFile('iso');
    let alpha: SwlClient | undefined;
    let verifier: SwlClient | undefined;
    try {
      // The enterprise signs with its own key (the network's local keystore), as any enterprise client must.
      const signer = await localEnterpriseSigner(layout, 'alpha');
      if (signer === undefined) throw new Error('the network has no keystore for alpha');
      alpha = await SwlClient.fromProfile({
        ...alphaOpts,
        enterpriseSigning: { signer, entity: ALPHA },
      });
      verifier = await SwlClient.fromProfile(verifierOpts);

      const registered = await alpha.documents.register(invoice(ALPHA), { buffer: file.buffer });
      const v = await verifier.verifier.verify({ buffer: file.buffer });

      expect(verifier.mspId).to.equal('BankAMSP');
      expect(v.verdict).to.equal('VALID', JSON.stringify(v.provenance));
      expect(v.provenance.result).to.equal('VALID');
      expect(v.issuer.msp).to.equal('EnterpriseMSP');
      expect(v.issuer.transactionId).to.equal(registered.transactionId);
    } finally {
      closeQuietly(alpha, verifier);
    }
  });

  it('cleans what a crashed run left at the next up, and the restarted network answers', async () => {
    const procs = [...layout.processNames(), ...layout.topology.peerOrgs.map((o) => `cc-${o.key}`)];
    for (const proc of procs) if (runningPid(layout, proc) !== undefined) await kill9(layout, proc);
    const left = await leftovers(NAME);
    const lines: string[] = [];

    const res = await up({ name: NAME, progress: (l) => lines.push(l) });
    const client = await connectLocal({ as: 'customs:officer1', network: NAME });
    let ping: unknown;
    try {
      ping = await client.system.ping();
    } finally {
      client.close();
    }

    expect(left.netns).to.have.length(layout.topology.peerOrgs.length + 1);
    expect(lines.find((l) => l.startsWith('removed what an earlier run left'))).to.include(
      `swl-${NAME}-customs`,
    );
    expect(res.alreadyRunning).to.equal(false);
    expect(ping).to.be.an('object');
  });

  it('down removes every namespace, veth and the bridge', async () => {
    await down({ name: NAME });

    const left = await leftovers(NAME);

    expect(left).to.deep.equal({ netns: [], links: [] });
  });
});
