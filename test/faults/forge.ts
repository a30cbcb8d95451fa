/**
 * A modified swledger chaincode, built by a fault scenario at run time and
 * never shipped: the honest contracts plus a `forge` contract that writes,
 * deletes or re-policies any key it is given. Chaincode as a service pins no
 * code (FABRIC-NOTES), so an organisation can run it behind its own package
 * id; {@link ForgedServers} swaps it in for chosen organisations of a running
 * network and puts the honest servers back afterwards. Forgeries go out as
 * `forge:*` requests (through the SDK) or disguised as honest requests
 * ({@link DisguisedForger}: the forged writes travel in transient data, which
 * the block never holds).
 */
import { ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultEventHandlerStrategies, Gateway, Network, Wallets } from 'fabric-network';
import { encodeRule } from '@swledger/chaincode/contract/endorsement';
import { type EndorsementRule } from '@swledger/protocol/policy';
import { canonicalJson } from '@swledger/protocol/serialize';
import { Layout, REPO_ROOT } from '@swledger/devnet/layout';
import { alive, runningPid } from '@swledger/devnet/proc';
import { chaincodeServerEnv } from '@swledger/devnet/chaincode';
import { LedgerError } from '@swledger/sdk';
import { installEndorsedResponsesFirst } from '@swledger/sdk/endorsedfirst';
import { mapFabricError } from '@swledger/sdk/fabric';
import { log, sleep } from './support';
import { localConnectionOptions } from '@swledger/devnet/client';

// The forgers drive fabric-network themselves, as the SDK's fabric-network transport does.
installEndorsedResponsesFirst();

/** Replaced by the forged chaincode with the transaction's id, so forged values look honest. */
export const TXID = '$TXID';
/** Replaced by the forged chaincode with the transaction's timestamp (ISO 8601). */
export const TXTIME = '$TXTIME';

/** Transient-data key that turns an honest function of the forged build into a forgery. */
export const TRANSIENT_KEY = 'swl.forge';

/** One write of a forged transaction. */
export type ForgeOp =
  | { readonly put: string; readonly value: string }
  | { readonly del: string }
  | { readonly policy: string; readonly rule: string };

/** A composite key as fabric-shim's createCompositeKey builds it (packages/chaincode/src/contract/store.ts KeyType). */
export function compositeKey(objectType: string, ...attributes: string[]): string {
  return `\u0000${objectType}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;
}

/** Writes `value` as the chaincode stores values: canonical sorted-key JSON. */
export function put(key: string, value: unknown): ForgeOp {
  return { put: key, value: canonicalJson(value) };
}

/** Deletes a key. */
export function del(key: string): ForgeOp {
  return { del: key };
}

/** Sets a key's validation parameter to the encoding honest chaincode uses for `rule`. */
export function policy(key: string, rule: EndorsementRule): ForgeOp {
  return { policy: key, rule: Buffer.from(encodeRule(rule)).toString('base64') };
}

/**
 * The forged module's entry point: every honest contract plus `forge`, and
 * every honest function applying forged writes when asked through transient data.
 */
const FORGE_JS = `'use strict';
const { Contract } = require('fabric-contract-api');
const honest = require('./dist/index.js');

function iso(ts) {
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
  return new Date(seconds * 1000 + Math.floor(ts.nanos / 1e6)).toISOString();
}

class ForgeContract extends Contract {
  constructor() {
    super('forge');
  }
  async ping(ctx) {
    return 'forged chaincode at ' + ctx.stub.getMspID();
  }
  async put(ctx, key, value) {
    await this._apply(ctx, [{ put: key, value }]);
    return ctx.stub.getTxID();
  }
  async del(ctx, key) {
    await this._apply(ctx, [{ del: key }]);
    return ctx.stub.getTxID();
  }
  async putPolicy(ctx, key, rule) {
    await this._apply(ctx, [{ policy: key, rule }]);
    return ctx.stub.getTxID();
  }
  async batch(ctx, opsJson) {
    await this._apply(ctx, JSON.parse(opsJson));
    return ctx.stub.getTxID();
  }
  async _apply(ctx, ops) {
    const txId = ctx.stub.getTxID();
    const time = iso(ctx.stub.getTxTimestamp());
    for (const op of ops) {
      if (op.put !== undefined) {
        const value = op.value.split(${JSON.stringify(TXID)}).join(txId).split(${JSON.stringify(TXTIME)}).join(time);
        await ctx.stub.putState(op.put, Buffer.from(value, 'utf8'));
      } else if (op.del !== undefined) {
        await ctx.stub.deleteState(op.del);
      } else if (op.policy !== undefined) {
        await ctx.stub.setStateValidationParameter(op.policy, Buffer.from(op.rule, 'base64'));
      } else {
        throw new Error('INVALID_ARGUMENT: unknown forge op');
      }
    }
  }
}

// Disguise: a request to any honest function that carries forged writes in its transient
// data (never in the block) applies them instead, so the block shows an honest function name.
const forgeContract = new ForgeContract();
for (const Honest of honest.contracts) {
  for (const name of Object.getOwnPropertyNames(Honest.prototype)) {
    const original = Honest.prototype[name];
    if (name === 'constructor' || name.startsWith('_') || typeof original !== 'function') continue;
    Honest.prototype[name] = async function (ctx, ...args) {
      const forged = ctx.stub.getTransient().get(${JSON.stringify(TRANSIENT_KEY)});
      if (forged === undefined) return original.call(this, ctx, ...args);
      await forgeContract._apply(ctx, JSON.parse(Buffer.from(forged).toString('utf8')));
      return '{}';
    };
  }
}

module.exports.contracts = [...honest.contracts, ForgeContract];
`;

/**
 * Builds the modified chaincode in a new temporary directory: a copy of
 * chaincode/dist and chaincode/package.json (main: the forged entry
 * point), node_modules linked to the repository's. Returns the directory.
 *
 * @throws Error when the chaincode is not built
 */
export function buildForgedChaincode(): string {
  const honest = join(REPO_ROOT, 'packages', 'chaincode');
  if (!existsSync(join(honest, 'dist', 'index.js')))
    throw new Error('chaincode/dist is missing: run scripts/setup.sh');
  const dir = mkdtempSync(join(tmpdir(), 'swl-forged-cc-'));
  cpSync(join(honest, 'dist'), join(dir, 'dist'), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(honest, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ ...pkg, name: 'swledger-chaincode-forged', main: 'forge.js' }, null, 2),
  );
  writeFileSync(join(dir, 'forge.js'), FORGE_JS);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`, or rejects after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await sleep(200);
  }
}

