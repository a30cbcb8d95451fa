/**
 * Reads of the ledger through the peer's system chaincodes (qscc, cscc),
 * the same on every transport: a transport only says how to evaluate a
 * system chaincode function on one organisation's peer.
 */
import { common, msp, protos } from 'fabric-protos';
import type { EvaluateOptions, ProcessedTransaction, TransactionStatus } from './connection';
import { BlockIndex } from './blockindex';
import { LedgerError, PeerUnreachableError } from './errors';

/**
 * Evaluates a system chaincode function on `peerMsp`'s peer only (when
 * undefined: the own organisation's peer first, then any); its answer's
 * bytes. Throws the SDK's typed errors.
 */
export type SystemQuery = (
  chaincode: 'qscc' | 'cscc',
  fn: string,
  args: readonly string[],
  peerMsp: string | undefined,
) => Promise<Uint8Array>;

/** Whether a qscc error says the transaction is not on the ledger (Fabric's wording; qscc has no code for it). */
export function isTransactionNotFound(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /not found|no such transaction|Failed to get transaction/i.test(message);
}

function codeName(code: number): string {
  return protos.TxValidationCode[code] ?? String(code);
}

/** Decodes qscc GetTransactionByID's answer. */
export function decodeProcessedTransaction(bytes: Uint8Array): ProcessedTransaction {
  const processed = protos.ProcessedTransaction.decode(bytes);
  return {
    validationCode: codeName(processed.validationCode),
    envelope: common.Envelope.encode(processed.transactionEnvelope ?? {}).finish(),
  };
}

