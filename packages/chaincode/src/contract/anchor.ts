import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { verifyTypedData } from 'ethers';
import { parseAnchorInput, recordAnchor } from '@swledger/protocol/anchor';
import {
  ANCHOR_DOMAIN_NAME,
  ANCHOR_DOMAIN_VERSION,
  ANCHOR_FIELDS,
  parseAnchorSignatureInput,
  postAnchorSignature,
  type AnchorSignatureInput,
} from '@swledger/protocol/anchorsig';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import * as valid from '@swledger/protocol/validate';
import { respond, SwlContract, txOf } from './base';
import { actorOf } from './identity';
import { Store } from './store';

/**
 * Public anchors recorded on the ledger (SPEC §7): the anchoring service
 * records each anchor the EVM contract accepted, in the contract's order.
 */
@Info({ title: 'anchor', description: 'Public anchors of the ledger on an EVM chain' })
export class AnchorContract extends SwlContract {
  constructor() {
    super('anchor');
  }

  /**
   * Records an anchor (JSON: chainId, contract, index, root, fromBlock, toBlock, leaves, revoked, evmTransaction, evmBlock, signers).
   * @throws SwlError INVALID_ARGUMENT, FORBIDDEN (not a customs officer or bank clerk), ALREADY_EXISTS (index recorded), INVALID_TRANSITION (not the next anchor)
   */
  @Transaction()
  @Returns('string')
  public async record(ctx: Context, anchorJson: string): Promise<string> {
    const store = new Store(ctx.stub);
    const input = parseAnchorInput(valid.parseJson(anchorJson, 'anchor'));
    const record = recordAnchor(
      input,
      input.index > 1
        ? await store.findAnchor(input.chainId, input.contract, input.index - 1)
        : undefined,
      actorOf(ctx),
      txOf(ctx),
    );
    if ((await store.findAnchor(input.chainId, input.contract, input.index)) !== undefined)
      fail(ErrorCode.ALREADY_EXISTS, `anchor ${input.index} of ${input.contract} is recorded`);
    await store.createAnchor(record);
    store.emitAnchor(record);
    return respond(record);
  }

  /**
   * Posts the caller's organisation's EIP-712 anchor signature on the board
   * (JSON: chainId, contract, fromBlock, toBlock, root, leaves, revoked,
   * mspId, signer, signature). A posted signature is only a claim: the
   * chaincode checks that it recovers to `signer` and sits under the
   * caller's own MSP, not that `signer` is a key registered in the EVM
   * contract (the chaincode cannot read that chain); the anchoring services
   * and the contract check that. The identical post again is idempotent.
   * @returns the entry, as stored
   * @throws SwlError INVALID_ARGUMENT, FORBIDDEN (not a peer organisation's anchorer, or another organisation's mspId), BAD_SIGNATURE (does not recover to signer), ALREADY_EXISTS (another signature for the same range, root and organisation, or the organisation's posts for ranges starting at that block are at their limit, one per peer organisation)
   */
  @Transaction()
  @Returns('string')
  public async sign(ctx: Context, signatureJson: string): Promise<string> {
    const store = new Store(ctx.stub);
    const input = parseAnchorSignatureInput(valid.parseJson(signatureJson, 'signature'));
    const post = postAnchorSignature(
      input,
      recoverAnchorSigner(input),
      await store.findAnchorSignature(input),
      (
        await store.anchorSignaturesFrom(
          input.chainId,
          input.contract,
          input.fromBlock,
          input.mspId,
        )
      ).length,
      actorOf(ctx),
      txOf(ctx),
    );
    if (post.kind === 'created') {
      await store.createAnchorSignature(post.entry);
      store.emitAnchorSignature(post.entry);
    }
    return respond(post.entry);
  }

  /**
   * The board: every posted signature for ranges of a contract starting at `fromBlock`.
   * @returns a JSON array of entries, sorted by organisation, toBlock and root
   * @throws SwlError INVALID_ARGUMENT
   */
  @Transaction(false)
  @Returns('string')
  public async signatures(
    ctx: Context,
    chainId: string,
    contract: string,
    fromBlock: string,
  ): Promise<string> {
    const uint = /^(0|[1-9][0-9]{0,19})$/;
    if (!uint.test(chainId) || !uint.test(fromBlock))
      fail(ErrorCode.INVALID_ARGUMENT, 'chainId and fromBlock must be decimal integers');
    if (!/^0x[0-9a-fA-F]{40}$/.test(contract))
      fail(ErrorCode.INVALID_ARGUMENT, 'contract must be 0x + 40 hex');
    return respond(await new Store(ctx.stub).anchorSignaturesFrom(chainId, contract, fromBlock));
  }

  /**
   * An anchor record.
   * @throws SwlError NOT_FOUND, INVALID_ARGUMENT
   */
  @Transaction(false)
  @Returns('string')
  public async get(
    ctx: Context,
    chainId: string,
    contract: string,
    index: string,
  ): Promise<string> {
    const n = valid.integer(index, 'index', 1, 2_000_000_000);
    const found = await new Store(ctx.stub).findAnchor(
      valid.text(chainId, 'chainId', 40),
      valid.text(contract, 'contract', 42),
      n,
    );
    if (found === undefined)
      fail(ErrorCode.NOT_FOUND, `no anchor ${n} of ${contract} on chain ${chainId}`);
    return respond(found);
  }
}

/** The address an anchor signature recovers to over its message and domain; undefined when it does not recover. */
function recoverAnchorSigner(input: AnchorSignatureInput): string | undefined {
  try {
    return verifyTypedData(
      {
        name: ANCHOR_DOMAIN_NAME,
        version: ANCHOR_DOMAIN_VERSION,
        chainId: BigInt(input.chainId),
        verifyingContract: input.contract,
      },
      { Anchor: ANCHOR_FIELDS.map((f) => ({ ...f })) },
      {
        fromBlock: BigInt(input.fromBlock),
        toBlock: BigInt(input.toBlock),
        root: input.root,
        leaves: input.leaves,
        revoked: [...input.revoked],
      },
      input.signature,
    );
  } catch {
    return undefined;
  }
}
