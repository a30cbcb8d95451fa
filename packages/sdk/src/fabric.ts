/**
 * The fabric-network 2.2 transport: for networks whose peers do not run the
 * Gateway service. The SDK's client-side endorsement, with a custom query
 * handler and errors classified from fabric-network's messages.
 */
import './quiet';
import {
  BlockEvent,
  BlockListener,
  Contract,
  DefaultEventHandlerStrategies,
  Gateway,
  GatewayOptions,
  Network,
  Query,
  QueryHandler,
  TimeoutError,
} from 'fabric-network';
import { type Endorser } from 'fabric-common';
import { ConnectionProfile } from './profile';
import type {
  ConnectionOptions,
  EvaluateOptions,
  LedgerConnection,
  RawChaincodeEvent,
  SubmitOptions,
  Submitted,
} from './connection';
import { installEndorsedResponsesFirst } from './endorsedfirst';
import { nodeSigningProvider } from './fabricsigner';
import { openWallet, walletIdentity } from './wallet';
import { LedgerQueries, QueryingConnection } from './ledgerqueries';
import {
  AccessDeniedError,
  ChaincodeError,
  chaincodeError,
  commitError,
  CommitUnknownError,
  EndorsementError,
  EndorsementPolicyError,
  isErrorCode,
  LedgerError,
  MvccConflictError,
  OrdererUnavailableError,
  PeerUnreachableError,
} from './errors';

/**
 * The gateway option naming the wallet's TLS client identity for mutual TLS;
 * none (fabric-common's self-signed certificate) when the profile names none.
 */
/**
 * Whether service discovery's endpoints are rewritten to `localhost`
 * (fabric-network's `asLocalhost`): only when every peer of the profile is
 * on this machine's loopback. A network whose peers advertise other hosts
 * (organisations on separate hosts, any real network) is dialled as it
 * advertises itself.
 */
export function discoveryAsLocalhost(profile: ConnectionProfile): boolean {
  const hosts = Object.values(profile.peers).map((p) => {
    try {
      return new URL(p.url).hostname;
    } catch {
      return p.url;
    }
  });
  return hosts.length > 0 && hosts.every((h) => h === 'localhost' || h === '127.0.0.1');
}

function tlsIdentityOption(profile: ConnectionProfile): Pick<GatewayOptions, 'clientTlsIdentity'> {
  const label = profile.client.clientTlsIdentity;
  return label === undefined ? {} : { clientTlsIdentity: label };
}

/** Sends queries to one organisation's peers first, then any other peer. */
function preferringQueryHandler(
  preferredMsp: string,
  strict: boolean,
): (network: Network) => QueryHandler {
  return (network) => ({
    async evaluate(query: Query): Promise<Buffer> {
      const channel = network.getChannel();
      const own = channel.getEndorsers(preferredMsp);
      const peers: Endorser[] = strict
        ? own
        : [...own, ...channel.getEndorsers().filter((p) => !own.includes(p))];
      if (peers.length === 0)
        throw new PeerUnreachableError(`no peer of ${preferredMsp} is known on the channel`);
      const errors: string[] = [];
      for (const peer of peers) {
        const results = await query.evaluate([peer]);
        const result = results[peer.name];
        if (result instanceof Error) {
          errors.push(`${peer.name}: ${result.message}`);
          continue;
        }
        if (result && result.isEndorsed) return result.payload;
        // The chaincode answered with an error: that answer is final.
        throw new Error(
          `peer=${peer.name}, status=${result?.status ?? '?'}, message=${result?.message ?? 'no response'}`,
        );
      }
      throw new PeerUnreachableError(`no peer answered: ${errors.join('; ')}`);
    },
  });
}

/** One event listener of a connection, and where it stands. */
interface Subscription {
  readonly onEvent: (e: RawChaincodeEvent) => Promise<void>;
  /** The block being read: a re-attach starts here. */
  from: bigint;
  /** Transactions of block `from` already delivered (or being delivered). */
  readonly delivered: Set<string>;
  detach: () => void;
}

/**
 * A {@link LedgerConnection} on fabric-network 2.2: discovery, endorsement
 * by every peer organisation unless told otherwise, commit events from the
 * peers. Holds the Fabric handles privately; converts strings at the edge.
 */
