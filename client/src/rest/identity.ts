import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A ledger identity of the wallet, as the service acts with it. */
export interface Identity {
  /** Wallet label `<org>:<user>`. */
  readonly label: string;
  readonly org: string;
  readonly mspId: string;
  /** `swl.role` from the certificate. */
  readonly role: string | undefined;
  /** `swl.entity` (USCC) from the certificate, for enterprise users. */
  readonly entity: string | undefined;
}

/**
 * Fabric CA puts enrolment attributes in a certificate extension
 * (OID 1.2.3.4.5.6.7.8.1) holding `{"attrs":{...}}`. Node does not decode
 * unknown extensions, so the JSON is read from the DER bytes.
 */
export function certificateAttributes(pem: string): Record<string, string> {
  const der = new X509Certificate(pem).raw;
  const start = der.indexOf('{"attrs":');
  if (start < 0) return {};
  let depth = 0;
  for (let i = start; i < der.length; i++) {
    const c = der[i];
    if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) {
      try {
        const parsed = JSON.parse(der.subarray(start, i + 1).toString('utf8')) as {
          attrs?: Record<string, string>;
        };
        return parsed.attrs ?? {};
      } catch {
        return {};
      }
    }
  }
  return {};
}

/**
 * Reads an identity from a fabric-network file-system wallet.
 * @throws Error when the wallet has no such identity
 */
export function readIdentity(walletDir: string, label: string): Identity {
  let raw: string;
  try {
    raw = readFileSync(join(walletDir, `${label}.id`), 'utf8');
  } catch {
    throw new Error(`identity '${label}' is not in the wallet ${walletDir}`);
  }
  const id = JSON.parse(raw) as { mspId: string; credentials: { certificate: string } };
  const attrs = certificateAttributes(id.credentials.certificate);
  return {
    label,
    org: label.split(':')[0] ?? '',
    mspId: id.mspId,
    role: attrs['swl.role'],
    entity: attrs['swl.entity'],
  };
}
