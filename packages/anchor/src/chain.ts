import {
  Contract,
  ContractFactory,
  Interface,
  JsonRpcProvider,
  Network,
  Signer,
  TransactionReceipt,
  TypedDataDomain,
  BaseWallet,
} from 'ethers';
import { artifact } from './artifact';
import {
  ANCHOR_TYPES,
  AnchorMessage,
  KEYSET_TYPES,
  KeySetMessage,
  anchorDomain,
  sortBySigner,
} from './typed';

/** Where an anchor contract is. */
export interface ChainConfig {
  readonly rpcUrl: string;
  readonly chainId: bigint;
  readonly contract: string;
}

/** An anchor as the contract holds it. */
export interface OnChainAnchor {
  readonly index: number;
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  readonly leaves: number;
  readonly evmBlock: bigint;
  /** Seconds since the epoch of the EVM block that accepted the anchor. */
  readonly timestamp: number;
}

/** An accepted anchor as its event tells it. */
export interface AnchorEvent {
  readonly index: number;
  readonly root: string;
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  readonly leaves: number;
  readonly transactionHash: string;
  readonly evmBlock: bigint;
  /** Addresses whose signatures the contract accepted. */
  readonly signers: readonly string[];
}

/** The result of one accepted anchor transaction. */
export interface Submission {
  readonly transactionHash: string;
  readonly evmBlock: bigint;
  readonly gasUsed: bigint;
  readonly index: number;
}

/** One organisation's signature with the address that made it. */
export interface OrgSignature {
  readonly mspId: string;
  readonly address: string;
  readonly signature: string;
}

/** The contract's interface (its ABI), for decoding errors, calldata and logs. */
export function anchorInterface(): Interface {
  return new Interface(artifact().abi);
}

/** Signs an anchor message with an organisation's anchor key. */
export async function signAnchor(
  key: BaseWallet,
  domain: TypedDataDomain,
  message: AnchorMessage,
): Promise<string> {
  return key.signTypedData(domain, ANCHOR_TYPES, { ...message, revoked: [...message.revoked] });
}

/** Signs a key-set change with an organisation's current anchor key. */
export async function signKeySet(
  key: BaseWallet,
  domain: TypedDataDomain,
  message: KeySetMessage,
): Promise<string> {
  return key.signTypedData(domain, KEYSET_TYPES, { ...message, keys: [...message.keys] });
}

/**
 * The anchor contract on an EVM chain, through ethers: deploy, read, and
 * submit anchors and key changes (the submitter pays gas; the signatures
 * carry the authority).
 */
export class AnchorChain {
  private constructor(
    readonly config: ChainConfig,
    private readonly contract: Contract,
    readonly provider: JsonRpcProvider,
  ) {}

  /**
   * Deploys a new anchor contract registering `keys`, anchoring from Fabric block `firstBlock`.
   * @returns the chain and the deployment's gas
   */
  static async deploy(
    rpcUrl: string,
    submitter: Signer,
    keys: readonly string[],
    firstBlock = 0n,
  ): Promise<{ chain: AnchorChain; gasUsed: bigint; transactionHash: string }> {
    const chainId = await rpcChainId(rpcUrl);
    const provider = providerOf(rpcUrl, chainId);
    const { abi, bytecode } = artifact();
    const factory = new ContractFactory(abi, bytecode, submitter);
    const deployed = await factory.deploy([...keys], firstBlock);
    const receipt = await deployed.deploymentTransaction()?.wait();
    if (!receipt) throw new Error('the anchor contract deployment has no receipt');
    const address = await deployed.getAddress();
    const chain = AnchorChain.at({ rpcUrl, chainId, contract: address }, submitter, provider);
    return { chain, gasUsed: receipt.gasUsed, transactionHash: receipt.hash };
  }

