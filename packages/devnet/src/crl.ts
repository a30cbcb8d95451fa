/**
 * Certificate revocation lists (X.509 CRLs, RFC 5280 §5): just enough DER
 * reading to tell which CA issued a CRL and which serial numbers it lists.
 * Node's crypto has no CRL parser; the structure read here is
 *
 *   CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm, signature }
 *   TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature AlgorithmIdentifier,
 *     issuer Name, thisUpdate Time, nextUpdate Time OPTIONAL,
 *     revokedCertificates SEQUENCE OF SEQUENCE { userCertificate INTEGER, … } OPTIONAL,
 *     crlExtensions [0] EXPLICIT Extensions OPTIONAL }
 */

/** What a CRL says. */
export interface CrlInfo {
  /** DER bytes of the issuer's Name, as hex (compare with another CRL's issuer). */
  readonly issuerHex: string;
  /** Serial numbers of the revoked certificates: lower-case hex, no leading zeros. */
  readonly revokedSerials: readonly string[];
}

/** One DER element: its tag, where its contents start and where it ends. */
interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
  /** Offset of the element's first byte (its tag). */
  readonly begin: number;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

function malformed(detail: string): Error {
  return new Error(`not a valid X.509 CRL: ${detail}`);
}

/** Reads the element at `at`, checking that it fits before `limit`. */
function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  const tag = der[at];
  let lenByte = der[at + 1];
  if (tag === undefined || lenByte === undefined) throw malformed(`truncated at byte ${at}`);
  let start = at + 2;
  let length = lenByte;
  if (lenByte & 0x80) {
    const count = lenByte & 0x7f;
    if (count === 0 || count > 4) throw malformed(`unsupported length at byte ${at}`);
    length = 0;
    for (let i = 0; i < count; i++) {
      lenByte = der[start + i];
      if (lenByte === undefined) throw malformed(`truncated length at byte ${at}`);
      length = length * 256 + lenByte;
    }
    start += count;
  }
  const end = start + length;
  if (end > limit) throw malformed(`element at byte ${at} runs past its container`);
  return { tag, start, end, begin: at };
}

function expectTag(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) throw malformed(`expected ${what}, found tag 0x${tlv.tag.toString(16)}`);
  return tlv;
}

function hex(der: Uint8Array, from: number, to: number): string {
  return Buffer.from(der.subarray(from, to)).toString('hex');
}

/** A DER INTEGER's contents as lower-case hex without leading zeros ("0" for zero). */
function serialHex(der: Uint8Array, tlv: Tlv): string {
  return hex(der, tlv.start, tlv.end).replace(/^0+/, '') || '0';
}

/**
 * The DER bytes of the first CRL in a PEM text.
 * @throws Error when the text holds no `X509 CRL` block
 */
export function crlDer(pem: string): Buffer {
  const m = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(pem);
  if (!m?.[1]) throw malformed('no "BEGIN X509 CRL" block');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

/**
 * Reads a CRL's issuer and revoked serial numbers (its signature is not checked:
 * the peers check it against the organisation's root).
 * @throws Error when the bytes are not a DER-encoded CRL
 */
export function parseCrl(der: Uint8Array): CrlInfo {
  const list = expectTag(readTlv(der, 0, der.length), SEQUENCE, 'CertificateList');
  const tbs = expectTag(readTlv(der, list.start, list.end), SEQUENCE, 'TBSCertList');
  let next = readTlv(der, tbs.start, tbs.end);
  if (next.tag === INTEGER) next = readTlv(der, next.end, tbs.end);
  expectTag(next, SEQUENCE, 'signature AlgorithmIdentifier');
  const issuer = expectTag(readTlv(der, next.end, tbs.end), SEQUENCE, 'issuer Name');
  const thisUpdate = readTlv(der, issuer.end, tbs.end);
  if (thisUpdate.tag !== UTC_TIME && thisUpdate.tag !== GENERALIZED_TIME)
    throw malformed('expected thisUpdate');
  const revokedSerials: string[] = [];
  let at = thisUpdate.end;
  if (at < tbs.end) {
    next = readTlv(der, at, tbs.end);
    if (next.tag === UTC_TIME || next.tag === GENERALIZED_TIME) {
      at = next.end;
      next = at < tbs.end ? readTlv(der, at, tbs.end) : next;
    }
    if (at < tbs.end && next.tag === SEQUENCE) {
      for (let entryAt = next.start; entryAt < next.end;) {
        const entry = expectTag(readTlv(der, entryAt, next.end), SEQUENCE, 'revoked entry');
        const serial = expectTag(readTlv(der, entry.start, entry.end), INTEGER, 'serial number');
        revokedSerials.push(serialHex(der, serial));
        entryAt = entry.end;
      }
    }
  }
  return { issuerHex: hex(der, issuer.begin, issuer.end), revokedSerials };
}

/** Normalises a serial number written in hex (any case, optional colons or leading zeros). */
export function normaliseSerial(serial: string): string {
  return serial.replace(/[:\s]/g, '').toLowerCase().replace(/^0+/, '') || '0';
}
