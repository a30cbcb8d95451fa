import 'reflect-metadata';
import { expect } from 'chai';
import { Context } from 'fabric-contract-api';
import { contracts } from '@swledger/chaincode';

describe('contract metadata', () => {
  it('serves system first, then document, invoice, guarantee, provenance, anchor, binding, remit, shipment and credit', () => {
    const names = contracts.map((Contract) => new Contract().getName());

    expect(names).to.deep.equal([
      'system',
      'document',
      'invoice',
      'guarantee',
      'provenance',
      'anchor',
      'binding',
      'remit',
      'shipment',
      'credit',
    ]);
  });

  it('declares every transaction with the Context first and string arguments after it', () => {
    for (const Contract of contracts) {
      const prototype = Contract.prototype as unknown as Record<string, unknown>;
      const transactions = Object.getOwnPropertyNames(prototype).filter(
        (name) => name !== 'constructor',
      );
      for (const name of transactions) {
        const types = Reflect.getMetadata('design:paramtypes', prototype, name) as unknown[];

        expect(types[0], `${Contract.name}.${name}`).to.equal(Context);
        expect(
          types.slice(1).every((type) => type === String),
          `${Contract.name}.${name}`,
        ).to.equal(true);
      }
    }
  });
});
