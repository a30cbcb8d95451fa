import { expect } from 'chai';
import { crlDer, normaliseSerial, parseCrl } from '@swledger/devnet/crl';
import { EMPTY_CRL, OTHER_ISSUER_CRL, TWO_REVOKED_CRL } from './crl-fixtures';

describe('network/crl', () => {
  it('reads the revoked serials of a CRL, without the DER sign byte', () => {
    const info = parseCrl(crlDer(TWO_REVOKED_CRL));

    expect(info.revokedSerials).to.deep.equal(['3d0a1f', 'ff00aa11223344556677889900aabbccddeeff']);
  });

  it('reads a CRL that revokes nothing (no revokedCertificates field)', () => {
    const info = parseCrl(crlDer(EMPTY_CRL));

    expect(info.revokedSerials).to.deep.equal([]);
  });

  it('tells CRLs of the same CA from those of another by their issuer', () => {
    const empty = parseCrl(crlDer(EMPTY_CRL)).issuerHex;
    const two = parseCrl(crlDer(TWO_REVOKED_CRL)).issuerHex;
    const other = parseCrl(crlDer(OTHER_ISSUER_CRL)).issuerHex;

    expect(two).to.equal(empty);
    expect(other).to.not.equal(two);
    expect(Buffer.from(two, 'hex').toString('latin1')).to.include('ca.test');
  });

  it('refuses text without a CRL and truncated or foreign DER', () => {
    const der = crlDer(TWO_REVOKED_CRL);

    expect(() => crlDer('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).to.throw(
      /not a valid X.509 CRL: no "BEGIN X509 CRL"/,
    );
    expect(() => parseCrl(der.subarray(0, 40))).to.throw(/not a valid X.509 CRL/);
    expect(() => parseCrl(Buffer.from([0x02, 0x01, 0x00]))).to.throw(/expected CertificateList/);
  });

  it('normalises serials written with colons, upper case or leading zeros', () => {
    expect(normaliseSerial('00:FF:00:AA')).to.equal('ff00aa');
    expect(normaliseSerial('3D0A1F')).to.equal('3d0a1f');
    expect(normaliseSerial('000')).to.equal('0');
  });
});
