import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalAnchoring } from '@swledger/devnet/anchoring';
import { connectLocal } from '@swledger/devnet/client';
import { rpcUrlOf } from '@swledger/devnet/evm';
import { Layout, REPO_ROOT } from '@swledger/devnet/layout';
import { runningPid, stopProcess } from '@swledger/devnet/proc';
import { ALPHA, declaration, newFile } from '../integration/fixtures';
import { freshNetwork, log, purgeNetwork } from './support';

const NAME = 'faults-offline';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `swl …` with no network in its environment: an outsider's machine. */
function swl(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'packages/cli/dist/main.js'), ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Every Fabric process of the network (CAs, orderers, peers, chaincode servers and their supervisor); geth stays. */
function fabricProcesses(layout: Layout): string[] {
  const t = layout.topology;
  return [
    'supervisor',
    ...t.peerOrgs.map((o) => `cc-${o.key}`),
    ...t.peerOrgs.map((o) => `peer0-${o.key}`),
    ...layout.ordererNames(),
    ...[t.ordererOrg.key, ...t.peerOrgs.map((o) => o.key)].map((k) => `ca-${k}`),
  ];
}

describe('outside verification with the Fabric network stopped: only the EVM node answers', function () {
  this.timeout(5 * 60_000);
  let layout: Layout;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swl-offline-'));
    layout = await freshNetwork({ name: NAME, portBase: 20400 });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await purgeNetwork(NAME);
  });

  it('registers, anchors, writes the proof, stops every Fabric process, and the proof still verifies VALID with the EVM RPC alone', async () => {
    const alpha = await connectLocal({ as: 'enterprise:alpha', network: NAME });
    const file = newFile('offline');
    const filePath = join(dir, 'declaration.pdf');
    writeFileSync(filePath, file.buffer);
    try {
      await alpha.documents.register(declaration(ALPHA), { buffer: file.buffer });
    } finally {
      alpha.close();
    }
    const anchoring = await openLocalAnchoring({ network: NAME });
    try {
      const tick = await anchoring.service.tick(true);
      expect(tick.kind, tick.kind === 'anchored' ? '' : tick.reason).to.equal('anchored');
    } finally {
      anchoring.close();
    }
    const bundle = join(dir, 'bundle.json');
    const proof = await swl([
      'proof',
      filePath,
      '-n',
      NAME,
      '--as',
      'banka:verifier',
      '-o',
      bundle,
    ]);
    expect(proof.code, proof.stderr).to.equal(0);

    const stopped = fabricProcesses(layout);
    for (const proc of stopped) await stopProcess(layout, proc, 5000);
    for (const proc of stopped) expect(runningPid(layout, proc), proc).to.equal(undefined);
    const peerPort = layout.peerPorts(layout.peerOrg('banka')).peer;
    expect(await listening(peerPort), 'Bank A peer still answers').to.equal(false);
    log(`stopped ${stopped.length} Fabric processes; geth answers on ${rpcUrlOf(layout)}`);

    const rpc = rpcUrlOf(layout);
    const valid = await swl(['verify', filePath, '--proof', bundle, '--rpc', rpc]);
    const tampered = join(dir, 'tampered.pdf');
    writeFileSync(tampered, Buffer.concat([file.buffer, Buffer.from(' ')]));
    const invalid = await swl(['verify', tampered, '--proof', bundle, '--rpc', rpc]);

    expect(valid.code, valid.stdout + valid.stderr).to.equal(0);
    expect(valid.stdout).to.match(/anchor\s+VALID/);
    expect(valid.stdout).to.match(/signed by 4 of 4 organisation keys/);
    expect(invalid.code, invalid.stdout + invalid.stderr).to.equal(1);
    expect(invalid.stdout).to.match(/INVALID/);
  });
});
