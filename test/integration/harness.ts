import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { down, up } from '@swledger/devnet/network';
import { Layout, REPO_ROOT, resolveLayout } from '@swledger/devnet/layout';
import { SwlClient } from '@swledger/sdk';
import { connectLocal } from '@swledger/devnet/client';

/** The shared integration-test network: its own name and port base, beside a dev network. */
export const TEST_NETWORK = process.env.SWL_TEST_NETWORK ?? 'itest';
export const TEST_PORT_BASE = Number(process.env.SWL_TEST_PORT_BASE ?? 17000);

const log = (line: string) => process.stdout.write(`      [network] ${line}\n`);

/** Starts the shared test network from nothing (purged first unless SWL_TEST_REUSE=1). */
export async function startTestNetwork(): Promise<Layout> {
  if (process.env.SWL_TEST_REUSE !== '1') await down({ name: TEST_NETWORK, purge: true });
  const res = await up({ name: TEST_NETWORK, portBase: TEST_PORT_BASE, progress: log });
  return res.layout;
}

/** Stops the shared test network, keeping its data for inspection. */
export async function stopTestNetwork(): Promise<void> {
  if (process.env.SWL_TEST_KEEP !== '1') await down({ name: TEST_NETWORK });
}

/** Layout of the shared test network. */
export function testLayout(): Layout {
  return resolveLayout({ name: TEST_NETWORK }).layout;
}

const clients = new Map<string, SwlClient>();

/** A connected client for `<org>:<user>` of the test network, reused across tests. */
export async function clientAs(as: string): Promise<SwlClient> {
  let c = clients.get(as);
  if (!c) {
    // Tests read on other organisations' peers right after a write: wait for every peer.
    c = await connectLocal({ as, network: TEST_NETWORK, commitScope: 'network' });
    clients.set(as, c);
  }
  return c;
}

/** Closes every cached client (before the network restarts, or at the end). */
export function closeClients(): void {
  for (const c of clients.values()) c.close();
  clients.clear();
}

/** Log directory of the test network, for failure messages. */
export function logsDir(): string {
  return join(testLayout().runDir, 'logs');
}

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `swl` as a subprocess, without a default identity
 * (`SWL_AS` unset) and with `env` added (by default the test network as
 * `SWL_NETWORK`), in `cwd` (default this process's).
 */
export function runSwl(
  args: readonly string[],
  env: NodeJS.ProcessEnv = { SWL_NETWORK: TEST_NETWORK },
  cwd?: string,
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'packages/cli/dist/main.js'), ...args],
      { env: { ...process.env, SWL_AS: undefined, ...env }, ...(cwd ? { cwd } : {}) },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}
