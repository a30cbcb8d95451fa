import { certificateAttributes } from '@swledger/sdk/envelope';
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
