import { ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';

/**
 * The built `swl` that runs a service as a child process: the CLI package
 * installed beside this one (it depends on this package, so it is there
 * whenever a command starts services).
 */
export const SWL_MAIN = join(
  dirname(require.resolve('@swledger/cli/package.json')),
  'dist',
  'main.js',
);

/** A `swl serve` child process that answers on `url`. */
export interface RestProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts `swl serve` for one organisation of a network as its own process,
 * plain HTTP on 127.0.0.1:`port`, with `env` added to this process's
 * environment (`SWL_REST_DB`, rate limits, …). Resolves once `/healthz`
 * answers.
 *
 * @throws Error quoting its output when it exits or does not answer within 30 s
 */
export async function spawnRestService(
  network: string,
  org: string,
  port: number,
  env: Readonly<Record<string, string>>,
): Promise<RestProcess> {
  const child = spawn(
    process.execPath,
    [SWL_MAIN, 'serve', '--org', org, '-n', network, '--http', '--port', String(port)],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Its output is kept until it answers (for the error), then discarded.
  let output = '';
  const collect = (d: Buffer) => (output += d.toString());
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`swl serve exited: ${output}`);
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`swl serve did not answer /healthz within 30 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.stdout?.off('data', collect).resume();
  child.stderr?.off('data', collect).resume();
  return { child, url, exited };
}
