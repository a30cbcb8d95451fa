import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { hasKnownRole } from '@swledger/protocol/actor';
import {
  address,
  bindingChange,
  confirmBinding,
  parseBindingRequest,
  requestBinding,
  requireSigningBinding,
  revokeBinding,
  rotateBinding,
} from '@swledger/protocol/binding';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { parseAuth } from '@swledger/protocol/signing';
import * as valid from '@swledger/protocol/validate';
import { respond, SwlContract, txOf } from './base';
import { actorOf } from './identity';
import { requireEnterpriseSignature, requireKeySignature } from './signature';
import { Store } from './store';

/**
 * Bindings of enterprise keys to USCCs (SPEC §6): requested with the key's
 * own EIP-712 signature, confirmed by a clerk of the bank the request names,
 * revocable by the enterprise (signing) or that bank, rotated by the old key
 * vouching for the new one.
 */
@Info({ title: 'binding', description: 'Enterprise keys bound to USCCs by their banks' })
export class BindingContract extends SwlContract {
  constructor() {
    super('binding');
  }

  /** Asks `bankMsp` to bind `address` to `uscc`; `authJson` is the signature of that key. */
  @Transaction()
  @Returns('string')
  public async request(ctx: Context, requestJson: string, authJson: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const request = parseBindingRequest(valid.parseJson(requestJson, 'binding'));
    const binding = requestBinding(request, actorOf(ctx), tx);
    await requireKeySignature(
      ctx,
      store,
      tx,
      { fn: 'binding:request', args: [requestJson], owner: request.uscc, auth: authJson },
      request.address,
    );
    if ((await store.findBinding(request.address)) !== undefined) {
      fail(ErrorCode.ALREADY_EXISTS, `key ${request.address} has a binding already`);
    }

    await store.createBinding(binding);
    store.emit([bindingChange(undefined, binding, 'request')]);
    return respond(binding);
  }

  /** Confirms a requested binding: a clerk of the bank it names, after authenticating the enterprise. */
  @Transaction()
  @Returns('string')
  public async confirm(ctx: Context, keyAddress: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const before = await store.loadBinding(address(keyAddress, 'address'));
    const after = confirmBinding(before, actorOf(ctx), tx);

    await store.saveBinding(after);
    store.emit([bindingChange(before, after, 'confirm')]);
    return respond(after);
  }

  /**
   * Revokes a binding: the confirming bank's clerk (`authJson` empty), or
   * the enterprise with the signature of a key confirmed for it.
   */
  @Transaction()
  @Returns('string')
  public async revoke(ctx: Context, keyAddress: string, authJson: string): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const before = await store.loadBinding(address(keyAddress, 'address'));
    const byEnterprise =
      authJson !== '' &&
      (await requireEnterpriseSignature(ctx, store, tx, {
        fn: 'binding:revoke',
        args: [keyAddress],
        owner: before.uscc,
        auth: authJson,
      })) !== undefined;
    const after = revokeBinding(before, actorOf(ctx), tx, byEnterprise);

    await store.saveBinding(after);
    store.emit([bindingChange(before, after, 'revoke')]);
    return respond(after);
  }

  /**
   * Replaces a confirmed key by a new one in one transaction: `oldAuthJson`
   * is the old key's signature, `newAuthJson` the new key's, both over
   * `{oldAddress, newAddress}`.
   */
  @Transaction()
  @Returns('string')
  public async rotate(
    ctx: Context,
    rotationJson: string,
    oldAuthJson: string,
    newAuthJson: string,
  ): Promise<string> {
    const tx = txOf(ctx);
    const store = new Store(ctx.stub);
    const given = valid.fields(valid.parseJson(rotationJson, 'rotation'), 'rotation', [
      'oldAddress',
      'newAddress',
    ]);
    const oldAddress = address(given.oldAddress, 'oldAddress');
    const newAddress = address(given.newAddress, 'newAddress');
    const stored = await store.loadBinding(oldAddress);
    const old = requireSigningBinding(stored, oldAddress, stored.uscc);
    const call = { fn: 'binding:rotate', args: [rotationJson], owner: old.uscc };
    if (parseAuth(oldAuthJson).signer !== oldAddress) {
      fail(ErrorCode.BAD_SIGNATURE, `a rotation must be signed by the old key ${oldAddress}`);
    }
    await requireEnterpriseSignature(ctx, store, tx, { ...call, auth: oldAuthJson });
    await requireKeySignature(ctx, store, tx, { ...call, auth: newAuthJson }, newAddress);
    if ((await store.findBinding(newAddress)) !== undefined) {
      fail(ErrorCode.ALREADY_EXISTS, `key ${newAddress} has a binding already`);
    }
    const { retired, created } = rotateBinding(old, newAddress, actorOf(ctx), tx);

    await store.saveBinding(retired);
    await store.createBinding(created);
    store.emit([
      bindingChange(old, retired, 'rotate'),
      bindingChange(undefined, created, 'rotate'),
    ]);
    return respond({ retired, created });
  }

  /** A key's binding: readable by every known role (customs, banks, enterprises, verifiers). */
  @Transaction(false)
  @Returns('string')
  public async get(ctx: Context, keyAddress: string): Promise<string> {
    const actor = actorOf(ctx);
    if (!hasKnownRole(actor)) {
      fail(ErrorCode.FORBIDDEN, 'the caller has no role that reads bindings');
    }
    const store = new Store(ctx.stub);
    return respond(await store.loadBinding(address(keyAddress, 'address')));
  }
}
