import { spawn, execFile } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { Layout } from './layout';

/** A long-running process of the network. */
export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Network namespace to run in (`ip netns exec`, which execs the command: same PID). */
  readonly netns?: string;
}

interface PidRecord {
  readonly pid: number;
  readonly command: string;
}

/** Anything that maps run-directory parts to a path (a Layout). */
export interface RunDir {
  path(...parts: string[]): string;
}

function pidFile(layout: RunDir, name: string): string {
  return layout.path('pids', `${name}.pid`);
}

/** Starts a detached process that outlives the command, logging to its file. Returns its PID. */
export function startProcess(layout: Layout, spec: ProcessSpec): number {
  const log = layout.logFile(spec.name);
  mkdirSync(dirname(log), { recursive: true });
  mkdirSync(dirname(pidFile(layout, spec.name)), { recursive: true });
  const fd = openSync(log, 'a');
  try {
    const [command, args] =
      spec.netns === undefined
        ? [spec.command, [...spec.args]]
        : ['ip', ['netns', 'exec', spec.netns, spec.command, ...spec.args]];
    const child = spawn(command, args, {
      cwd: spec.cwd ?? layout.runDir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        // The same run directories whatever the child's working directory.
        SWL_HOME: layout.home,
        ...spec.env,
      },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
    // While the starting process lives, how the child ended goes to the end of its log:
    // a process that dies before writing a line still says how (an exit code or a signal).
    child.once('exit', (code, sig) => {
      try {
        appendFileSync(
          log,
          `[swledger] ${spec.name} (pid ${child.pid}) ended at ${new Date().toISOString()}: ${sig === null ? `exit code ${code}` : `signal ${sig}`}\n`,
        );
      } catch {
        /* the run directory was purged */
      }
    });
    child.unref();
    const record: PidRecord = { pid: child.pid, command: spec.command };
    writeFileSync(pidFile(layout, spec.name), JSON.stringify(record) + '\n');
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** PID of a tracked process that is still running (and is still the process we started). */
export function runningPid(layout: RunDir, name: string): number | undefined {
  const file = pidFile(layout, name);
  if (!existsSync(file)) return undefined;
  let record: PidRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
  return isOurs(record) ? record.pid : undefined;
}

function isOurs(record: PidRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    return cmdline.includes(record.command.split('/').pop() ?? record.command);
  } catch {
    return true;
  }
}

/** Stops a tracked process: SIGTERM, then SIGKILL after the grace period. Removes its PID file. */
export async function stopProcess(
  layout: RunDir,
  name: string,
  graceMs = 10_000,
): Promise<boolean> {
  const pid = runningPid(layout, name);
  rmSync(pidFile(layout, name), { force: true });
  if (pid === undefined) return false;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await sleep(100);
  }
  signal(pid, 'SIGKILL');
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Whether a PID is running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Result of a finished command. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** How long one Fabric command may run before it is killed (a hung peer must not hang `up`). */
const RUN_TIMEOUT_MS = 180_000;

/** Runs a command to completion; rejects with its stderr when it fails or outlives its timeout. */
export function run(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  cwd?: string,
  timeoutMs = RUN_TIMEOUT_MS,
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      [...args],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/root',
          ...env,
        },
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        if (err) {
          const name = command.split('/').pop() ?? command;
          if (err.killed)
            return reject(
              new Error(
                `${name} ${args.slice(0, 3).join(' ')} did not finish within ${Math.round(timeoutMs / 1000)}s and was stopped`,
              ),
            );
          reject(
            new Error(
              `${name} ${args.slice(0, 3).join(' ')} failed: ${(stderr || stdout || err.message).trim().split('\n').slice(-8).join('\n')}`,
            ),
          );
        } else {
          resolvePromise({ stdout, stderr });
        }
      },
    );
  });
}

/** GETs an HTTPS URL trusting one CA; resolves with the status code (0 when unreachable). */
export function httpsStatus(url: string, caPem: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolvePromise) => {
    const req = request(url, { method: 'GET', ca: caPem, timeout: timeoutMs }, (res) => {
      res.resume();
      resolvePromise(res.statusCode ?? 0);
    });
    req.on('error', () => resolvePromise(0));
    req.on('timeout', () => {
      req.destroy();
      resolvePromise(0);
    });
    req.end();
  });
}

/** A watched process ended before the wait was over. */
export class ProcessExitedError extends Error {
  constructor(
    readonly process: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProcessExitedError';
  }
}

/** A tracked process whose exit ends a wait early. */
export interface Watched {
  readonly layout: Layout;
  readonly name: string;
}

/**
 * Polls until `check` is true; throws after the deadline with the given
 * explanation. With `watch`, throws as soon as that process has exited,
 * quoting the end of its log.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
  watch?: Watched,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (watch && runningPid(watch.layout, watch.name) === undefined)
      throw new ProcessExitedError(
        watch.name,
        `${watch.name} exited while waiting for ${what}; the end of its log:\n${logTail(watch.layout.logFile(watch.name))}`,
      );
    if (Date.now() > deadline)
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** The last lines of a log file, indented, or a note that there is none. */
export function logTail(file: string, lines = 12): string {
  if (!existsSync(file)) return `  (no log at ${file})`;
  const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
  return text.map((l) => `  ${l.slice(0, 400)}`).join('\n');
}

/** A TCP port on 127.0.0.1 that is free now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/** Whether something already listens on, or holds, 127.0.0.1:port. */
export function portTaken(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(true));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolvePromise(false));
    });
  });
}

/**
 * Throws before a process is started when one of its ports is already in
 * use, naming the port and what to do, instead of letting the process fail
 * to bind and the start wait time out.
 */
export async function ensurePortsFree(
  name: string,
  ports: Readonly<Record<string, number>>,
): Promise<void> {
  const taken: string[] = [];
  for (const [label, port] of Object.entries(ports))
    if (await portTaken(port)) taken.push(`${port} (${label})`);
  if (taken.length > 0)
    throw new Error(
      `cannot start ${name}: port ${taken.join(', ')} on 127.0.0.1 is already in use. ` +
        'Stop whatever holds it (`ss -ltnp` shows it), or start the network on another port base (--port-base).',
    );
}