  /** The contract at `config.contract`; `submitter` is needed only to submit. */
  static at(
    config: ChainConfig,
    submitter?: Signer,
    provider = providerOf(config.rpcUrl, config.chainId),
  ): AnchorChain {
    const contract = new Contract(config.contract, artifact().abi, submitter ?? provider);
    return new AnchorChain(config, contract, provider);
  }

  get domain(): TypedDataDomain {
    return anchorDomain(this.config.chainId, this.config.contract);
  }

  async nextBlock(): Promise<bigint> {
    return BigInt(await this.call<bigint>('nextBlock'));
  }

  async anchorCount(): Promise<number> {
    return Number(await this.call<bigint>('anchorCount'));
  }

  async keys(blockTag?: bigint): Promise<string[]> {
    return [...(await this.call<string[]>('keys', [], blockTag))];
  }

  async keysNonce(): Promise<bigint> {
    return BigInt(await this.call<bigint>('keysNonce'));
  }

  async majority(): Promise<number> {
    return Number(await this.call<bigint>('majority'));
  }

  /** The anchor of a root, undefined when the contract never accepted it. */
  async anchorOf(root: string): Promise<OnChainAnchor | undefined> {
    const a = await this.call<[bigint, bigint, bigint, bigint, bigint, bigint]>('anchorOf', [root]);
    const [fromBlock, toBlock, index, leaves, evmBlock, timestamp] = a;
    if (index === 0n) return undefined;
    return {
      fromBlock,
      toBlock,
      index: Number(index),
      leaves: Number(leaves),
      evmBlock,
      timestamp: Number(timestamp),
    };
  }

  /** Index of the last anchor that moved a document to an unusable status (0: none). */
  async revokedIn(sha256: string): Promise<number> {
    return Number(await this.call<bigint>('revokedIn', [`0x${sha256}`]));
  }

  /** The root of anchor `index`. */
  async rootAt(index: number): Promise<string> {
    return this.call<string>('rootAt', [index]);
  }

  /** The contract's own Merkle check (the same algorithm the off-chain verifier runs). */
  async verifyProof(proof: readonly string[], root: string, leafHash: string): Promise<boolean> {
    return this.call<boolean>('verifyProof', [[...proof], root, leafHash]);
  }

  /**
   * Submits an anchor with the organisations' signatures (sorted by signer here).
   * @throws Error with the contract's reason (RangeNotNext, NoMajority, RootKnown, SignerNotKey…) when refused
   */
  async submit(message: AnchorMessage, signatures: readonly OrgSignature[]): Promise<Submission> {
    const sigs = sortBySigner(signatures).map((s) => s.signature);
    const receipt = await this.send('anchor', [
      message.fromBlock,
      message.toBlock,
      message.root,
      message.leaves,
      [...message.revoked],
      sigs,
    ]);
    const index = this.anchoredIndex(receipt);
    return {
      transactionHash: receipt.hash,
      evmBlock: BigInt(receipt.blockNumber),
      gasUsed: receipt.gasUsed,
      index,
    };
  }

  /**
   * Replaces the anchor keys with a majority of the current keys' signatures.
   * @throws Error with the contract's reason (StaleNonce, NoMajority, BadKeySet…) when refused
   */
  async setKeys(message: KeySetMessage, signatures: readonly OrgSignature[]): Promise<Submission> {
    const sigs = sortBySigner(signatures).map((s) => s.signature);
    const receipt = await this.send('setKeys', [[...message.keys], message.nonce, sigs]);
    return {
      transactionHash: receipt.hash,
      evmBlock: BigInt(receipt.blockNumber),
      gasUsed: receipt.gasUsed,
      index: 0,
    };
  }

