import { expect } from 'chai';
import { amountCents, docId, sha256, uscc } from '@swledger/protocol/validate';
import { Amount, DocId, Sha256, Uscc } from '@swledger/rest/schemas';

/** Whether a protocol validator accepts `value` (it throws INVALID_ARGUMENT otherwise). */
function accepts(validate: (v: unknown) => unknown, value: string): boolean {
  try {
    validate(value);
    return true;
  } catch {
    return false;
  }
}

describe('rest/schemas agree with the chaincode validators', () => {
  const table = [
    {
      name: 'amount',
      schema: Amount,
      validate: (v: unknown) => amountCents(v),
      values: [
        '1',
        '1000.00',
        '0.01',
        '0',
        '0.00',
        '00.5',
        '01',
        '1.234',
        '-1',
        '1e3',
        '123456789012345678',
        '1234567890123456789',
        ' 1',
        '',
      ],
    },
    {
      name: 'docId',
      schema: DocId,
      validate: (v: unknown) => docId(v),
      values: ['INV-1', 'a/b.c_d', '', 'x'.repeat(64), 'x'.repeat(65), 'a b', 'ü'],
    },
    {
      name: 'sha256',
      schema: Sha256,
      validate: (v: unknown) => sha256(v),
      values: ['a'.repeat(64), 'A'.repeat(64), 'a'.repeat(63), 'g'.repeat(64)],
    },
    {
      name: 'uscc',
      schema: Uscc,
      validate: (v: unknown) => uscc(v, 'owner'),
      values: ['91310000MA1K4A7B2X', '91310000MA1K4A7B2I', '91310000MA1K4A7B2', 'x'],
    },
  ];

  for (const { name, schema, validate, values } of table) {
    it(`accepts exactly the ${name}s the chaincode accepts`, () => {
      const rest = values.map((v) => schema.safeParse(v).success);

      const chaincode = values.map((v) => accepts(validate, v));

      expect(rest).to.deep.equal(chaincode);
      expect(chaincode).to.include(true).and.to.include(false);
    });
  }
});
