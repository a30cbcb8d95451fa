import { LedgerError, NotFoundError, type SwlClient } from '@swledger/sdk';
import { decodeTransaction } from '@swledger/sdk/envelope';
import type { Change, ChangeEvent } from '@swledger/protocol/events';
import { EVENT_NAME } from '@swledger/protocol/events';
import type { AnchorSignatureEntry, AnchorSignatureInput } from '@swledger/protocol/anchorsig';
import type { BoardEntry, SignatureBoard } from './board';
import type { OrgSignature } from './chain';
import type { Leaf } from './leaf';
import type { AnchorMessage } from './typed';
import type { AnchorRecorder, LedgerAnchor, LedgerReader } from './source';

/**
 * Reads leaves from the blocks of the connected organisation's own peer:
 * each valid transaction's signed chaincode event lists its changes; the
 * issuer organisation of a registration is the transaction's signed
 * creator, that of a later change the record's (read on the own peer).
 */
export class FabricLedgerReader implements LedgerReader {
  constructor(private readonly client: SwlClient) {}

  get mspId(): string {
    return this.client.mspId;
  }

  async height(): Promise<bigint> {
    return this.client.connection.ledgerHeight(this.client.mspId);
  }

  async leaves(fromBlock: bigint, toBlock: bigint): Promise<Leaf[]> {
    const leaves: Leaf[] = [];
    const issuers = new Map<string, string>();
    for (let n = fromBlock; n <= toBlock; n++) {
      for (const tx of await this.client.connection.block(n)) {
        if (tx.validationCode !== 'VALID') continue;
        const changes = this.changesOf(tx.envelope);
        if (changes === undefined) continue;
        for (const change of changes.changes) {
          if (change.oldStatus === null) issuers.set(change.sha256, changes.creatorMsp);
          const issuerMsp = issuers.get(change.sha256) ?? (await this.issuerOf(change));
          issuers.set(change.sha256, issuerMsp);
          leaves.push({
            sha256: change.sha256,
            type: change.type,
            docId: change.docId,
            status: change.newStatus,
            issuerMsp,
            owner: change.owner,
            txId: changes.txId,
            block: Number(n),
          });
        }
      }
    }
    return leaves;
  }

  private changesOf(
    envelope: Uint8Array,
  ): { changes: readonly Change[]; txId: string; creatorMsp: string } | undefined {
    let tx;
    try {
      tx = decodeTransaction(envelope);
    } catch {
      return undefined; // a configuration transaction
    }
    if (tx.event?.name !== EVENT_NAME) return undefined;
    const payload = JSON.parse(Buffer.from(tx.event.payload).toString('utf8')) as ChangeEvent;
    return { changes: payload.changes, txId: tx.transactionId, creatorMsp: tx.creator.mspId };
  }

  private async issuerOf(change: Change): Promise<string> {
    const view = await this.client.documents.getByHash(change.sha256, this.client.mspId);
    return view.issuerMsp;
  }
}

/** Records anchors with the `anchor` contract, as the connected (writing) identity. */
export class FabricAnchorRecorder implements AnchorRecorder {
  constructor(private readonly client: SwlClient) {}

  async isRecorded(chainId: string, contract: string, index: number): Promise<boolean> {
    try {
      await this.client.connection.evaluate('anchor', 'get', [chainId, contract, String(index)]);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  async record(anchor: LedgerAnchor): Promise<void> {
    try {
      await this.client.connection.submit('anchor', 'record', [JSON.stringify(anchor)]);
    } catch (err) {
      if (!(err instanceof LedgerError && err.code === 'ALREADY_EXISTS')) throw err;
    }
  }
}

/**
 * The ledger's anchor signature board (`anchor:sign`, `anchor:signatures`),
 * through the connected organisation's own peer, posting as its `anchorer`.
 */
export class FabricSignatureBoard implements SignatureBoard {
  constructor(private readonly client: SwlClient) {}

  get mspId(): string {
    return this.client.mspId;
  }

  async signatures(chainId: bigint, contract: string, fromBlock: bigint): Promise<BoardEntry[]> {
    const raw = await this.client.connection.evaluate('anchor', 'signatures', [
      chainId.toString(),
      contract,
      fromBlock.toString(),
    ]);
    return (JSON.parse(raw) as AnchorSignatureEntry[]).map((e) => ({
      mspId: e.mspId,
      address: e.signer,
      signature: e.signature,
      message: {
        fromBlock: BigInt(e.fromBlock),
        toBlock: BigInt(e.toBlock),
        root: e.root,
        leaves: e.leaves,
        revoked: e.revoked,
      },
    }));
  }

  async post(
    chainId: bigint,
    contract: string,
    message: AnchorMessage,
    signed: OrgSignature,
  ): Promise<void> {
    const input: AnchorSignatureInput = {
      chainId: chainId.toString(),
      contract: contract.toLowerCase(),
      fromBlock: message.fromBlock.toString(),
      toBlock: message.toBlock.toString(),
      root: message.root.toLowerCase(),
      leaves: message.leaves,
      revoked: [...message.revoked],
      mspId: this.client.mspId,
      signer: signed.address.toLowerCase(),
      signature: signed.signature.toLowerCase(),
    };
    await this.client.connection.submit('anchor', 'sign', [JSON.stringify(input)]);
  }
}
