/**
 * What the SDK needs from a Fabric client library, as one interface: a
 * connection to the ledger as one identity. Two transports implement it:
 * the peer's Gateway service (@hyperledger/fabric-gateway, the default) and
 * fabric-network 2.2 (for networks without the Gateway service).
 */
import type { Wallet } from 'fabric-network';
import type { ConnectionProfile } from './profile';
import { LedgerError } from './errors';
import type { EnterpriseSigning } from './signer';
import type { EndorsementPlans } from './endorsementplans';

/** The Fabric client library a connection runs on. */
export type Transport = 'gateway' | 'fabric-network';

/** Every transport, the default first. */
export const TRANSPORTS: readonly Transport[] = ['gateway', 'fabric-network'];

/** Environment variable choosing the transport when the options name none. */
export const TRANSPORT_ENV = 'SWL_TRANSPORT';

/** Whether a string names a transport. */
export function isTransport(s: string): s is Transport {
  return (TRANSPORTS as readonly string[]).includes(s);
}

/**
 * The transport to use: the option, else `SWL_TRANSPORT`, else `gateway`.
 * @param option the transport the caller asked for, if any
 * @param env the environment to read `SWL_TRANSPORT` from (default `process.env`)
 * @throws LedgerError INVALID_TRANSPORT when `SWL_TRANSPORT` names no transport
 */
