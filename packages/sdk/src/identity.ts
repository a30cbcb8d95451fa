/**
 * The caller's identity as a chaincode sees it (`ctx.clientIdentity`), built
 * from a creator certificate without the chaincode runtime, so the replay of
 * a transaction can run the contracts in the SDK.
 *
 * It must give exactly what fabric-shim's `ClientIdentity` gives a peer's
 * chaincode, since the contracts store `getID()`: same X.509 parser
 * (@fidm/x509), same ID format `x509::/<subject>::/<issuer>` (each attribute
 * `/<shortName>=<value>`, the first `/` of a value escaped), same attributes
 * extension. test/unit/sdk/identity.test.ts compares the two on real
 * certificates; keep them in step when fabric-shim changes.
 */
import { Certificate } from '@fidm/x509';

/** OID of the extension where Fabric CA puts enrolment attributes as `{"attrs":{...}}`. */
const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

/** The part of fabric-shim-api's `ClientIdentity` the contracts call. */
export class CertificateIdentity {
  private readonly id: string;
  private readonly attrs: Readonly<Record<string, string>>;

  /**
   * @param mspId the MSP ID the creator names
   * @param certificate the creator's certificate (PEM)
   * @throws Error when the certificate cannot be parsed
   */
  constructor(
    private readonly mspId: string,
    private readonly certificate: string,
  ) {
    const cert = Certificate.fromPEM(Buffer.from(certificate, 'utf8'));
    this.id = `x509::${distinguishedName(cert.subject)}::${distinguishedName(cert.issuer)}`;
    const extension = cert.extensions.find((ext) => ext.oid === FABRIC_ATTRIBUTES_OID);
    this.attrs = extension === undefined ? {} : attributesOf(extension.value);
  }

  getID(): string {
    return this.id;
  }

  getMSPID(): string {
    return this.mspId;
  }

  getIDBytes(): Uint8Array {
    return new TextEncoder().encode(this.certificate);
  }

  getAttributeValue(name: string): string | null {
    return this.attrs[name] ?? null;
  }

  assertAttributeValue(name: string, value: string): boolean {
    return this.attrs[name] === value;
  }
}

function distinguishedName(dn: Certificate['subject']): string {
  return dn.attributes
    .map((attribute) => `/${attribute.shortName}=${String(attribute.value).replace('/', '\\/')}`)
    .join('');
}

function attributesOf(value: Buffer): Record<string, string> {
  const parsed = JSON.parse(value.toString()) as { attrs?: Record<string, string> };
  return parsed.attrs ?? {};
}
