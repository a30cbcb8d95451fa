import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Layout, resolveLayout } from './layout';
import { chaincodeClientAuth, chaincodeServerEnv, packageId } from './chaincode';
import { inHost } from './isolate';
import { PeerOrgSpec } from './topology';

/**
 * The chaincode supervisor: runs one chaincode server per organisation
 * (fabric-chaincode-node server over mutual TLS) and restarts any that exits,
 * with a short back-off. Started detached by `swl network up`; stopped by
 * SIGTERM, which stops its servers too.
 *
 * Usage: node supervisor.js <network name>
 */
class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly layout: Layout) {}

  start(): void {
    for (const org of this.layout.topology.peerOrgs) this.spawn(org, 0);
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => this.stop());
    log(`supervising ${this.layout.topology.peerOrgs.length} chaincode servers`);
  }

  private spawn(org: PeerOrgSpec, restarts: number): void {
    const name = `cc-${org.key}`;
    const tls = join(this.layout.nodeDir(org.key, 'ccserver'), 'tls');
    const fd = openSync(this.layout.logFile(name), 'a');
    // On an isolated network, inside the organisation's namespace, at its host address.
    const cmd = inHost(this.layout, org.key, process.execPath, [
      require.resolve('fabric-shim/cli.js'),
      'server',
      '--chaincode-address',
      `${this.layout.bindOf(org.key)}:${this.layout.peerPorts(org).chaincodeServer}`,
      '--chaincode-id',
      packageId(this.layout, org),
      '--chaincode-tls-cert-file',
      join(tls, 'server.crt'),
      '--chaincode-tls-key-file',
      join(tls, 'server.key'),
      ...clientAuthArgs(this.layout, org),
      '--module-path',
      dirname(require.resolve('@swledger/chaincode/package.json')),
    ]);
    const child = spawn(cmd.command, cmd.args, {
      stdio: ['ignore', fd, fd],
      env: {
        ...process.env,
        ...chaincodeServerEnv(this.layout.topology),
      },
    });
    closeSync(fd);
    this.children.set(org.key, child);
    if (child.pid !== undefined) {
      writeFileSync(
        this.layout.path('pids', `${name}.pid`),
        JSON.stringify({ pid: child.pid, command: process.execPath }) + '\n',
      );
    }
    log(`${name} started (pid ${child.pid ?? '?'}, restart ${restarts})`);
    const startedAt = Date.now();
    child.on('exit', (code, sig) => {
      this.children.delete(org.key);
      if (this.stopping) return;
      const next = Date.now() - startedAt > 30_000 ? 0 : restarts + 1;
      const delay = Math.min(5000, 500 * 2 ** Math.min(next, 4));
      log(`${name} exited (code ${code ?? '-'}, signal ${sig ?? '-'}); restarting in ${delay} ms`);
      setTimeout(() => {
        if (!this.stopping) this.spawn(org, next);
      }, delay);
    });
  }

  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    log('stopping chaincode servers');
    for (const [key, child] of this.children) {
      child.kill('SIGTERM');
      rmSync(this.layout.path('pids', `cc-${key}.pid`), { force: true });
    }
    const deadline = setTimeout(() => {
      for (const child of this.children.values()) child.kill('SIGKILL');
      process.exit(0);
    }, 5000);
    const poll = setInterval(() => {
      if (this.children.size === 0) {
        clearInterval(poll);
        clearTimeout(deadline);
        process.exit(0);
      }
    }, 100);
  }
}

/**
 * Mutual TLS on an org's chaincode server: only clients with a certificate
 * of the org's own CA (its peer) may connect, when its package tells the
 * peer to present one (every package made since mutual TLS).
 */
export function clientAuthArgs(layout: Layout, org: PeerOrgSpec): string[] {
  return chaincodeClientAuth(layout, org)
    ? ['--chaincode-tls-client-cacert-file', layout.orgCaCert(org.key)]
    : [];
}

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} supervisor: ${msg}\n`);
}

if (require.main === module) {
  const name = process.argv[2];
  if (!name || name === '--help') {
    process.stdout.write(
      'usage: node supervisor.js <network name>\n  Runs and restarts the chaincode servers of a started network.\n',
    );
    process.exit(name ? 0 : 2);
  }
  const { layout, existing } = resolveLayout({ name });
  if (!existing) {
    process.stderr.write(`no network named '${name}'\n`);
    process.exit(2);
  }
  mkdirSync(layout.path('pids'), { recursive: true });
  new Supervisor(layout).start();
}
