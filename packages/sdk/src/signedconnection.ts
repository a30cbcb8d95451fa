/**
 * A {@link LedgerConnection} that adds the enterprise's signature to every
 * enterprise write (SIGNED_WRITES): the last argument those chaincode
 * functions take. Without a signer it adds the empty authorisation, so an
 * unsigned write reaches the chaincode and is refused with its code there.
 * A caller's own authorisation (`SubmitOptions.enterpriseAuth`) is sent
 * unchanged instead.
 */
import { SIGNED_WRITES, type SigningConfig } from '@swledger/protocol/signing';
import type {
  EvaluateOptions,
  LedgerConnection,
  ProcessedTransaction,
  RawChaincodeEvent,
  SubmitOptions,
  Submitted,
  TransactionStatus,
  Transport,
} from './connection';
import { domainOf, parseSigningSettings, signWrite, type EnterpriseSigning } from './signer';

/** Decorates a connection with enterprise signing; every other call passes through. */
export class SignedConnection implements LedgerConnection {
  private settings: Promise<SigningConfig | undefined> | undefined;

  /**
   * @param inner the transport's connection
   * @param channel the channel the connection is on (part of the signing domain)
   * @param signing the enterprise's signer; undefined for customs, banks and unsigned callers
   */
  constructor(
    /** The undecorated connection: what a caller uses to send its own authorisation argument. */
    readonly inner: LedgerConnection,
    readonly channel: string,
    readonly signing: EnterpriseSigning | undefined,
  ) {}

  get transport(): Transport {
    return this.inner.transport;
  }
  get mspId(): string {
    return this.inner.mspId;
  }
  get chaincodeName(): string {
    return this.inner.chaincodeName;
  }
  get listening(): boolean {
    return this.inner.listening;
  }

  /** The ledger's signing settings, read once. */
  signingSettings(): Promise<SigningConfig | undefined> {
    this.settings ??= this.inner
      .evaluate('system', 'signing', [])
      .then(parseSigningSettings)
      .catch((err: unknown) => {
        this.settings = undefined;
        throw err;
      });
    return this.settings;
  }

  /** The authorisation argument of `namespace:fn` with `args`: signed when a signer is configured. */
  async authorise(namespace: string, fn: string, args: readonly string[]): Promise<string> {
    if (this.signing === undefined) return '';
    const settings = await this.signingSettings();
    if (settings === undefined) return '';
    return signWrite(
      this.signing.signer,
      domainOf(settings, this.channel),
      `${namespace}:${fn}`,
      args,
      this.signing.entity,
      this.signing.ttlSeconds,
    );
  }

  async submit(
    namespace: string,
    fn: string,
    args: readonly string[],
    options?: SubmitOptions,
  ): Promise<Submitted> {
    const { enterpriseAuth, ...rest } = options ?? {};
    if (!SIGNED_WRITES.includes(`${namespace}:${fn}`)) {
      return this.inner.submit(namespace, fn, args, rest);
    }
    const auth = enterpriseAuth ?? (await this.authorise(namespace, fn, args));
    return this.inner.submit(namespace, fn, [...args, auth], rest);
  }

  evaluate(
    namespace: string,
    fn: string,
    args: readonly string[],
    options?: EvaluateOptions,
  ): Promise<string> {
    return this.inner.evaluate(namespace, fn, args, options);
  }
  validationCode(transactionId: string): Promise<string | undefined> {
    return this.inner.validationCode(transactionId);
  }
  transactionStatus(transactionId: string): Promise<TransactionStatus> {
    return this.inner.transactionStatus(transactionId);
  }
  blockNumberOf(transactionId: string): Promise<bigint> {
    return this.inner.blockNumberOf(transactionId);
  }
  processedTransaction(transactionId: string): Promise<ProcessedTransaction | undefined> {
    return this.inner.processedTransaction(transactionId);
  }
  block(blockNumber: bigint): Promise<ProcessedTransaction[]> {
    return this.inner.block(blockNumber);
  }
  ledgerHeight(peerMsp?: string): Promise<bigint> {
    return this.inner.ledgerHeight(peerMsp);
  }
  channelMembers(): Promise<Map<string, readonly string[]>> {
    return this.inner.channelMembers();
  }
  endorsersOf(transactionId: string): Promise<string[]> {
    return this.inner.endorsersOf(transactionId);
  }
  listen(
    onEvent: (e: RawChaincodeEvent) => Promise<void>,
    startBlock?: bigint,
  ): Promise<() => void> {
    return this.inner.listen(onEvent, startBlock);
  }
  reconnect(): Promise<void> {
    return this.inner.reconnect();
  }
  close(): void {
    this.inner.close();
  }
}