  /** Every accepted anchor, oldest first, from the contract's Anchored events. */
  async anchors(): Promise<AnchorEvent[]> {
    const logs = await this.contract.queryFilter(this.contract.filters.Anchored!(), 0, 'latest');
    const iface = anchorInterface();
    return logs.map((log) => {
      const parsed = iface.parseLog(log);
      if (!parsed) throw new Error(`unreadable Anchored log in ${log.transactionHash}`);
      const [index, root, fromBlock, toBlock, leaves, signers] = parsed.args as unknown as [
        bigint,
        string,
        bigint,
        bigint,
        bigint,
        string[],
      ];
      return {
        index: Number(index),
        root,
        fromBlock,
        toBlock,
        leaves: Number(leaves),
        transactionHash: log.transactionHash,
        evmBlock: BigInt(log.blockNumber),
        signers: [...signers],
      };
    });
  }

  /** The documents (0x sha256) anchor `index` revoked, from its Revoked events. */
  async revokedBy(index: number, evmBlock: bigint): Promise<string[]> {
    const filter = this.contract.filters.Revoked!(null, index);
    const logs = await this.contract.queryFilter(filter, evmBlock, evmBlock);
    const iface = anchorInterface();
    return logs.map((log) => String(iface.parseLog(log)?.args[0])).sort();
  }

  /** Closes the provider's connections. */
  close(): void {
    this.provider.destroy();
  }

  private anchoredIndex(receipt: TransactionReceipt): number {
    const iface = anchorInterface();
    for (const log of receipt.logs) {
      const parsed = iface.parseLog(log);
      if (parsed?.name === 'Anchored') return Number(parsed.args[0] as bigint);
    }
    throw new Error(`anchor transaction ${receipt.hash} emitted no Anchored event`);
  }

  private async call<T>(fn: string, args: readonly unknown[] = [], blockTag?: bigint): Promise<T> {
    const method = this.contract.getFunction(fn);
    return (await method.staticCall(...args, blockTag === undefined ? {} : { blockTag })) as T;
  }

  private async send(fn: string, args: readonly unknown[]): Promise<TransactionReceipt> {
    const method = this.contract.getFunction(fn);
    try {
      // Simulate first: a refusal then carries the contract's custom error, decoded.
      await method.staticCall(...args);
      const tx = await method.send(...args);
      const receipt = await tx.wait();
      if (!receipt) throw new Error(`${fn}: no receipt for ${tx.hash}`);
      return receipt;
    } catch (err) {
      throw new AnchorRefusedError(fn, err);
    }
  }
}

/** The contract refused a call: `reason` is its custom error's name (RangeNotNext, NoMajority…). */
export class AnchorRefusedError extends Error {
  readonly reason: string;
  readonly args: readonly string[];

  constructor(fn: string, cause: unknown) {
    const decoded = decodeRevert(cause);
    super(
      decoded
        ? `the anchor contract refused ${fn}: ${decoded.reason}(${decoded.args.join(', ')})`
        : `${fn} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = AnchorRefusedError.name;
    this.reason = decoded?.reason ?? 'UNKNOWN';
    this.args = decoded?.args ?? [];
  }
}

function decodeRevert(err: unknown): { reason: string; args: string[] } | undefined {
  const data = (err as { data?: unknown }).data;
  if (typeof data !== 'string' || data.length < 10) return undefined;
  try {
    const parsed = anchorInterface().parseError(data);
    if (!parsed) return undefined;
    return { reason: parsed.name, args: parsed.args.map((a: unknown) => String(a)) };
  } catch {
    return undefined;
  }
}

/**
 * A JSON-RPC provider bound to a known chain id: it fails a call at once when
 * the node is unreachable, instead of retrying network detection forever.
 */
export function providerOf(rpcUrl: string, chainId: bigint): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, Network.from(chainId), {
    staticNetwork: Network.from(chainId),
    batchMaxCount: 1,
  });
}

/**
 * The chain id an RPC endpoint reports (eth_chainId), within `timeoutMs`.
 * @throws Error when the endpoint does not answer or answers something else
 */
export async function rpcChainId(rpcUrl: string, timeoutMs = 5000): Promise<bigint> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { result?: unknown };
  if (typeof body.result !== 'string') throw new Error(`${rpcUrl} did not answer eth_chainId`);
  return BigInt(body.result);
}
