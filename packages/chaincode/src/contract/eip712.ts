import { concat, keccak256, toBeHex, toUtf8Bytes } from 'ethers';
import { WRITE_TYPES, type SigningDomain, type WriteMessage } from '@swledger/protocol/signing';

/*
 * The EIP-712 digest of an enterprise write, built by hand from
 * WRITE_TYPES: the type hashes are computed once, each call hashes only
 * the message's own fields (ethers' TypedDataEncoder re-derives and
 * re-hashes the types and the domain on every call, about 0.6 ms). The
 * result equals `TypedDataEncoder.hash(domain, WRITE_TYPES, message)`
 * (unit-tested on many inputs); a field type this file does not encode
 * fails when the module loads, never silently. The domain separator is
 * remembered per domain: a memo, no answer depends on it.
 */

type Field = { readonly name: string; readonly type: string };

/** The EIP712Domain fields of a {@link SigningDomain}, in the order EIP-712 lists them. */
const DOMAIN_FIELDS: readonly Field[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
];

const UINT_BOUND: Readonly<Record<string, bigint>> = { uint64: 2n ** 64n, uint256: 2n ** 256n };

function typeHash(name: string, fields: readonly Field[]): string {
  const encoded = `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;
  return keccak256(toUtf8Bytes(encoded));
}

/** The 32-byte encoding of one field value; throws on a value its type cannot hold (as ethers does). */
function encoder(type: string): (value: unknown) => string {
  if (type === 'string') {
    return (value) => {
      if (typeof value !== 'string') throw new TypeError('string expected');
      return keccak256(toUtf8Bytes(value));
    };
  }
  if (type === 'bytes32') {
    return (value) => {
      if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
        throw new TypeError('bytes32 expected');
      }
      return value.toLowerCase();
    };
  }
  const bound = UINT_BOUND[type];
  if (bound !== undefined) {
    return (value) => {
      if (typeof value !== 'number' && typeof value !== 'bigint') {
        throw new TypeError(`${type} expected`);
      }
      const n = BigInt(value);
      if (n < 0n || n >= bound) throw new RangeError(`value out-of-bounds for ${type}`);
      return toBeHex(n, 32);
    };
  }
  throw new Error(`eip712.ts does not encode ${type}`);
}

/** A struct's hash function: keccak(typeHash ‖ enc(field)...). */
function structHasher(
  name: string,
  fields: readonly Field[],
): (value: Readonly<Record<string, unknown>>) => string {
  const head = typeHash(name, fields);
  const encoders = fields.map((f) => ({ name: f.name, encode: encoder(f.type) }));
  return (value) => keccak256(concat([head, ...encoders.map((e) => e.encode(value[e.name]))]));
}

const hashDomainStruct = structHasher('EIP712Domain', DOMAIN_FIELDS);
const hashWrite = structHasher('EnterpriseWrite', WRITE_TYPES.EnterpriseWrite);

/** Domain separators by name and chain id: a memo (a network has one domain), bounded. */
const separators = new Map<string, string>();
const MAX_SEPARATORS = 16;

function hashDomain(domain: SigningDomain): string {
  const key = JSON.stringify([domain.name, domain.version, domain.chainId]);
  const known = separators.get(key);
  if (known !== undefined) return known;
  const separator = hashDomainStruct({ ...domain });
  if (separators.size >= MAX_SEPARATORS) separators.clear();
  separators.set(key, separator);
  return separator;
}

/**
 * The EIP-712 digest an enterprise signs for one write:
 * `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
 *
 * @throws Error when a field does not fit its type (a deadline past uint64)
 */
export function writeDigest(domain: SigningDomain, message: WriteMessage): string {
  return keccak256(concat(['0x1901', hashDomain(domain), hashWrite({ ...message })]));
}