/** Signals after which a test process must not leave the swap in place. */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Whether a process has exited (a zombie, not yet reaped by its held parent, has). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === '';
  } catch {
    return true;
  }
}

/** The command line of a running process. */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\u0000')
    .filter((a) => a !== '');
}

/**
 * The modified chaincode behind some organisations' peers. `start` holds
 * the network's supervisor (SIGSTOP), kills its servers for those
 * organisations and starts the forged build with the very same arguments
 * but another module path; `restore` stops them and lets the supervisor
 * start the honest servers again.
 */
export class ForgedServers {
  private readonly children = new Map<string, ChildProcess>();
  private supervisorPid: number | undefined;
  private readonly killed = new Map<string, number>();

  constructor(
    private readonly layout: Layout,
    private readonly moduleDir: string,
  ) {}

  /** Swaps the forged build in for each organisation key (e.g. `banka`). */
  async start(orgKeys: readonly string[]): Promise<void> {
    this.supervisorPid = runningPid(this.layout, 'supervisor');
    if (this.supervisorPid === undefined)
      throw new Error('the chaincode supervisor is not running');
    process.kill(this.supervisorPid, 'SIGSTOP');
    // A test process that dies mid-scenario must not leave forged servers holding the
    // ports nor the supervisor stopped: undone synchronously at exit.
    process.once('exit', this.undoAtExit);
    for (const sig of SIGNALS) process.once(sig, this.undoAtSignal);
    for (const key of orgKeys) {
      const name = `cc-${key}`;
      const pid = runningPid(this.layout, name);
      if (pid === undefined) throw new Error(`${name} is not running`);
      const args = commandLine(pid).slice(1);
      const at = args.indexOf('--module-path');
      if (at < 0 || at + 1 >= args.length) throw new Error(`${name} has no --module-path`);
      args[at + 1] = this.moduleDir;
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 100 && !gone(pid); i++) await sleep(50);
      if (!gone(pid)) throw new Error(`${name} (pid ${pid}) survived SIGKILL`);
      this.killed.set(key, pid);
      const port = this.layout.peerPorts(this.layout.peerOrg(key)).chaincodeServer;
      const logFile = this.layout.logFile(`forged-${name}`);
      const fd = openSync(logFile, 'a');
      const child = spawn(process.execPath, args, {
        stdio: ['ignore', fd, fd],
        env: {
          ...process.env,
          ...chaincodeServerEnv(this.layout.topology),
          // Only forge:ping reads it (stub.getMspID), to say whose peer runs the forged build.
          CORE_PEER_LOCALMSPID: this.layout.peerOrg(key).mspId,
        },
      });
      closeSync(fd);
      this.children.set(key, child);
      await waitForPort(port, 20_000);
      log(`${name}: forged build (pid ${child.pid ?? '?'}) serves port ${port}, log ${logFile}`);
    }
  }

  /**
   * Stops the forged servers and resumes the supervisor, which restarts
   * the honest servers it lost; resolves once each runs again. Safe to call
   * more than once, and after a failed start.
   */
  async restore(): Promise<void> {
    process.removeListener('exit', this.undoAtExit);
    for (const sig of SIGNALS) process.removeListener(sig, this.undoAtSignal);
    for (const [key, child] of this.children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await Promise.race([exited, sleep(5000)]);
      }
      log(`cc-${key}: forged build stopped`);
    }
    this.children.clear();
    if (this.supervisorPid !== undefined && alive(this.supervisorPid)) {
      process.kill(this.supervisorPid, 'SIGCONT');
      for (const [key, old] of this.killed) {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const pid = runningPid(this.layout, `cc-${key}`);
          if (pid !== undefined && pid !== old) break;
          if (Date.now() > deadline) throw new Error(`the supervisor did not restart cc-${key}`);
          await sleep(200);
        }
      }
      log(`supervisor resumed; honest servers back for ${[...this.killed.keys()].join(', ')}`);
    }
    this.killed.clear();
    this.supervisorPid = undefined;
  }

  private readonly undoAtExit = (): void => {
    for (const child of this.children.values()) child.kill('SIGKILL');
    if (this.supervisorPid !== undefined && alive(this.supervisorPid))
      process.kill(this.supervisorPid, 'SIGCONT');
    this.dispose();
  };

  /** Undoes the swap, then lets the signal do what it would have done. */
  private readonly undoAtSignal = (sig: NodeJS.Signals): void => {
    this.undoAtExit();
    for (const other of SIGNALS) process.removeListener(other, this.undoAtSignal);
    process.kill(process.pid, sig);
  };

  /** Removes the forged build. */
  dispose(): void {
    rmSync(this.moduleDir, { recursive: true, force: true });
  }
}