export function resolveTransport(
  option: Transport | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Transport {
  if (option !== undefined) return option;
  const named = env[TRANSPORT_ENV];
  if (named === undefined || named === '') return 'gateway';
  if (!isTransport(named))
    throw new LedgerError(
      'INVALID_TRANSPORT',
      `${TRANSPORT_ENV}='${named}' names no transport: use ${TRANSPORTS.join(' or ')}`,
    );
  return named;
}

/** Where a connection finds its identity and the network. */
export interface ConnectionOptions {
  /** Connection profile of the identity's organisation. */
  readonly profile: ConnectionProfile;
  /** Directory of a fabric-network file-system wallet (when no {@link wallet} is given). */
  readonly walletDir?: string;
  /** A wallet holding the identity (and the TLS client identity), used instead of {@link walletDir}. */
  readonly wallet?: Wallet;
  /** Wallet label of the identity (`<org>:<user>`). */
  readonly identity: string;
  /** Channel name. Default `tradechannel`. */
  readonly channel?: string;
  /** Chaincode name. Default `swledger`. */
  readonly chaincode?: string;
  /**
   * Client library: `gateway` (the peer's Gateway service plans endorsement)
   * or `fabric-network` (for peers without the Gateway service). Default
   * `SWL_TRANSPORT`, else `gateway`.
   */
  readonly transport?: Transport;
  /** Seconds to wait for a commit before the outcome is *unknown*. Default 30. */
  readonly commitTimeoutSeconds?: number;
  /**
   * Seconds to wait for endorsements. Default 90: a 500-document batch makes
   * about 5 000 state calls on every endorsing peer (each key is written
   * with its key-level policy), which takes tens of seconds on a busy
   * 2-core machine; a dead peer fails at once, not after this wait.
   */
  readonly endorseTimeoutSeconds?: number;
  /**
   * When a submit counts as committed: `org` (default) once the own
   * organisation's peer has it (another org's peer while it is down, on
   * fabric-network); `network` once every reachable peer has it, so a read
   * that follows on any organisation's peer sees it — at the price of
   * waiting for the slowest peer, and for one that is restarting.
   */
  readonly commitScope?: 'org' | 'network';
  /** Seconds to look for a timed-out transaction on the ledger before giving up. Default 15. */
  readonly resolveTimeoutSeconds?: number;
  /**
   * The enterprise's signer: every enterprise write (register, batch
   * register, transition) is signed with it (EIP-712). Customs and banks
   * leave it out.
   */
  readonly enterpriseSigning?: EnterpriseSigning;
  /**
   * On `gateway`, the endorsing organisations the connection learns for the
   * functions whose endorsement never changes (register, batch register,
   * `noop`) and names in their proposals, so that the Gateway asks them all
   * at once instead of its own organisation's peer first. Default: a new,
   * empty set per connection; pass one to share it, or to start from a plan.
   */
  readonly endorsementPlans?: EndorsementPlans;
}

/** Options of one submit. */
export interface SubmitOptions {
  /**
   * MSP IDs whose peers endorse. Default: on `gateway`, the peer's Gateway
   * plans endorsement from the chaincode's policy and the key-level policies
   * of the keys the transaction writes (another plan is tried when a peer
   * does not answer), or, for register, batch register and `noop`, the
   * organisations it chose the first time (see
   * {@link ConnectionOptions.endorsementPlans}); on `fabric-network`, every peer organisation of the
   * connection profile (discovery cannot know key-level policies there).
   * Named organisations must all endorse on `gateway`; on `fabric-network`
   * one that does not answer is left out and the remaining endorsements
   * still commit when they satisfy the policies.
   */
  readonly endorsingOrgs?: readonly string[];
  /**
   * The enterprise's own authorisation argument of a signed write (the JSON
   * `signWrite` returns), sent unchanged instead of one the client's
   * signer makes: how a service without the enterprise's key passes on the
   * signature its caller made. Ignored by unsigned functions.
   */
  readonly enterpriseAuth?: string;
  /** Re-endorse and resubmit after a lost race (MVCC conflict, endorsement-policy failure), up to this many times. Default 3. */
  readonly retries?: number;
  /**
   * Called with the transaction id once the transaction is prepared and
   * before it is sent (again for each retry): store it to find the outcome
   * after a crash (idempotent APIs).
   */
  readonly onPrepared?: (transactionId: string) => void | Promise<void>;
}

/** Outcome of a committed transaction. */
export interface Submitted {
  readonly payload: string;
  readonly transactionId: string;
}

/** Options of one evaluate. */
export interface EvaluateOptions {
  /** MSP ID of the organisation whose peer must answer. Default: own org's peer first, then any. */
  readonly peerMsp?: string;
}

/** A raw chaincode event: name, payload, and where it is on the ledger. */
export interface RawChaincodeEvent {
  readonly name: string;
  readonly payload: string;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /**
   * Ledger order of the transaction within its block: its position among
   * the block's transactions (fabric-network), or among the block's valid
   * transactions that emitted an event (gateway). Only the order is stable
   * across transports.
   */
  readonly transactionIndex: number;
}

/** A committed transaction as a peer holds it. */
export interface ProcessedTransaction {
  /** Fabric's validation code, e.g. VALID or MVCC_READ_CONFLICT. */
  readonly validationCode: string;
  /** The signed transaction envelope. */
  readonly envelope: Uint8Array;
}

/** Where a committed transaction is: its validation code and block. */
export interface TransactionStatus {
  readonly validationCode: string;
  readonly blockNumber: bigint;
}

/**
 * A connection to the ledger as one identity. Implementations hold the
 * Fabric handles privately and convert bytes at the edge; every method
 * throws the SDK's typed errors ({@link LedgerError} and subclasses), with
 * the same codes on every transport.
 */
export interface LedgerConnection {
  /** Which client library this connection runs on. */
  readonly transport: Transport;
  /** MSP ID of the identity. */
  readonly mspId: string;
  /** Name of the chaincode this connection talks to. */
  readonly chaincodeName: string;
  /** Whether an event listener is open on this connection. */
  readonly listening: boolean;

  /**
   * Endorses, orders and waits for the commit of one transaction; retries a
   * lost race (MVCC conflict or endorsement-policy failure) with a fresh
   * transaction, up to `retries` times.
   * @throws ChaincodeError (typed per code) when the chaincode refuses
   * @throws MvccConflictError / EndorsementPolicyError / CommitFailedError when invalidated at commit
   * @throws CommitUnknownError when the commit was not seen and the ledger does not show it
   * @throws PeerUnreachableError / EndorsementError / AccessDeniedError when endorsement fails otherwise
   * @throws OrdererUnavailableError when the ordering service keeps refusing it
   */
  submit(
    namespace: string,
    fn: string,
    args: readonly string[],
    options?: SubmitOptions,
  ): Promise<Submitted>;

  /**
   * Evaluates a read-only function on one peer (the own organisation's, or `peerMsp`'s only).
   * @throws ChaincodeError (typed per code), PeerUnreachableError, AccessDeniedError
   */
  evaluate(
    namespace: string,
    fn: string,
    args: readonly string[],
    options?: EvaluateOptions,
  ): Promise<string>;

  /** Fabric's validation code of a transaction (e.g. VALID, MVCC_READ_CONFLICT), or undefined if the ledger has no such transaction. */
  validationCode(transactionId: string): Promise<string | undefined>;

  /**
   * Validation code and block number of a committed transaction.
   * @throws LedgerError when the ledger does not show it
   */
  transactionStatus(transactionId: string): Promise<TransactionStatus>;

  /** Number of the block holding a committed transaction. @throws LedgerError when the ledger does not show it */
  blockNumberOf(transactionId: string): Promise<bigint>;

  /** A committed transaction as the own organisation's peer (never another's) holds it, or undefined when absent. */
  processedTransaction(transactionId: string): Promise<ProcessedTransaction | undefined>;

  /** Every transaction of a block as the own organisation's peer (never another's) holds it. */
  block(blockNumber: bigint): Promise<ProcessedTransaction[]>;

  /** Current height of the channel's ledger on the own organisation's peer (or `peerMsp`'s). */
  ledgerHeight(peerMsp?: string): Promise<bigint>;

  /**
   * The application organisations of the channel and their CA certificates
   * (root and intermediate, PEM), from the latest configuration block as the
   * own organisation's peer holds it.
   */
  channelMembers(): Promise<Map<string, readonly string[]>>;

  /** MSP IDs of the peers whose endorsements a committed transaction carries. */
  endorsersOf(transactionId: string): Promise<string[]>;

  /**
   * Listens to chaincode events from `startBlock` (inclusive; default the
   * next block), strictly in ledger order: block by block, and within a block
   * one valid transaction after another (the next is passed only once the
   * listener's promise for the previous one resolved). The listener's promise
   * must resolve only once the event is handled. A {@link reconnect} (or a
   * broken event stream) resumes after the last event handled.
   * @returns a function that stops listening
   */
  listen(
    onEvent: (e: RawChaincodeEvent) => Promise<void>,
    startBlock?: bigint,
  ): Promise<() => void>;

  /**
   * Drops and re-creates the Fabric connections, e.g. after a peer outage;
   * event listeners move to the new connection. Concurrent calls share one
   * reconnection.
   */
  reconnect(): Promise<void>;

  /** Closes every connection and listener. */
  close(): void;
}