export class FabricNetworkConnection extends QueryingConnection implements LedgerConnection {
  readonly transport = 'fabric-network';
  private readonly gateways = new Map<string, Gateway>();
  protected readonly queries: LedgerQueries;
  private readonly subscriptions = new Set<Subscription>();
  private reconnecting: Promise<void> | undefined;
  private readonly channelName: string;
  /** Name of the chaincode this connection talks to. */
  readonly chaincodeName: string;

  private constructor(
    private readonly opts: ConnectionOptions,
    private gateway: Gateway,
    private network: Network,
    /** MSP ID of the identity. */
    readonly mspId: string,
  ) {
    super();
    this.channelName = opts.channel ?? 'tradechannel';
    this.chaincodeName = opts.chaincode ?? 'swledger';
    this.queries = new LedgerQueries(
      (chaincode, fn, args, peerMsp) => this.systemQuery(chaincode, fn, args, peerMsp),
      this.channelName,
      mspId,
    );
  }

  /**
   * Opens a connection (service discovery on; peers addressed as localhost when the profile's all are).
   * @throws LedgerError when the identity is not in the wallet or no peer answers discovery
   */
  static async open(opts: ConnectionOptions): Promise<FabricNetworkConnection> {
    // fabric-common's Commit is used by this transport only: patched when it is first used.
    installEndorsedResponsesFirst();
    const wallet = await openWallet(opts);
    const identity = await wallet.get(opts.identity);
    if (!identity)
      throw new LedgerError(
        'IDENTITY_NOT_FOUND',
        `identity '${opts.identity}' is not in the wallet ${opts.walletDir ?? '(in memory)'}`,
      );
    const gateway = await FabricNetworkConnection.connectGateway(opts, identity.mspId, false);
    let network: Network;
    try {
      network = await gateway.getNetwork(opts.channel ?? 'tradechannel');
    } catch (err) {
      gateway.disconnect();
      throw new PeerUnreachableError(
        `no peer answered service discovery: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return new FabricNetworkConnection(opts, gateway, network, identity.mspId);
  }

  private static async connectGateway(
    opts: ConnectionOptions,
    queryMsp: string,
    strict: boolean,
  ): Promise<Gateway> {
    const wallet = await openWallet(opts);
    const identity = await walletIdentity(wallet, opts.identity, opts.walletDir ?? '(in memory)');
    const options: GatewayOptions = {
      wallet,
      // The identity itself, so that its provider signs with node:crypto.
      identity,
      identityProvider: nodeSigningProvider(wallet.getProviderRegistry().getProvider('X.509')),
      // Peers and orderers require a client certificate (mutual TLS): the
      // organisation's TLS identity from the wallet (its hash is bound into
      // every proposal and event request).
      ...tlsIdentityOption(opts.profile),
      discovery: { enabled: true, asLocalhost: discoveryAsLocalhost(opts.profile) },
      eventHandlerOptions: {
        commitTimeout: opts.commitTimeoutSeconds ?? 30,
        endorseTimeout: opts.endorseTimeoutSeconds ?? 90,
        // The commit is reported once the own organisation's peer has it (any
        // other org's peer while it is down): waiting for every peer would make
        // each submit wait out an organisation whose peer is restarting.
        strategy:
          opts.commitScope === 'network'
            ? DefaultEventHandlerStrategies.NETWORK_SCOPE_ALLFORTX
            : DefaultEventHandlerStrategies.PREFER_MSPID_SCOPE_ANYFORTX,
      },
      queryHandlerOptions: { timeout: 30, strategy: preferringQueryHandler(queryMsp, strict) },
    };
    const gateway = new Gateway();
    try {
      await gateway.connect(opts.profile as unknown as Record<string, unknown>, options);
    } catch (err) {
      gateway.disconnect();
      throw new PeerUnreachableError(
        `could not connect to the network: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return gateway;
  }

  /** MSP IDs of every peer organisation in the connection profile. */
  peerOrgs(): string[] {
    return Object.values(this.opts.profile.organizations)
      .filter((o) => o.peers.length > 0)
      .map((o) => o.mspid);
  }

  private contract(namespace: string): Contract {
    return this.network.getContract(this.chaincodeName, namespace);
  }

  /**
   * Endorses, orders and waits for the commit of one transaction; retries a
   * lost race (MVCC conflict or endorsement-policy failure) with a fresh
   * transaction, up to `retries` times.
   * @throws ChaincodeError (typed per code) when the chaincode refuses
   * @throws MvccConflictError / EndorsementPolicyError / CommitFailedError when invalidated at commit
   * @throws CommitUnknownError when the commit was not seen and the ledger does not show it
   * @throws PeerUnreachableError / EndorsementError when endorsement fails otherwise
   */
  async submit(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: SubmitOptions = {},
  ): Promise<Submitted> {
    const retries = options.retries ?? 3;
    let reconnected = false;
    let ordererWaits = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.submitOnce(namespace, fn, args, options);
      } catch (err) {
        // No endorsement at all: nothing reached the orderer, so after a
        // fresh connection (new discovery, new peer channels) it is safe to try once more.
        if (!reconnected && err instanceof PeerUnreachableError && nothingOrdered(err)) {
          reconnected = true;
          await this.reconnect().catch(() => undefined);
          continue;
        }
        // The ordering service refused it outright (no Raft leader yet, e.g. right
        // after a restart or an election): nothing was ordered; wait and resend, bounded.
        if (err instanceof OrdererUnavailableError && ordererWaits < 8) {
          ordererWaits++;
          attempt--;
          await new Promise((r) => setTimeout(r, 250 * 2 ** Math.min(ordererWaits, 4)));
          continue;
        }
        const raceLost = err instanceof MvccConflictError || err instanceof EndorsementPolicyError;
        if (!raceLost || attempt >= retries) throw err;
        await new Promise((r) => setTimeout(r, 50 + 100 * attempt));
      }
    }
  }

