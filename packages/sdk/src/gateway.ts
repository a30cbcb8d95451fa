/**
 * The Gateway transport (@hyperledger/fabric-gateway): one gRPC connection
 * to the own organisation's peer (another organisation's while none of the
 * own answers, until a reconnect finds it again), whose Gateway service plans endorsement
 * (from the chaincode's policy and the key-level policies of the keys a
 * transaction writes), assembles and orders the transaction, reports its
 * commit status and streams chaincode events.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  checkpointers,
  connect,
  type ChaincodeEvent,
  type Checkpointer,
  type CloseableAsyncIterable,
  type Contract,
  type Gateway,
  type GrpcClient,
  type Network,
  hash,
} from '@hyperledger/fabric-gateway';
import type { X509Identity } from 'fabric-network';
import type { ConnectionProfile } from './profile';
import { newNodeSigner } from './fabricsigner';
import type {
  ConnectionOptions,
  EvaluateOptions,
  LedgerConnection,
  RawChaincodeEvent,
  SubmitOptions,
  Submitted,
  TransactionStatus,
} from './connection';
import { EndorsementPlans } from './endorsementplans';
import { decodeTransaction } from './envelope';
import {
  CommitUnknownError,
  commitError,
  EndorsementError,
  EndorsementPolicyError,
  MvccConflictError,
  OrdererUnavailableError,
  PeerUnreachableError,
  accessDenied,
} from './errors';
import { isAmbiguousGatewayFailure, mapGatewayError, validationCodeName } from './gatewayerrors';
import { newGrpcClient, peerAddress, type PeerEndpoint } from './grpc';
import { LedgerQueries, QueryingConnection } from './ledgerqueries';
import { openWallet, walletIdentity } from './wallet';

/** Seconds an evaluate (chaincode or qscc read) may take. */
const EVALUATE_SECONDS = 30;
/** Seconds the Gateway may take to hand a transaction to the ordering service. */
const SUBMIT_SECONDS = 30;
/** Seconds a peer may take to answer when a connection picks its Gateway peer. */
const PROBE_SECONDS = 10;
/** How long a replaced connection stays open for the calls already on it (above every call deadline). */
const RETIRE_MS = 120_000;
/** Pause before an event stream that broke is opened again. */
const EVENT_RETRY_MS = 1000;

/** Seconds the Gateway may take for a committed transaction's status (it waits while one is not committed). */
const LOCATE_SECONDS = 5;

/** The protobuf messages of the Gateway's commit status, from fabric-gateway's own protos (see grpc.ts). */
interface ProtoMessage {
  serializeBinary(): Uint8Array;
}
interface GatewayProtos {
  gateway: {
    CommitStatusRequest: new () => ProtoMessage & {
      setChannelId(v: string): void;
      setTransactionId(v: string): void;
      setIdentity(v: Uint8Array): void;
    };
    SignedCommitStatusRequest: new () => ProtoMessage & { setRequest(v: Uint8Array): void };
    /** What fabric-gateway's `Transaction.getBytes()` answers: the endorsed envelope. */
    PreparedTransaction: {
      deserializeBinary(bytes: Uint8Array): { getEnvelope(): ProtoMessage | undefined };
    };
  };
  msp: {
    SerializedIdentity: new () => ProtoMessage & {
      setMspid(v: string): void;
      setIdBytes(v: Uint8Array): void;
    };
  };
}
const gatewayProtos = createRequire(require.resolve('@hyperledger/fabric-gateway'))(
  '@hyperledger/fabric-protos',
) as GatewayProtos;

function serializeIdentity(mspId: string, certificate: string): Uint8Array {
  const identity = new gatewayProtos.msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(certificate));
  return identity.serializeBinary();
}

/**
 * The organisations (MSP IDs) that endorsed a transaction, from the bytes
 * fabric-gateway's `Transaction.getBytes()` answers; undefined when they do
 * not decode (a plan is then simply not learned).
 */
function endorsersOf(prepared: Uint8Array): string[] | undefined {
  try {
    const envelope =
      gatewayProtos.gateway.PreparedTransaction.deserializeBinary(prepared).getEnvelope();
    if (envelope === undefined) return undefined;
    return decodeTransaction(envelope.serializeBinary()).endorsers.map((e) => e.mspId);
  } catch {
    return undefined;
  }
}