/** Decodes a block (qscc GetBlockByNumber): each transaction's envelope and validation code. */
export function decodeBlock(bytes: Uint8Array): ProcessedTransaction[] {
  const block = common.Block.decode(bytes);
  const codes = block.metadata?.metadata?.[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  return (block.data?.data ?? []).map((envelope, index) => ({
    validationCode: codeName(codes?.[index] ?? protos.TxValidationCode.INVALID_OTHER_REASON),
    envelope,
  }));
}

/** The application organisations and their CA certificates (PEM) from a configuration block (cscc GetConfigBlock). */
export function decodeChannelMembers(bytes: Uint8Array): Map<string, readonly string[]> {
  const block = common.Block.decode(bytes);
  const payload = common.Payload.decode(
    common.Envelope.decode(block.data?.data?.[0] ?? new Uint8Array()).payload,
  );
  const config = common.ConfigEnvelope.decode(payload.data).config;
  const orgs = config?.channel_group?.groups?.['Application']?.groups ?? {};
  const members = new Map<string, readonly string[]>();
  for (const group of Object.values(orgs)) {
    const value = group.values?.['MSP']?.value;
    if (!value) continue;
    const fabric = msp.FabricMSPConfig.decode(msp.MSPConfig.decode(value).config);
    const certs = [...(fabric.root_certs ?? []), ...(fabric.intermediate_certs ?? [])];
    members.set(
      fabric.name,
      certs.map((c) => Buffer.from(c).toString('utf8')),
    );
  }
  return members;
}

/** MSP IDs of the endorsements of a committed transaction (qscc GetTransactionByID's answer). */
export function decodeEndorsers(bytes: Uint8Array): string[] {
  const envelope = protos.ProcessedTransaction.decode(bytes).transactionEnvelope;
  const payload = common.Payload.decode(envelope?.payload ?? new Uint8Array());
  const tx = protos.Transaction.decode(payload.data ?? new Uint8Array());
  const action = protos.ChaincodeActionPayload.decode(tx.actions[0]?.payload ?? new Uint8Array());
  return (action.action?.endorsements ?? []).map(
    (e) => msp.SerializedIdentity.decode(e.endorser ?? new Uint8Array()).mspid ?? '',
  );
}

/**
 * qscc and cscc reads. What provenance trusts (transactions, blocks, the
 * channel's members) comes from the own organisation's peer only; status
 * look-ups prefer it and fall back to any peer.
 */
export class LedgerQueries {
  /** Blocks of transactions the connection saw committed (its submits and events). */
  readonly blocks = new BlockIndex();

  /**
   * @param locate a transport's lookup of a committed transaction's block
   *   that is cheaper than qscc's whole block (undefined: not found that way)
   */
  constructor(
    private readonly query: SystemQuery,
    private readonly channel: string,
    private readonly ownMsp: string,
    private readonly locate?: (transactionId: string) => Promise<bigint | undefined>,
  ) {}

  /** A committed transaction as the own peer holds it, or undefined when it has none with this id. */
  async processedTransaction(transactionId: string): Promise<ProcessedTransaction | undefined> {
    const bytes = await this.transactionBytes(transactionId, this.ownMsp);
    return bytes && decodeProcessedTransaction(bytes);
  }

  /** Fabric's validation code of a transaction, or undefined when the ledger has none with this id. */
  async validationCode(transactionId: string): Promise<string | undefined> {
    const bytes = await this.transactionBytes(transactionId, undefined);
    return bytes && decodeProcessedTransaction(bytes).validationCode;
  }

  /** Every transaction of a block. */
  async block(blockNumber: bigint): Promise<ProcessedTransaction[]> {
    const bytes = await this.query(
      'qscc',
      'GetBlockByNumber',
      [this.channel, blockNumber.toString()],
      this.ownMsp,
    );
    return decodeBlock(bytes);
  }

  /**
   * Number of the block holding a committed transaction: from the index when
   * the connection saw it, else the transport's small lookup, else qscc
   * GetBlockByTxID (whose cost grows with the block).
   */
  async blockNumberOf(transactionId: string): Promise<bigint> {
    const known = this.blocks.get(transactionId);
    if (known !== undefined) return known;
    const located = await this.locate?.(transactionId).catch(() => undefined);
    const found = located ?? (await this.blockByTxId(transactionId));
    this.blocks.note(transactionId, found);
    return found;
  }

  private async blockByTxId(transactionId: string): Promise<bigint> {
    const bytes = await this.query(
      'qscc',
      'GetBlockByTxID',
      [this.channel, transactionId],
      undefined,
    );
    return BigInt(common.Block.decode(bytes).header?.number?.toString() ?? '0');
  }

  /** Validation code and block of a committed transaction. @throws LedgerError NOT_ON_LEDGER when absent */
  async transactionStatus(transactionId: string): Promise<TransactionStatus> {
    const validationCode = await this.validationCode(transactionId);
    if (validationCode === undefined)
      throw new LedgerError('NOT_ON_LEDGER', `the ledger has no transaction ${transactionId}`, {
        transactionId,
      });
    return { validationCode, blockNumber: await this.blockNumberOf(transactionId) };
  }

  /** Height of the ledger on `peerMsp`'s peer (default: the own organisation's first, then any). */
  async ledgerHeight(peerMsp?: string): Promise<bigint> {
    const bytes = await this.query('qscc', 'GetChainInfo', [this.channel], peerMsp);
    return BigInt(common.BlockchainInfo.decode(bytes).height.toString());
  }

  /** The channel's application organisations and their CA certificates. */
  async channelMembers(): Promise<Map<string, readonly string[]>> {
    const bytes = await this.query('cscc', 'GetConfigBlock', [this.channel], this.ownMsp);
    return decodeChannelMembers(bytes);
  }

  /** MSP IDs of a committed transaction's endorsements. @throws LedgerError when absent */
  async endorsersOf(transactionId: string): Promise<string[]> {
    const bytes = await this.query(
      'qscc',
      'GetTransactionByID',
      [this.channel, transactionId],
      undefined,
    );
    return decodeEndorsers(bytes);
  }

  private async transactionBytes(
    transactionId: string,
    peerMsp: string | undefined,
  ): Promise<Uint8Array | undefined> {
    try {
      return await this.query('qscc', 'GetTransactionByID', [this.channel, transactionId], peerMsp);
    } catch (err) {
      if (isTransactionNotFound(err)) return undefined;
      throw err;
    }
  }
}

/**
 * The system-chaincode reads every transport answers the same way, through
 * its {@link LedgerQueries}: the part of {@link LedgerConnection} that does
 * not depend on the client library.
 */
export abstract class QueryingConnection {
  protected abstract readonly queries: LedgerQueries;

  /** One evaluation, on the transport's own terms; its typed errors. */
  protected abstract evaluateOnce(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: EvaluateOptions,
  ): Promise<string>;

  /** {@inheritDoc LedgerConnection.reconnect} */
  abstract reconnect(): Promise<void>;

  /** {@inheritDoc LedgerConnection.evaluate} */
  async evaluate(
    namespace: string,
    fn: string,
    args: readonly string[],
    options: EvaluateOptions = {},
  ): Promise<string> {
    try {
      return await this.evaluateOnce(namespace, fn, args, options);
    } catch (err) {
      if (!(err instanceof PeerUnreachableError)) throw err;
      // A read changes nothing: after a peer outage, reconnect (fresh discovery,
      // or another Gateway) and ask again once.
      await this.reconnect().catch(() => undefined);
      return this.evaluateOnce(namespace, fn, args, options);
    }
  }

  validationCode(transactionId: string): Promise<string | undefined> {
    return this.queries.validationCode(transactionId);
  }

  transactionStatus(transactionId: string): Promise<TransactionStatus> {
    return this.queries.transactionStatus(transactionId);
  }

  blockNumberOf(transactionId: string): Promise<bigint> {
    return this.queries.blockNumberOf(transactionId);
  }

  processedTransaction(transactionId: string): Promise<ProcessedTransaction | undefined> {
    return this.queries.processedTransaction(transactionId);
  }

  block(blockNumber: bigint): Promise<ProcessedTransaction[]> {
    return this.queries.block(blockNumber);
  }

  channelMembers(): Promise<Map<string, readonly string[]>> {
    return this.queries.channelMembers();
  }

  endorsersOf(transactionId: string): Promise<string[]> {
    return this.queries.endorsersOf(transactionId);
  }

  ledgerHeight(peerMsp?: string): Promise<bigint> {
    return this.queries.ledgerHeight(peerMsp);
  }
}
