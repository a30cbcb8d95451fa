import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { parseAnchorInput, recordAnchor } from '@swledger/protocol/anchor';
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