/**
 * True when a call endorsed by named organisations failed in a way another
 * choice of organisations could avoid: not endorsed (a peer or its chaincode
 * server unreachable), or endorsed short of the policy at commit. A
 * chaincode's own refusal (`CODE: detail`) is the same on every peer.
 */
function isPlanFailure(err: unknown): boolean {
  return (
    err instanceof PeerUnreachableError ||
    err instanceof EndorsementError ||
    err instanceof EndorsementPolicyError
  );
}

const deadline = (seconds: number) => ({ deadline: Date.now() + seconds * 1000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A peer whose Gateway a connection may use, and its organisation. */
export interface GatewayPeer extends PeerEndpoint {
  readonly mspId: string;
}

/**
 * The peers whose Gateway a connection may use, in order of preference:
 * the own organisation's (in profile order), then the other organisations'
 * (used only while the own ones do not answer), with the TLS material to
 * reach them.
 * @throws PeerUnreachableError when the profile names no peer of the own organisation
 */
export function gatewayEndpoints(
  profile: ConnectionProfile,
  mspId: string,
  clientTls: { readonly cert: string; readonly key: string } | undefined,
): GatewayPeer[] {
  const orgs = Object.values(profile.organizations);
  const own = orgs.filter((o) => o.mspid === mspId);
  const named = [...own, ...orgs.filter((o) => o.mspid !== mspId)].flatMap((o) =>
    o.peers.map((name) => ({ name, mspId: o.mspid })),
  );
  const endpoints = named.flatMap(({ name, mspId: org }) => {
    const peer = profile.peers[name];
    if (peer === undefined) return [];
    const override = peer.grpcOptions['ssl-target-name-override'];
    return [
      {
        mspId: org,
        address: peerAddress(peer.url),
        tlsRootCert: peer.tlsCACerts.pem,
        ...(typeof override === 'string' ? { serverName: override } : {}),
        ...(clientTls ? { clientCert: clientTls.cert, clientKey: clientTls.key } : {}),
      },
    ];
  });
  if (!own.some((o) => o.peers.some((name) => profile.peers[name] !== undefined)))
    throw new PeerUnreachableError(`the connection profile names no peer of ${mspId}`);
  return endpoints;
}

/**
 * Positions of chaincode events arriving in ledger order (one event per
 * transaction), across the streams of one listener: the ordinal of each
 * transaction among its block's transactions with an event, and which
 * arrivals repeat one already delivered (a stream opened by a reconnect
 * while an event was being handled starts at the checkpoint before it).
 */
export class EventOrder {
  private block: bigint | undefined;
  private ordinal = -1;
  private readonly delivered = new Set<string>();

  /** The transaction's ordinal in its block, or undefined when it was delivered already. */
  next(blockNumber: bigint, transactionId: string): number | undefined {
    if (this.block !== undefined && blockNumber < this.block) return undefined;
    if (blockNumber === this.block && this.delivered.has(transactionId)) return undefined;
    if (blockNumber !== this.block) {
      this.block = blockNumber;
      this.ordinal = -1;
      this.delivered.clear();
    }
    this.delivered.add(transactionId);
    return ++this.ordinal;
  }
}

/** One event listener and where it stands. */
interface Subscription {
  readonly onEvent: (e: RawChaincodeEvent) => Promise<void>;
  /** First block to read while no event was handled. */
  readonly from: bigint;
  /** The last event handled: a new stream resumes after it. */
  readonly checkpointer: Checkpointer;
  /** Positions of the events delivered so far. */
  readonly order: EventOrder;
  stream: CloseableAsyncIterable<ChaincodeEvent> | undefined;
  stopped: boolean;
}

/** The parts of a Gateway connection that a reconnect replaces. */
interface Handles {
  /** The organisation of the Gateway peer. */
  readonly mspId: string;
  readonly client: GrpcClient;
  readonly gateway: Gateway;
  readonly network: Network;
}

/**
 * A {@link LedgerConnection} on the peer's Gateway service. Holds the
 * Fabric handles privately; converts bytes at the edge.
 */
export class GatewayConnection extends QueryingConnection implements LedgerConnection {
  readonly transport = 'gateway';
  readonly chaincodeName: string;
  private readonly channelName: string;
  protected readonly queries: LedgerQueries;
  private readonly subscriptions = new Set<Subscription>();
  private reconnecting: Promise<void> | undefined;
  /** Replaced connections, open until the calls on them end (see {@link retire}). */
  private readonly retired = new Set<Handles>();
  /** Endorsing organisations learned for the functions whose endorsement never changes. */
  private readonly plans: EndorsementPlans;

  private constructor(
    private readonly opts: ConnectionOptions,
    private readonly endpoints: readonly GatewayPeer[],
    private readonly connectHandles: (endpoint: GatewayPeer) => Handles,
    private handles: Handles,
    readonly mspId: string,
    /** msp.SerializedIdentity of the client: the creator of its status requests. */
    private readonly serializedIdentity: Uint8Array,
  ) {
    super();
    this.channelName = opts.channel ?? 'tradechannel';
    this.chaincodeName = opts.chaincode ?? 'swledger';
    this.plans = opts.endorsementPlans ?? new EndorsementPlans();
    this.queries = new LedgerQueries(
      (chaincode, fn, args, peerMsp) => this.systemQuery(chaincode, fn, args, peerMsp),
      this.channelName,
      mspId,
      (transactionId) => this.committedBlock(transactionId),
    );
  }

  /**
   * Connects to the own organisation's peer (mutual TLS with the profile's
   * client TLS identity; another organisation's while none of the own
   * answers) and checks that it answers and accepts the identity.
   * @throws LedgerError IDENTITY_NOT_FOUND; AccessDeniedError when the peer refuses the identity; PeerUnreachableError when no peer answers
   */
  static async open(opts: ConnectionOptions): Promise<GatewayConnection> {
    const wallet = await openWallet(opts);
    const where = opts.walletDir ?? '(in memory)';
    const identity = await walletIdentity(wallet, opts.identity, where);
    const tlsLabel = opts.profile.client.clientTlsIdentity;
    const tls: X509Identity | undefined =
      tlsLabel === undefined ? undefined : await walletIdentity(wallet, tlsLabel, where);
    const endpoints = gatewayEndpoints(
      opts.profile,
      identity.mspId,
      tls && { cert: tls.credentials.certificate, key: tls.credentials.privateKey },
    );
    // node:crypto over the whole message (the digest is its own), low-S as peers require.
    const sign = newNodeSigner(identity.credentials.privateKey);
    const signer = (message: Uint8Array) => Promise.resolve(sign(message));
    const tlsClientCertificateHash = tls
      ? createHash('sha256').update(new X509Certificate(tls.credentials.certificate).raw).digest()
      : undefined;
    const channel = opts.channel ?? 'tradechannel';
    const connectHandles = (endpoint: GatewayPeer): Handles => {
      const client = newGrpcClient(endpoint);
      const gateway = connect({
        client,
        identity: {
          mspId: identity.mspId,
          credentials: Buffer.from(identity.credentials.certificate),
        },
        signer,
        hash: hash.none,
        ...(tlsClientCertificateHash ? { tlsClientCertificateHash } : {}),
      });
      return { mspId: endpoint.mspId, client, gateway, network: gateway.getNetwork(channel) };
    };
    const own = endpoints[0]!;
    const connection = new GatewayConnection(
      opts,
      endpoints,
      connectHandles,
      connectHandles(own),
      identity.mspId,
      serializeIdentity(identity.mspId, identity.credentials.certificate),
    );
    try {
      await connection.reconnect();
    } catch (err) {
      connection.close();
      throw accessDenied(err) ?? err;
    }
    return connection;
  }

  private contract(namespace: string): Contract {
    return this.handles.network.getContract(this.chaincodeName, namespace);
  }

  /** {@inheritDoc LedgerConnection.submit} */
  async submit(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: SubmitOptions = {},
  ): Promise<Submitted> {
    const retries = options.retries ?? 3;
    let reconnected = false;
    let ordererWaits = 0;
    // A learned plan is tried once per call: after it fails, the Gateway plans.
    let mayPlan = options.endorsingOrgs === undefined || options.endorsingOrgs.length === 0;
    for (let attempt = 0; ; attempt++) {
      const plan = mayPlan ? this.plans.planFor(namespace, fn) : undefined;
      try {
        return await this.submitOnce(namespace, fn, args, options, plan);
      } catch (err) {
        // The learned organisations did not endorse, or not enough: plan afresh, once.
        if (plan !== undefined && isPlanFailure(err)) {
          this.plans.forget(namespace, fn);
          mayPlan = false;
          attempt--;
          continue;
        }
        // Not endorsed: nothing reached the orderer; a fresh connection may help once.
        if (!reconnected && err instanceof PeerUnreachableError) {
          reconnected = true;
          await this.reconnect().catch(() => undefined);
          attempt--;
          continue;
        }
        // Every orderer refused it outright (no Raft leader yet): nothing was ordered; wait and resend, bounded.
        if (err instanceof OrdererUnavailableError && ordererWaits < 8) {
          ordererWaits++;
          attempt--;
          await sleep(250 * 2 ** Math.min(ordererWaits, 4));
          continue;
        }
        const raceLost = err instanceof MvccConflictError || err instanceof EndorsementPolicyError;
        if (!raceLost || attempt >= retries) throw err;
        await sleep(50 + 100 * attempt);
      }
    }
  }

  private async submitOnce(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: SubmitOptions,
    plan: readonly string[] | undefined,
  ): Promise<Submitted> {
    const orgs = plan ?? options.endorsingOrgs ?? [];
    const proposal = this.contract(namespace).newProposal(fn, {
      arguments: [...args],
      ...(orgs.length > 0 ? { endorsingOrganizations: [...orgs] } : {}),
    });
    const transactionId = proposal.getTransactionId();
    await options.onPrepared?.(transactionId);
    const endorsed = await proposal
      .endorse(deadline(this.opts.endorseTimeoutSeconds ?? 90))
      .catch((err: unknown) => {
        throw mapGatewayError(err, transactionId);
      });
    if (orgs.length === 0 && this.plans.wants(namespace, fn)) {
      const endorsers = endorsersOf(endorsed.getBytes());
      if (endorsers !== undefined) this.plans.learn(namespace, fn, endorsers);
    }
    const payload = Buffer.from(endorsed.getResult()).toString('utf8');
    let status: TransactionStatus;
    try {
      const commit = await endorsed.submit(deadline(SUBMIT_SECONDS));
      const seen = await commit.getStatus(deadline(this.opts.commitTimeoutSeconds ?? 30));
      status = { validationCode: validationCodeName(seen.code), blockNumber: seen.blockNumber };
    } catch (err) {
      if (!isAmbiguousGatewayFailure(err)) throw mapGatewayError(err, transactionId);
      status = await this.resolveUnknown(transactionId, err);
    }
    if (status.validationCode === 'VALID')
      this.queries.blocks.note(transactionId, status.blockNumber);
    if (status.validationCode !== 'VALID')
      throw commitError(
        status.validationCode,
        `transaction ${transactionId} was invalidated at commit: ${status.validationCode}`,
        transactionId,
      );
    if (this.opts.commitScope === 'network') await this.awaitEveryPeer(status.blockNumber);
    return { payload, transactionId };
  }

  /**
   * The block of a committed transaction from the peer Gateway's commit
   * status (a few hundred bytes, where qscc answers the whole block): a
   * status request signed by this identity, like the one after a submit.
   * Undefined when the peer has no answer within the deadline (not
   * committed, or not found).
   */
  async committedBlock(transactionId: string): Promise<bigint | undefined> {
    const request = new gatewayProtos.gateway.CommitStatusRequest();
    request.setChannelId(this.channelName);
    request.setTransactionId(transactionId);
    request.setIdentity(this.serializedIdentity);
    const signed = new gatewayProtos.gateway.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    try {
      const status = await this.handles.gateway
        .newCommit(signed.serializeBinary())
        .getStatus(deadline(LOCATE_SECONDS));
      return status.blockNumber;
    } catch {
      return undefined;
    }
  }

  /** After a commit status that did not come in time: looks the transaction up on the ledger; absent → unknown. */
  private async resolveUnknown(transactionId: string, cause: unknown): Promise<TransactionStatus> {
    const until = Date.now() + (this.opts.resolveTimeoutSeconds ?? 15) * 1000;
    while (Date.now() < until) {
      const code = await this.validationCode(transactionId).catch(async (err: unknown) => {
        // The peer went away with the commit status: ask the peer a reconnection finds.
        if (mapGatewayError(err, transactionId) instanceof PeerUnreachableError)
          await this.reconnect().catch(() => undefined);
        return undefined;
      });
      if (code !== undefined)
        return { validationCode: code, blockNumber: await this.blockNumberOf(transactionId) };
      await sleep(1000);
    }
    throw new CommitUnknownError(
      `no commit status for ${transactionId} within the deadline and the ledger does not show it yet: look it up later by its id`,
      { transactionId, cause },
    );
  }

  /**
   * Waits until every other organisation's peer has the block (its height
   * passes it), bounded by the commit timeout; a peer that does not answer
   * is not waited for.
   */
  private async awaitEveryPeer(blockNumber: bigint): Promise<void> {
    const others = Object.values(this.opts.profile.organizations)
      .filter((o) => o.peers.length > 0 && o.mspid !== this.mspId)
      .map((o) => o.mspid);
    const until = Date.now() + (this.opts.commitTimeoutSeconds ?? 30) * 1000;
    await Promise.all(
      others.map(async (msp) => {
        for (let pause = 20; Date.now() < until; pause = Math.min(pause * 2, 500)) {
          const height = await this.ledgerHeight(msp).catch(() => undefined);
          if (height === undefined || height > blockNumber) return;
          await sleep(pause);
        }
      }),
    );
  }

  /** One evaluation on the connection's Gateway (a retry is {@link QueryingConnection.evaluate}'s). */
  protected async evaluateOnce(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: EvaluateOptions,
  ): Promise<string> {
    const bytes = await this.evaluateOn(
      (network) => network.getContract(this.chaincodeName, namespace),
      fn,
      args,
      options.peerMsp,
    );
    return Buffer.from(bytes).toString('utf8');
  }

  private async evaluateOn(
    contract: (network: Network) => Contract,
    fn: string,
    args: readonly string[],
    peerMsp: string | undefined,
  ): Promise<Uint8Array> {
    // Another organisation's Gateway relays the answer unsigned: what is asked of the
    // own peer (what provenance trusts) goes through the own organisation's Gateway only.
    if (peerMsp === this.mspId && this.handles.mspId !== this.mspId) {
      await this.reconnect().catch(() => undefined);
      if (this.handles.mspId !== this.mspId)
        throw new PeerUnreachableError(
          `no peer of ${this.mspId} answers: reads of the own organisation's ledger go to it only`,
        );
    }
    const proposal = contract(this.handles.network).newProposal(fn, {
      arguments: [...args],
      ...(peerMsp === undefined ? {} : { endorsingOrganizations: [peerMsp] }),
    });
    try {
      return await proposal.evaluate(deadline(EVALUATE_SECONDS));
    } catch (err) {
      throw mapGatewayError(err, undefined);
    }
  }

  private systemQuery(
    chaincode: 'qscc' | 'cscc',
    fn: string,
    args: readonly string[],
    peerMsp: string | undefined,
  ): Promise<Uint8Array> {
    return this.evaluateOn((network) => network.getContract(chaincode), fn, args, peerMsp);
  }

  /** {@inheritDoc LedgerConnection.listen} */
  async listen(
    onEvent: (e: RawChaincodeEvent) => Promise<void>,
    startBlock?: bigint,
  ): Promise<() => void> {
    const from = startBlock ?? (await this.ledgerHeight(this.mspId));
    const sub: Subscription = {
      onEvent,
      from,
      checkpointer: checkpointers.inMemory(),
      order: new EventOrder(),
      stream: undefined,
      stopped: false,
    };
    sub.stream = await this.openStream(sub);
    this.subscriptions.add(sub);
    void this.pump(sub);
    return () => {
      this.subscriptions.delete(sub);
      sub.stopped = true;
      sub.stream?.close();
    };
  }

  get listening(): boolean {
    return this.subscriptions.size > 0;
  }

  private openStream(sub: Subscription): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    return this.handles.network
      .getChaincodeEvents(this.chaincodeName, {
        checkpoint: sub.checkpointer,
        startBlock: sub.from,
      })
      .catch((err: unknown) => {
        throw mapGatewayError(err, undefined);
      });
  }

  /**
   * Delivers a subscription's events one after another; when its stream
   * breaks (a peer restart) or is replaced (a reconnect), reads on from
   * the checkpoint of the last event handled.
   */
  private async pump(sub: Subscription): Promise<void> {
    while (!sub.stopped) {
      const stream = sub.stream;
      try {
        if (stream) for await (const event of stream) await this.deliver(sub, event);
      } catch {
        /* the stream broke or was closed: open it again below unless stopped */
      }
      if (sub.stopped) return;
      if (sub.stream === stream) {
        await sleep(EVENT_RETRY_MS);
        sub.stream = await this.openStream(sub).catch(() => undefined);
      }
    }
  }

  private async deliver(sub: Subscription, event: ChaincodeEvent): Promise<void> {
    if (sub.stopped) return;
    const transactionIndex = sub.order.next(event.blockNumber, event.transactionId);
    if (transactionIndex === undefined) return;
    // Chaincode events come from VALID transactions only.
    this.queries.blocks.note(event.transactionId, event.blockNumber);
    await sub.onEvent({
      name: event.eventName,
      payload: Buffer.from(event.payload).toString('utf8'),
      transactionId: event.transactionId,
      blockNumber: event.blockNumber,
      transactionIndex,
    });
    if (!sub.stopped) await sub.checkpointer.checkpointChaincodeEvent(event);
  }

  /** {@inheritDoc LedgerConnection.reconnect} */
  reconnect(): Promise<void> {
    this.reconnecting ??= this.renew().finally(() => {
      this.reconnecting = undefined;
    });
    return this.reconnecting;
  }

  private async renew(): Promise<void> {
    const old = this.handles;
    this.handles = await this.firstAnswering();
    for (const sub of this.subscriptions) {
      const stream = sub.stream;
      sub.stream = await this.openStream(sub).catch(() => undefined);
      stream?.close();
    }
    this.retire(old);
  }

  /**
   * Closes a replaced connection once the calls already on it are past
   * their deadlines: closing it at once would cut a transaction between
   * submit and commit status, whose outcome would then look like a refusal.
   */
  private retire(handles: Handles): void {
    this.retired.add(handles);
    setTimeout(() => {
      this.retired.delete(handles);
      closeQuietly(handles);
    }, RETIRE_MS).unref();
  }

  /**
   * A connection to the first peer, in order of preference, whose Gateway
   * answers (a ledger-height read on the peer itself).
   * @throws the own peer's refusal of the identity at once; PeerUnreachableError when none answers
   */
  private async firstAnswering(): Promise<Handles> {
    let first: unknown;
    for (const endpoint of this.endpoints) {
      const handles = this.connectHandles(endpoint);
      try {
        await handles.network
          .getContract('qscc')
          .newProposal('GetChainInfo', { arguments: [this.channelName] })
          .evaluate(deadline(PROBE_SECONDS));
        return handles;
      } catch (err) {
        closeQuietly(handles);
        const mapped = mapGatewayError(err, undefined);
        if (!(mapped instanceof PeerUnreachableError)) throw mapped;
        first ??= mapped;
      }
    }
    throw first ?? new PeerUnreachableError('the connection profile names no peer');
  }

  /** {@inheritDoc LedgerConnection.close} */
  close(): void {
    for (const sub of this.subscriptions) {
      sub.stopped = true;
      sub.stream?.close();
    }
    this.subscriptions.clear();
    closeQuietly(this.handles);
    for (const handles of this.retired) closeQuietly(handles);
    this.retired.clear();
  }
}

function closeQuietly(handles: Handles): void {
  handles.gateway.close();
  handles.client.close();
}