  private async submitOnce(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: SubmitOptions,
  ): Promise<Submitted> {
    const tx = this.contract(namespace).createTransaction(fn);
    const explicit = options.endorsingOrgs !== undefined && options.endorsingOrgs.length > 0;
    const orgs = explicit ? options.endorsingOrgs! : this.peerOrgs();
    const channel = this.network.getChannel();
    const missing = orgs.filter((msp) => channel.getEndorsers(msp).length === 0);
    if (explicit && missing.length > 0)
      throw new PeerUnreachableError(`no known peer of ${missing.join(', ')}`);
    const peers = orgs.flatMap((msp) => channel.getEndorsers(msp));
    if (peers.length > 0) tx.setEndorsingPeers(peers);
    const transactionId = tx.getTransactionId();
    await options.onPrepared?.(transactionId);
    try {
      const payload = await tx.submit(...args);
      return { payload: payload.toString('utf8'), transactionId };
    } catch (err) {
      if (err instanceof TimeoutError || isAmbiguousCommitFailure(err))
        return this.resolveUnknown(transactionId, err as TimeoutError);
      throw mapFabricError(err, transactionId);
    }
  }

  /** After a commit timeout: looks the transaction up on the ledger; VALID → done, invalid → failed, absent → unknown. */
  private async resolveUnknown(
    transactionId: string,
    cause: TimeoutError & { responses?: { response?: { payload?: Buffer } }[] },
  ): Promise<Submitted> {
    const deadline = Date.now() + (this.opts.resolveTimeoutSeconds ?? 15) * 1000;
    const payload = cause.responses?.[0]?.response?.payload?.toString('utf8') ?? '';
    while (Date.now() < deadline) {
      const code = await this.validationCode(transactionId).catch(() => undefined);
      if (code === 'VALID') return { payload, transactionId };
      if (code !== undefined)
        throw commitError(
          code,
          `transaction ${transactionId} was invalidated: ${code}`,
          transactionId,
          cause,
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new CommitUnknownError(
      `no commit event for ${transactionId} within the deadline and the ledger does not show it yet: look it up later by its id`,
      { transactionId, cause },
    );
  }

  /**
   * Evaluates a read-only function on one peer (the own organisation's, or `peerMsp`'s).
   * @throws ChaincodeError (typed per code), PeerUnreachableError
   */
  protected async evaluateOnce(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: EvaluateOptions,
  ): Promise<string> {
    try {
      const network = options.peerMsp ? await this.networkPinnedTo(options.peerMsp) : this.network;
      const out = await network
        .getContract(this.chaincodeName, namespace)
        .evaluateTransaction(fn, ...args);
      return out.toString('utf8');
    } catch (err) {
      throw mapFabricError(err, undefined);
    }
  }

  private async networkPinnedTo(msp: string): Promise<Network> {
    let gw = this.gateways.get(msp);
    if (!gw) {
      gw = await FabricNetworkConnection.connectGateway(this.opts, msp, true);
      this.gateways.set(msp, gw);
    }
    return gw.getNetwork(this.channelName);
  }

  /** Evaluates a qscc/cscc function on `peerMsp`'s peer only, or the own org's first then any. */
  private async systemQuery(
    chaincode: 'qscc' | 'cscc',
    fn: string,
    args: readonly string[],
    peerMsp: string | undefined,
  ): Promise<Uint8Array> {
    try {
      const network = peerMsp ? await this.networkPinnedTo(peerMsp) : this.network;
      return await network.getContract(chaincode).evaluateTransaction(fn, ...args);
    } catch (err) {
      throw mapFabricError(err, undefined);
    }
  }

  /**
   * Listens to chaincode events from `startBlock` (inclusive; default the
   * next block), strictly in ledger order: block by block, and within a block
   * one valid transaction after another (the next is passed only once the
   * listener's promise for the previous one resolved). The listener's promise
   * must resolve only once the event is handled. A {@link reconnect} moves the listener to the new connection
   * and resumes from the last block it saw, skipping what it already
   * delivered. Returns a function that stops listening.
   */
  async listen(
    onEvent: (e: RawChaincodeEvent) => Promise<void>,
    startBlock?: bigint,
  ): Promise<() => void> {
    const sub: Subscription = {
      onEvent,
      from: startBlock ?? (await this.ledgerHeight()),
      delivered: new Set(),
      detach: () => undefined,
    };
    await this.attach(sub);
    this.subscriptions.add(sub);
    return () => {
      this.subscriptions.delete(sub);
      sub.detach();
    };
  }

  /** Whether an event listener is open on this connection. */
  get listening(): boolean {
    return this.subscriptions.size > 0;
  }

  /**
   * A block listener, not a contract listener: fabric-network 2.2 notifies
   * the transactions of one block to contract listeners concurrently
   * (blockFromTransactionListener), which interleaves their events.
   */
  private async attach(sub: Subscription): Promise<void> {
    const network = this.network;
    let attached = true;
    const listener: BlockListener = async (block: BlockEvent) => {
      const blockNumber = BigInt(block.blockNumber.toString());
      if (blockNumber < sub.from) return;
      if (blockNumber > sub.from) {
        sub.from = blockNumber;
        sub.delivered.clear();
      }
      for (const [transactionIndex, tx] of block.getTransactionEvents().entries()) {
        // Detached (a reconnect): the new listener reads this block again and goes on from here.
        if (!attached) return;
        // After a re-attach the block `from` is read again: skip what was already delivered.
        if (!tx.isValid || sub.delivered.has(tx.transactionId)) continue;
        sub.delivered.add(tx.transactionId);
        this.queries.blocks.note(tx.transactionId, blockNumber);
        for (const event of tx.getContractEvents()) {
          if (event.chaincodeId !== this.chaincodeName) continue;
          await sub.onEvent({
            name: event.eventName,
            payload: event.payload?.toString('utf8') ?? '',
            transactionId: tx.transactionId,
            blockNumber,
            transactionIndex,
          });
        }
      }
    };
    await network.addBlockListener(listener, { startBlock: Number(sub.from), type: 'full' });
    sub.detach = () => {
      attached = false;
      network.removeBlockListener(listener);
    };
  }

  /**
   * Drops and re-creates the Fabric connections (fresh discovery), e.g. after
   * a peer outage; event listeners move to the new connection. Concurrent
   * calls share one reconnection.
   */
  reconnect(): Promise<void> {
    this.reconnecting ??= this.renew().finally(() => {
      this.reconnecting = undefined;
    });
    return this.reconnecting;
  }

  private async renew(): Promise<void> {
    this.closePinned();
    for (const sub of this.subscriptions) sub.detach();
    disconnectQuietly(this.gateway);
    this.gateway = await FabricNetworkConnection.connectGateway(this.opts, this.mspId, false);
    this.network = await this.gateway.getNetwork(this.channelName);
    for (const sub of this.subscriptions) await this.attach(sub);
  }

  private closePinned(): void {
    for (const gw of this.gateways.values()) disconnectQuietly(gw);
    this.gateways.clear();
  }

  /** Closes every connection. */
  close(): void {
    for (const sub of this.subscriptions) sub.detach();
    this.subscriptions.clear();
    this.closePinned();
    disconnectQuietly(this.gateway);
  }
}

/** Whether an error was raised before anything was sent to the ordering service. */
function nothingOrdered(err: LedgerError): boolean {
  const cause = err.cause instanceof Error ? err.cause.message : '';
  return (
    cause.startsWith('No valid responses from any peers') || cause.includes('DiscoveryService')
  );
}

/**
 * Disconnects a gateway; fabric-network 2.2 throws "eventListener not found"
 * when commit listeners of transactions still in flight are removed, which
 * must not stop a reconnect or a close (those transactions resolve by id).
 */
function disconnectQuietly(gateway: Gateway): void {
  try {
    gateway.disconnect();
  } catch {
    /* listeners of in-flight transactions */
  }
}

/**
 * Whether a submit failed after it was endorsed in a way that does not say
 * whether the orderer took it: the commit-event peers went away, or the
 * broadcast broke without an orderer status. Such an outcome is unknown and
 * must be looked up by transaction id, never reported as a refusal. A
 * validation code (TransactionError) and an orderer's explicit status are
 * definitive.
 */
export function isAmbiguousCommitFailure(err: unknown): boolean {
  const e = err as {
    name?: string;
    transactionCode?: unknown;
    message?: unknown;
    responses?: { endorsement?: unknown }[];
  };
  if (!e || e.name === 'TransactionError' || typeof e.transactionCode === 'string') return false;
  const endorsed = Array.isArray(e.responses) && e.responses.some((r) => r?.endorsement);
  if (!endorsed) return false;
  const message = typeof e.message === 'string' ? e.message : '';
  return !/^Failed to (commit transaction|send transaction successfully to the committer)/.test(
    message,
  );
}

const CODE_IN_MESSAGE = /message=([A-Z][A-Z_]+): ([^\n]*)/;
const BARE_CODE = /^([A-Z][A-Z_]+): (.*)$/s;

/** Turns a fabric-network error into the SDK's typed errors; never leaks raw wording as a code. */
export function mapFabricError(err: unknown, transactionId: string | undefined): LedgerError {
  if (err instanceof LedgerError) return err;
  // fabric-network 2.2 declares TransactionError but does not export the class at run time.
  const commit = err as { name?: string; transactionCode?: string; transactionId?: string };
  if (commit?.name === 'TransactionError' || typeof commit?.transactionCode === 'string') {
    const code = commit.transactionCode ?? 'UNKNOWN';
    const id = transactionId ?? commit.transactionId ?? '';
    return commitError(code, `transaction ${id} was invalidated at commit: ${code}`, id, err);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (
    /^Failed to (send transaction successfully to the committer|commit transaction).*(SERVICE_UNAVAILABLE|NOT_FOUND)/s.test(
      message,
    )
  ) {
    return new OrdererUnavailableError(
      `the ordering service refused the transaction: ${firstLine(message)}`,
      { transactionId, cause: err },
    );
  }
  // Every peer refused the proposal's creator (a revoked or expired certificate).
  if (/\baccess denied\b/i.test(message) && !/status=200/.test(message)) {
    return new AccessDeniedError(
      `the peers refuse this identity (access denied): its certificate may have been revoked or expired; ${firstLine(message)}`,
      { transactionId, cause: err },
    );
  }
  const coded = CODE_IN_MESSAGE.exec(message) ?? BARE_CODE.exec(message);
  if (coded?.[1] && isErrorCode(coded[1]))
    return chaincodeError(coded[1], (coded[2] ?? '').trim(), { transactionId, cause: err });
  if (
    /UNAVAILABLE|failed to connect|connect ECONNREFUSED|Failed to connect|No peers? (available|found)|is not connected|DEADLINE_EXCEEDED/i.test(
      message,
    )
  ) {
    return new PeerUnreachableError(`no endorsing peer could be reached: ${firstLine(message)}`, {
      transactionId,
      cause: err,
    });
  }
  return new EndorsementError(firstLine(message), { transactionId, cause: err });
}

function firstLine(s: string): string {
  return s.split('\n').slice(0, 3).join(' ').slice(0, 500);
}

export type { ChaincodeError };
