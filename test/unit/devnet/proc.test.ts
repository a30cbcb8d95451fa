import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveLayout } from '@swledger/devnet/layout';
import { ephemeralOverlap, networkPorts } from '@swledger/devnet/network';
import {
  ensurePortsFree,
  portTaken,
  ProcessExitedError,
  run,
  sleep,
  startProcess,
  waitFor,
} from '@swledger/devnet/proc';

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      resolvePromise({ server, port: address.port });
    });
  });
}

describe('network/proc: ports and process waits', () => {
  let home: string;
  let savedHome: string | undefined;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'swl-proc-'));
    savedHome = process.env.SWL_HOME;
    process.env.SWL_HOME = home;
  });
  afterEach(() => {
    if (savedHome === undefined) delete process.env.SWL_HOME;
    else process.env.SWL_HOME = savedHome;
    rmSync(home, { recursive: true, force: true });
  });

  it('sees a port held by a listener, and free once it closes', async () => {
    const { server, port } = await listen();

    expect(await portTaken(port)).to.equal(true);
    await new Promise((r) => server.close(r));
    expect(await portTaken(port)).to.equal(false);
  });

  it('refuses to start a process whose port is in use, naming the port and the way out', async () => {
    const { server, port } = await listen();
    try {
      const err = await ensurePortsFree('peer0-customs', { operations: port }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );

      expect(err?.message).to.include(`cannot start peer0-customs: port ${port} (operations)`);
      expect(err?.message).to.include('--port-base');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('accepts free ports', async () => {
    const { server, port } = await listen();
    await new Promise((r) => server.close(r));

    await ensurePortsFree('peer0-customs', { operations: port });
  });

  it('ends a wait at once when the watched process exits, quoting its log', async () => {
    const { layout } = resolveLayout({ name: 'unit-proc' });
    startProcess(layout, {
      name: 'peer0-customs',
      command: '/bin/sh',
      args: ['-c', 'echo "listen tcp 127.0.0.1:7151: bind: address already in use"; exit 2'],
      env: {},
    });
    const t0 = Date.now();

    const err = await waitFor('peer0-customs', () => Promise.resolve(false), 30_000, 50, {
      layout,
      name: 'peer0-customs',
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(err?.message).to.include('peer0-customs exited while waiting');
    expect(err?.message).to.include('address already in use');
    expect(Date.now() - t0).to.be.below(30_000);
  });

  it('says how a process that printed nothing ended: its signal at the end of its log', async () => {
    const { layout } = resolveLayout({ name: 'unit-proc' });
    startProcess(layout, {
      name: 'ca-banka',
      command: '/bin/sh',
      args: ['-c', 'kill -KILL $$'],
      env: {},
    });
    await sleep(300);

    const err = await waitFor('ca-banka', () => Promise.resolve(false), 30_000, 50, {
      layout,
      name: 'ca-banka',
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(err).to.be.instanceOf(ProcessExitedError);
    expect((err as ProcessExitedError).process).to.equal('ca-banka');
    expect(err?.message).to.match(/ca-banka \(pid \d+\) ended at .*: signal SIGKILL/);
  });

  it('times out with the explanation when nothing is watched', async () => {
    const err = await waitFor('the answer', () => Promise.resolve(false), 100, 20).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(err?.message).to.equal('timed out after 0s waiting for the answer');
  });

  it('stops a command that outlives its timeout and says so', async () => {
    const t0 = Date.now();

    const err = await run('/bin/sleep', ['10'], {}, undefined, 200).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(err?.message).to.equal('sleep 10 did not finish within 0s and was stopped');
    expect(Date.now() - t0).to.be.below(5000);
  });

  describe('ephemeral port range', () => {
    const rangeFile = (): string => {
      const f = join(home, 'range');
      writeFileSync(f, '32768\t60999\n');
      return f;
    };

    it('says nothing for the default base', () => {
      const { layout } = resolveLayout({ name: 'unit-proc', portBase: 7000 });

      expect(ephemeralOverlap(layout, rangeFile())).to.equal(undefined);
    });

    it('warns when the ports fall in the range and names a base that avoids it', () => {
      const { layout } = resolveLayout({ name: 'unit-proc', portBase: 37000 });
      const ports = networkPorts(layout);

      const warning = ephemeralOverlap(layout, rangeFile());

      expect(warning).to.include(`ports ${Math.min(...ports)}-${Math.max(...ports)} overlap`);
      expect(warning).to.include('32768-60999');
      const suggested = Number(/below (\d+)/.exec(warning ?? '')?.[1]);
      expect(suggested + Math.max(...ports) - Math.min(...ports)).to.be.below(32768);
    });

    it('says nothing when the range cannot be read', () => {
      const { layout } = resolveLayout({ name: 'unit-proc', portBase: 37000 });

      expect(ephemeralOverlap(layout, join(home, 'missing'))).to.equal(undefined);
    });
  });
});
