import { expect } from 'chai';
import { ErrorCode } from '@swledger/protocol/errors';
import {
  amount,
  amountCents,
  currency,
  customsOffice,
  docId,
  docIdList,
  fields,
  formatCents,
  integer,
  isoTime,
  parseJson,
  sha256,
  uscc,
} from '@swledger/protocol/validate';
import { expectCode, hashOf, OWNER } from '../chaincode/fixtures';

describe('domain/validate', () => {
  describe('docId', () => {
    it('accepts 1 to 64 of [A-Za-z0-9._/-]', () => {
      const longest = 'a'.repeat(64);

      const accepted = ['A', 'INV-2026/001_x.v2', longest].map((id) => docId(id));

      expect(accepted).to.deep.equal(['A', 'INV-2026/001_x.v2', longest]);
    });

    for (const bad of ['', 'a'.repeat(65), 'has space', 'semi;colon', 'ünïcode', 'a+b', 42, null]) {
      it(`rejects ${JSON.stringify(bad)}`, () => {
        expectCode(() => docId(bad), ErrorCode.INVALID_ARGUMENT);
      });
    }
  });

  describe('sha256', () => {
    it('accepts 64 lowercase hex digits', () => {
      expect(sha256(hashOf('0').slice(0, 60) + 'abcd')).to.have.length(64);
    });

    for (const bad of [
      hashOf('A'),
      hashOf('a').slice(1),
      hashOf('a') + 'a',
      hashOf('g'),
      undefined,
    ]) {
      it(`rejects ${String(bad)}`, () => {
        expectCode(() => sha256(bad), ErrorCode.INVALID_ARGUMENT);
      });
    }
  });

  describe('uscc', () => {
    it('accepts 18 of [0-9A-HJ-NPQRTUWXY]', () => {
      expect(uscc(OWNER, 'owner')).to.equal(OWNER);
    });

    for (const bad of [
      '91310000MA1FL8XQ3',
      '91310000MA1FL8XQ3BB',
      '91310000MA1FL8XQ3I',
      '91310000MA1FL8XQ3O',
      '91310000MA1FL8XQ3S',
      '91310000MA1FL8XQ3V',
      '91310000MA1FL8XQ3Z',
      '91310000ma1fl8xq3b',
    ]) {
      it(`rejects ${bad}`, () => {
        expectCode(() => uscc(bad, 'owner'), ErrorCode.INVALID_ARGUMENT);
      });
    }
  });

  describe('amounts', () => {
    it('parses decimals to integer cents without floating point', () => {
      const parsed = ['1', '0.1', '0.01', '12.5', '999999999999999999.99'].map((value) =>
        amountCents(value),
      );

      expect(parsed).to.deep.equal([100n, 10n, 1n, 1250n, 99999999999999999999n]);
    });

    it('normalises to two fraction digits', () => {
      expect([amount('7'), amount('7.5'), amount('0.07')]).to.deep.equal(['7.00', '7.50', '0.07']);
    });

    it('formats negative and zero cents', () => {
      expect([formatCents(0n), formatCents(-150n)]).to.deep.equal(['0.00', '-1.50']);
    });

    it('accepts zero only when asked', () => {
      expect(amountCents('0.00', 'financed', true)).to.equal(0n);
      expectCode(() => amountCents('0'), ErrorCode.INVALID_ARGUMENT);
    });

    for (const bad of [
      '-1',
      '1.001',
      '01',
      '1e3',
      ' 1',
      '1.',
      '.5',
      '',
      '1,000',
      '0x10',
      12,
      '1000000000000000000',
    ]) {
      it(`rejects ${JSON.stringify(bad)}`, () => {
        expectCode(() => amountCents(bad), ErrorCode.INVALID_ARGUMENT);
      });
    }
  });

  describe('codes', () => {
    it('accepts supported currencies and 4-digit customs offices', () => {
      expect([currency('CNY'), currency('USD'), customsOffice('0101')]).to.deep.equal([
        'CNY',
        'USD',
        '0101',
      ]);
    });

    for (const bad of ['usd', 'XXX', 'US', 'USDD']) {
      it(`rejects currency ${bad}`, () => {
        expectCode(() => currency(bad), ErrorCode.INVALID_ARGUMENT);
      });
    }

    for (const bad of ['101', '10101', 'A101']) {
      it(`rejects customs office ${bad}`, () => {
        expectCode(() => customsOffice(bad), ErrorCode.INVALID_ARGUMENT);
      });
    }
  });

  describe('isoTime', () => {
    it('normalises a UTC timestamp to milliseconds', () => {
      expect(isoTime('2026-05-01T08:00:00Z', 't')).to.equal('2026-05-01T08:00:00.000Z');
    });

    for (const bad of [
      '2026-05-01',
      '2026-05-01T08:00:00+08:00',
      '2026-13-01T00:00:00Z',
      'yesterday',
    ]) {
      it(`rejects ${bad}`, () => {
        expectCode(() => isoTime(bad, 't'), ErrorCode.INVALID_ARGUMENT);
      });
    }
  });

  describe('integer', () => {
    it('accepts decimal strings in range', () => {
      expect([integer('5', 'n', 1, 10), integer(10, 'n', 1, 10)]).to.deep.equal([5, 10]);
    });

    it('rejects out of range and non-integers', () => {
      expectCode(() => integer('0', 'n', 1, 10), ErrorCode.INVALID_ARGUMENT);
      expectCode(() => integer('1.5', 'n', 1, 10), ErrorCode.INVALID_ARGUMENT);
    });
  });

  describe('fields', () => {
    it('returns an object with the required and optional fields', () => {
      const value = fields({ a: 1, b: 2 }, 'x', ['a'], ['b', 'c']);

      expect(value).to.deep.equal({ a: 1, b: 2 });
    });

    it('rejects unknown fields', () => {
      const error = expectCode(
        () => fields({ a: 1, extra: true }, 'x', ['a']),
        ErrorCode.INVALID_ARGUMENT,
      );

      expect(error.message).to.contain('"extra"');
    });

    it('rejects missing fields, arrays and non-objects', () => {
      expectCode(() => fields({}, 'x', ['a']), ErrorCode.INVALID_ARGUMENT);
      expectCode(() => fields([], 'x', []), ErrorCode.INVALID_ARGUMENT);
      expectCode(() => fields('{}', 'x', []), ErrorCode.INVALID_ARGUMENT);
      expectCode(() => fields(null, 'x', []), ErrorCode.INVALID_ARGUMENT);
    });
  });

  describe('docIdList', () => {
    it('sorts the ids', () => {
      expect(docIdList(['b', 'a'], 'links', 5)).to.deep.equal(['a', 'b']);
    });

    it('rejects repeats and overlong lists', () => {
      expectCode(() => docIdList(['a', 'a'], 'links', 5), ErrorCode.INVALID_ARGUMENT);
      expectCode(() => docIdList(['a', 'b'], 'links', 1), ErrorCode.INVALID_ARGUMENT);
    });
  });

  describe('parseJson', () => {
    it('parses JSON', () => {
      expect(parseJson('{"a":[1,{"b":null}]}', 'arg')).to.deep.equal({ a: [1, { b: null }] });
    });

    for (const key of ['__proto__', 'constructor', 'prototype']) {
      it(`rejects the key ${key} at any depth`, () => {
        const nested = `{"a":[{"${key}":{"polluted":true}}]}`;

        expectCode(() => parseJson(nested, 'arg'), ErrorCode.INVALID_ARGUMENT);
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      });
    }

    it('rejects malformed JSON', () => {
      expectCode(() => parseJson('{a:1}', 'arg'), ErrorCode.INVALID_ARGUMENT);
    });
  });
});
