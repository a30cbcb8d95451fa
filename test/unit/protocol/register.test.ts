import { expect } from 'chai';
import { ErrorCode } from '@swledger/protocol/errors';
import { DOC_TYPES } from '@swledger/protocol/record';
import { MAX_BATCH, newRecord, newRecords } from '@swledger/protocol/register';
import {
  ACTOR_NAMES,
  actors,
  expectCode,
  hashOf,
  inputFor,
  OTHER,
  OWNER,
  TX,
} from '../chaincode/fixtures';

const INITIAL: Record<string, Record<string, unknown>> = {
  CUSTOMS_DECLARATION: { status: 'SUBMITTED', taxStatus: 'NONE' },
  COMMERCIAL_INVOICE: { status: 'REGISTERED', financed: '0.00', openFinancings: 0 },
  CONTRACT: { status: 'REGISTERED' },
  TARIFF_GUARANTEE: { status: 'APPLIED', balance: '1000.00', openDraws: 0 },
};

describe('domain/register', () => {
  for (const type of DOC_TYPES) {
    it(`registers a ${type} with its issuer, transaction and initial state`, () => {
      const record = newRecord(inputFor(type), actors.owner, TX);

      expect(record.facts).to.deep.include({
        schemaVersion: 1,
        type,
        owner: OWNER,
        issuerMsp: 'EnterpriseMSP',
        issuerId: actors.owner.id,
        createdAt: TX.time,
        txId: TX.id,
      });
      expect(record.state).to.deep.include({
        ...INITIAL[type],
        schemaVersion: 1,
        type,
        updatedAt: TX.time,
      });
    });
  }

  it('lets only an enterprise user register, and only for its own entity', () => {
    for (const name of ACTOR_NAMES.filter((n) => n !== 'owner')) {
      expectCode(() => newRecord(inputFor('CONTRACT'), actors[name], TX), ErrorCode.FORBIDDEN);
    }
  });

  it('rejects unknown fields, unknown types and bad links', () => {
    expectCode(
      () => newRecord({ ...inputFor('CONTRACT'), status: 'TERMINATED' }, actors.owner, TX),
      ErrorCode.INVALID_ARGUMENT,
    );
    expectCode(
      () => newRecord({ ...inputFor('CONTRACT'), type: 'BILL_OF_LADING' }, actors.owner, TX),
      ErrorCode.INVALID_ARGUMENT,
    );
    expectCode(
      () => newRecord({ ...inputFor('CONTRACT'), links: ['ok', 'not ok'] }, actors.owner, TX),
      ErrorCode.INVALID_ARGUMENT,
    );
    expectCode(
      () => newRecord({ ...inputFor('CONTRACT'), owner: 'nope' }, actors.owner, TX),
      ErrorCode.INVALID_ARGUMENT,
    );
  });

  describe('batches', () => {
    const entry = (index: number) =>
      inputFor('COMMERCIAL_INVOICE', `INV-${index}`, index.toString(16).padStart(64, '0'));

    it(`builds up to ${MAX_BATCH} records`, () => {
      const input = Array.from({ length: MAX_BATCH }, (_, index) => entry(index));

      const records = newRecords(input, actors.owner, TX);

      expect(records).to.have.length(MAX_BATCH);
    });

    it('refuses an empty batch and one over the limit', () => {
      expectCode(() => newRecords([], actors.owner, TX), ErrorCode.INVALID_ARGUMENT);
      expectCode(
        () =>
          newRecords(
            Array.from({ length: MAX_BATCH + 1 }, (_, i) => entry(i)),
            actors.owner,
            TX,
          ),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    it('names the entry holding an invalid document', () => {
      const bad = {
        ...entry(1),
        facts: { seller: OTHER, buyer: OWNER, amount: '1.001', currency: 'USD' },
      };

      const error = expectCode(
        () => newRecords([entry(0), bad], actors.owner, TX),
        ErrorCode.INVALID_ARGUMENT,
      );

      expect(error.message).to.match(/^INVALID_ARGUMENT: entry 1: facts.amount/);
    });

    it('catches a hash used twice within the batch', () => {
      const twin = { ...entry(1), sha256: entry(0).sha256 };

      const error = expectCode(
        () => newRecords([entry(0), twin], actors.owner, TX),
        ErrorCode.DUPLICATE_HASH,
      );

      expect(error.message).to.contain('entry 1').and.to.contain('entry 0');
    });

    it('catches a type and docId used twice within the batch', () => {
      const twin = { ...entry(1), docId: 'INV-0' };

      expectCode(() => newRecords([entry(0), twin], actors.owner, TX), ErrorCode.ALREADY_EXISTS);
    });

    it('allows the same docId under two types', () => {
      const contract = inputFor('CONTRACT', 'INV-0', hashOf('c'));

      expect(newRecords([entry(0), contract], actors.owner, TX)).to.have.length(2);
    });
  });
});
