import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import type FabricCAServices from 'fabric-ca-client';
import type { X509Identity } from 'fabric-network';
import { ConnectionProfile } from './profile';
import { Role } from '@swledger/protocol/actor';
import { LedgerError } from './errors';
import { fabricNetwork } from './wallet';

/** A user an org admin creates. */
export interface NewUser {
  /** Enrolment id, also the wallet label's user part. */
  readonly name: string;
  /** `swl.role`: officer, clerk, auditor, enterprise or verifier. */
  readonly role: string;
  /** `swl.entity`: the enterprise's USCC, for enterprise users. */
  readonly entity?: string;
}

/** Where the org's CA and wallet are, and which admin acts. */
export interface CaOptions {
  readonly profile: ConnectionProfile;
  readonly walletDir: string;
  /** Wallet label of the org admin that registers (`<org>:admin`). */
  readonly admin: string;
  /** Organisation key, the wallet label's prefix. */
  readonly org: string;
}

const ROLES: ReadonlySet<string> = new Set(Object.values(Role));

function caOf(profile: ConnectionProfile): FabricCAServices {
  const entry = Object.values(profile.certificateAuthorities)[0];
  if (!entry)
    throw new LedgerError(
      'CA_NOT_CONFIGURED',
      'the connection profile names no certificate authority',
    );
  // Loaded on first use, like fabric-network (it reads process.argv when loaded).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const CaServices = require('fabric-ca-client') as typeof FabricCAServices;
  return new CaServices(
    entry.url,
    { trustedRoots: entry.tlsCACerts.pem, verify: true },
    entry.caName,
  );
}

async function registrar(opts: CaOptions) {
  const wallet = await fabricNetwork().Wallets.newFileSystemWallet(opts.walletDir);
  const identity = await wallet.get(opts.admin);
  if (!identity)
    throw new LedgerError(
      'IDENTITY_NOT_FOUND',
      `admin identity '${opts.admin}' is not in the wallet ${opts.walletDir}`,
    );
  const provider = wallet.getProviderRegistry().getProvider(identity.type);
  return {
    wallet,
    user: await provider.getUserContext(identity, opts.admin),
    mspId: identity.mspId,
  };
}

/**
 * Registers a user with the org's CA (attributes `swl.role`, `swl.entity` in
 * the certificate), enrols it and stores it in the wallet as `<org>:<name>`.
 * Returns the wallet label.
 * @throws LedgerError INVALID_ARGUMENT for a bad name/role/entity, ALREADY_EXISTS when the name is registered
 */
export async function enrollUser(opts: CaOptions, user: NewUser): Promise<string> {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(user.name))
    throw new LedgerError(
      'INVALID_ARGUMENT',
      'user name must be 1-32 lower-case letters, digits or dashes, starting with a letter',
    );
  if (!ROLES.has(user.role))
    throw new LedgerError('INVALID_ARGUMENT', `role must be one of ${[...ROLES].join(', ')}`);
  if ((user.role === 'enterprise') !== (user.entity !== undefined))
    throw new LedgerError(
      'INVALID_ARGUMENT',
      'enterprise users, and only they, need an entity (USCC)',
    );
  if (user.entity !== undefined && !/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(user.entity))
    throw new LedgerError('INVALID_ARGUMENT', 'entity must be an 18-character USCC');
  const ca = caOf(opts.profile);
  const { wallet, user: admin, mspId } = await registrar(opts);
  const attrs = [{ name: 'swl.role', value: user.role, ecert: true }];
  if (user.entity) attrs.push({ name: 'swl.entity', value: user.entity, ecert: true });
  let secret: string;
  try {
    secret = await ca.register(
      { enrollmentID: user.name, role: 'client', affiliation: '', attrs, maxEnrollments: -1 },
      admin,
    );
  } catch (err) {
    const msg = (err as Error).message;
    if (/already registered/i.test(msg))
      throw new LedgerError(
        'ALREADY_EXISTS',
        `user '${user.name}' is already registered with the CA`,
        { cause: err },
      );
    throw new LedgerError('CA_ERROR', `registering '${user.name}' failed: ${msg}`, { cause: err });
  }
  const enrollment = await ca.enroll({ enrollmentID: user.name, enrollmentSecret: secret });
  const identity: X509Identity = {
    credentials: { certificate: enrollment.certificate, privateKey: enrollment.key.toBytes() },
    mspId,
    type: 'X.509',
  };
  const label = `${opts.org}:${user.name}`;
  await wallet.put(label, identity);
  chmodSync(join(opts.walletDir, `${label}.id`), 0o600);
  return label;
}

/** What a revocation did at the CA. */
export interface Revocation {
  /** Serial numbers (hex, as the CA reports them) of the certificates revoked now; empty when the user was revoked before. */
  readonly revokedSerials: readonly string[];
  /** The CA's CRL afterwards (PEM): every certificate it revoked, this user's included. */
  readonly crlPem: string;
  /** Whether the user had already been revoked (the CRL was generated again). */
  readonly alreadyRevoked: boolean;
}

/** The CA answers with the CRL's PEM base64-encoded. */
function crlPemOf(b64: unknown): string {
  const pem = typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : '';
  if (!pem.includes('BEGIN X509 CRL'))
    throw new LedgerError('CA_ERROR', 'the CA answered without a CRL');
  return pem;
}

/**
 * Revokes a user's certificates at the CA (a role change or departure) and
 * returns the CA's new CRL. The old certificate stays usable on the channel
 * until that CRL reaches the channel configuration (`publishCrl`). A user
 * revoked before is not an error (the CA revokes nothing more; its CRL is
 * fetched again), so a failed channel update can be retried.
 * @throws LedgerError CA_ERROR when the CA refuses or cannot be reached
 */
export async function revokeUser(
  opts: CaOptions,
  name: string,
  reason = 'unspecified',
): Promise<Revocation> {
  const ca = caOf(opts.profile);
  const { user: admin } = await registrar(opts);
  let result: { RevokedCerts?: { Serial?: string }[] | null; CRL?: unknown } | undefined;
  try {
    // fabric-ca-client's types lack `gencrl`, which its revoke() passes on to the CA.
    const request: FabricCAServices.IRevokeRequest & { gencrl: boolean } = {
      enrollmentID: name,
      reason,
      gencrl: true,
    };
    const res = (await ca.revoke(request, admin)) as { result?: typeof result };
    result = res.result;
  } catch (err) {
    throw new LedgerError('CA_ERROR', `revoking '${name}' failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // A user revoked before: the CA revokes nothing more and sends no CRL; ask for it.
  const revokedSerials = (result?.RevokedCerts ?? []).map((c) => c.Serial ?? '').filter(Boolean);
  try {
    const crl: unknown =
      typeof result?.CRL === 'string' && result.CRL !== ''
        ? result.CRL
        : await ca.generateCRL({}, admin);
    return { revokedSerials, crlPem: crlPemOf(crl), alreadyRevoked: revokedSerials.length === 0 };
  } catch (err) {
    if (err instanceof LedgerError) throw err;
    throw new LedgerError(
      'CA_ERROR',
      `generating the CRL after revoking '${name}' failed: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
