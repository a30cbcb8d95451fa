import { expect } from 'chai';
import { ErrorCode } from '@swledger/protocol/errors';
import { canonicalJson, decode, encode, SCHEMA_VERSION } from '@swledger/protocol/serialize';
import { checkFacts, checkState } from '@swledger/protocol/stored';
import { DOC_TYPES } from '@swledger/protocol/record';
import { expectCode, recordOf } from '../chaincode/fixtures';

describe('domain/serialize', () => {
  it('sorts keys at every depth, whatever the insertion order', () => {
    const one = { b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } };
    const two = { a: { c: 'x', d: [{ y: 2, z: 1 }] }, b: 1 };

    const serialised = [canonicalJson(one), canonicalJson(two)];

    expect(serialised[0]).to.equal('{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}');
    expect(serialised[1]).to.equal(serialised[0]);
  });

  it('omits undefined fields', () => {
    expect(canonicalJson({ a: undefined, b: null })).to.equal('{"b":null}');
  });

  it('refuses values JSON cannot hold faithfully', () => {
    expect(() => canonicalJson({ a: 1.5 })).to.throw(/safe integers/);
    expect(() => canonicalJson({ a: 10n })).to.throw(/bigint/);
    expect(() => canonicalJson({ a: Number.MAX_SAFE_INTEGER + 1 })).to.throw(/safe integers/);
  });

  it('keeps a __proto__ key as data, never as a prototype', () => {
    const value = JSON.parse('{"__proto__":{"x":1}}') as unknown;

    expect(canonicalJson(value)).to.equal('{"__proto__":{"x":1}}');
  });

  for (const type of DOC_TYPES) {
    it(`round-trips a stored ${type} through decode and re-validation`, () => {
      const record = recordOf(type);

      const facts = decode(encode(record.facts), 'facts', checkFacts);
      const state = decode(encode(record.state), 'state', checkState);

      expect(facts).to.deep.equal(record.facts);
      expect(state).to.deep.equal(record.state);
      expect(Buffer.from(encode(facts)).equals(Buffer.from(encode(record.facts)))).to.equal(true);
    });
  }

  it('rejects stored values of another schema version', () => {
    const record = recordOf('CONTRACT');
    const bytes = encode({ ...record.facts, schemaVersion: SCHEMA_VERSION + 1 });

    expectCode(() => decode(bytes, 'facts', checkFacts), ErrorCode.SCHEMA_MISMATCH);
  });

  it('rejects stored values that are not JSON objects', () => {
    expectCode(() => decode(Buffer.from('not json'), 'x', checkFacts), ErrorCode.SCHEMA_MISMATCH);
    expectCode(() => decode(Buffer.from('[1]'), 'x', checkFacts), ErrorCode.SCHEMA_MISMATCH);
  });

  it('re-validates stored facts and state on read', () => {
    const record = recordOf('COMMERCIAL_INVOICE');
    const badFacts = encode({ ...record.facts, facts: { ...record.facts.facts, amount: '-1' } });
    const extraField = encode({ ...record.facts, forged: true });
    const badState = encode({ ...record.state, status: 'PAID_TWICE' });

    expectCode(() => decode(badFacts, 'facts', checkFacts), ErrorCode.SCHEMA_MISMATCH);
    expectCode(() => decode(extraField, 'facts', checkFacts), ErrorCode.SCHEMA_MISMATCH);
    expectCode(() => decode(badState, 'state', checkState), ErrorCode.SCHEMA_MISMATCH);
  });
});