/** What a disguised forgery was told: its transaction id and Fabric's validation code. */
export interface Forged {
  readonly transactionId: string;
  /** `VALID`, or the code of the typed error (e.g. `ENDORSEMENT_POLICY_FAILURE`). */
  readonly code: string;
  readonly error?: LedgerError;
}

/**
 * A dishonest organisation's client, on fabric-network directly: it signs an
 * honest-looking request (`invoice:finance`, `document:register`, …) with
 * its own identity, sends it only to the colluding organisations' peers and
 * hands the forged writes over in transient data, which the block never holds.
 */
export class DisguisedForger {
  private constructor(
    private readonly gateway: Gateway,
    private readonly network: Network,
    private readonly chaincode: string,
    private readonly endorsingOrgs: readonly string[],
  ) {}

  /** Connects as `as` (`<org>:<user>`) of the network `name`. */
  static async open(
    as: string,
    name: string,
    endorsingOrgs: readonly string[],
  ): Promise<DisguisedForger> {
    const opts = localConnectionOptions({ as, network: name });
    const gateway = new Gateway();
    await gateway.connect(opts.profile as unknown as Record<string, unknown>, {
      wallet: await Wallets.newFileSystemWallet(opts.walletDir),
      identity: opts.identity,
      discovery: { enabled: true, asLocalhost: true },
      // Peers require a client certificate (mutual TLS): the organisation's TLS identity.
      ...(opts.profile.client.clientTlsIdentity === undefined
        ? {}
        : { clientTlsIdentity: opts.profile.client.clientTlsIdentity }),
      eventHandlerOptions: {
        commitTimeout: 30,
        endorseTimeout: 30,
        strategy: DefaultEventHandlerStrategies.PREFER_MSPID_SCOPE_ANYFORTX,
      },
    });
    const network = await gateway.getNetwork(opts.channel ?? 'tradechannel');
    return new DisguisedForger(gateway, network, opts.chaincode ?? 'swledger', endorsingOrgs);
  }

  /**
   * Submits `namespace:fn(args)` whose endorsers write `ops` instead; with
   * `ops` undefined, the colluding peers run the honest function itself
   * (on a ledger a forgery has already changed).
   */
  async submit(
    namespace: string,
    fn: string,
    args: readonly string[],
    ops: readonly ForgeOp[] | undefined,
  ): Promise<Forged> {
    const tx = this.network.getContract(this.chaincode, namespace).createTransaction(fn);
    const channel = this.network.getChannel();
    tx.setEndorsingPeers(this.endorsingOrgs.flatMap((msp) => channel.getEndorsers(msp)));
    if (ops !== undefined)
      tx.setTransient({ [TRANSIENT_KEY]: Buffer.from(JSON.stringify(ops), 'utf8') });
    const transactionId = tx.getTransactionId();
    try {
      await tx.submit(...args);
      return { transactionId, code: 'VALID' };
    } catch (err) {
      const error = mapFabricError(err, transactionId);
      return { transactionId, code: error.code, error };
    }
  }

  close(): void {
    this.gateway.disconnect();
  }
}
