import type { Binding, BindingRequest } from '@swledger/protocol/binding';
import type { SubmitOptions } from './connection';
import { domainOf, signWrite, type WriteSigner } from './signer';
import type { SignedConnection } from './signedconnection';
import { LedgerError } from './errors';

export type { Binding, BindingRequest };

/** Enterprise keys bound to USCCs: request (the key signs), confirm (its bank), revoke, rotate. */
export class BindingsApi {
  constructor(private readonly connection: SignedConnection) {}

  /**
   * Asks `bankMsp` to bind `key` to `uscc`; the key signs the request.
   * @throws BadSignatureError, AlreadyExistsError, ForbiddenError, InvalidArgumentError
   */
  async request(
    key: WriteSigner,
    uscc: string,
    bankMsp: string,
    options?: SubmitOptions,
  ): Promise<Binding> {
    const request: BindingRequest = {
      address: (await key.getAddress()).toLowerCase(),
      uscc,
      bankMsp,
    };
    const json = JSON.stringify(request);
    const auth = await this.sign(key, 'binding:request', [json], uscc);
    return this.submit('request', [json, auth], options);
  }

  /** Confirms a requested binding: a clerk of the bank it names. @throws ForbiddenError, InvalidTransitionError, NotFoundError */
  async confirm(address: string, options?: SubmitOptions): Promise<Binding> {
    return this.submit('confirm', [address.toLowerCase()], options);
  }

  /**
   * Revokes a binding: as the confirming bank's clerk (no `key`), or as the
   * enterprise with a key bound to it (`key`, `uscc`).
   * @throws ForbiddenError, InvalidTransitionError, KeyNotBoundError, NotFoundError
   */
  async revoke(
    address: string,
    by?: { readonly key: WriteSigner; readonly uscc: string },
    options?: SubmitOptions,
  ): Promise<Binding> {
    const target = address.toLowerCase();
    const auth =
      by === undefined ? '' : await this.sign(by.key, 'binding:revoke', [target], by.uscc);
    return this.submit('revoke', [target, auth], options);
  }

  /**
   * Replaces the confirmed key `oldKey` of `uscc` by `newKey` in one
   * transaction; both sign. The new binding keeps the old one's bank.
   * @throws KeyNotBoundError, BadSignatureError, AlreadyExistsError, InvalidTransitionError
   */
  async rotate(
    oldKey: WriteSigner,
    newKey: WriteSigner,
    uscc: string,
    options?: SubmitOptions,
  ): Promise<{ readonly retired: Binding; readonly created: Binding }> {
    const json = JSON.stringify({
      oldAddress: (await oldKey.getAddress()).toLowerCase(),
      newAddress: (await newKey.getAddress()).toLowerCase(),
    });
    const oldAuth = await this.sign(oldKey, 'binding:rotate', [json], uscc);
    const newAuth = await this.sign(newKey, 'binding:rotate', [json], uscc);
    const res = await this.connection.submit(
      'binding',
      'rotate',
      [json, oldAuth, newAuth],
      options,
    );
    return JSON.parse(res.payload) as { retired: Binding; created: Binding };
  }

  /** A key's binding. @throws NotFoundError */
  async get(address: string, peerMsp?: string): Promise<Binding> {
    return JSON.parse(
      await this.connection.evaluate('binding', 'get', [address.toLowerCase()], { peerMsp }),
    ) as Binding;
  }

  private async sign(
    key: WriteSigner,
    fn: string,
    args: readonly string[],
    uscc: string,
  ): Promise<string> {
    const settings = await this.connection.signingSettings();
    if (settings === undefined)
      throw new LedgerError(
        'SIGNING_NOT_CONFIGURED',
        'the ledger has no enterprise-signature settings',
      );
    return signWrite(key, domainOf(settings, this.connection.channel), fn, args, uscc);
  }

  private async submit(fn: string, args: string[], options?: SubmitOptions): Promise<Binding> {
    const res = await this.connection.submit('binding', fn, args, options);
    return JSON.parse(res.payload) as Binding;
  }
}
