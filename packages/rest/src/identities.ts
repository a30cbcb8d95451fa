/**
 * Where the REST service's ledger identities come from: the wallet of a
 * local network, or identity files named by a config file (an MSP-layout
 * directory as Fabric administrators hand out, or a file-system wallet).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usePeerOrgs } from '@swledger/protocol/orgs';
import { localConnectionOptions, localSignedConnectionOptions } from '@swledger/devnet/client';
import { certificateAttributes } from '@swledger/sdk/envelope';
import type { ConnectionOptions } from '@swledger/sdk/connection';
import { openKeystore } from '@swledger/sdk/keystore';
import { pemConnectionOptions, type PemIdentity } from '@swledger/sdk/profile';
import type { EnterpriseSigning } from '@swledger/sdk/signer';
import { Identity, readIdentity } from './identity';
import { FileLedgerSettings, mspFiles, serviceLabelOf, walletPem } from './identityfiles';

/** The identities one service acts as, and how it connects as each. */
export interface IdentityProvider {
  /** Organisation key: every label is `<org>:<user>`. */
  readonly org: string;
  /** Label of the service's own identity (anonymous verification, the provenance watch). */
  readonly serviceLabel: string;
  /** Role and entity of an identity, from its certificate. @throws Error when it is unknown */
  identity(label: string): Identity;
  /** Connection settings acting as `label`. @throws Error when it is unknown */
  connectionOptions(label: string): Promise<ConnectionOptions>;
}

/** The identities of an organisation of a network started by `swl network up` (its wallet). */
export function localIdentities(network: string, org: string): IdentityProvider {
  const serviceLabel = `${org}:verifier`;
  return {
    org,
    serviceLabel,
    identity: (label) =>
      readIdentity(localConnectionOptions({ as: serviceLabel, network }).walletDir, label),
    connectionOptions: (label) => localSignedConnectionOptions({ as: label, network }),
  };
}

/**
 * The identities a config file names: the service's own, and the users
 * (read again on each lookup, so users added to the directory need no
 * restart).
 */
export function fileIdentities(s: FileLedgerSettings): IdentityProvider {
  const serviceLabel = serviceLabelOf(s);
  const pem = (label: string): PemIdentity => {
    if (label === serviceLabel) {
      const id = s.identity;
      return 'wallet' in id
        ? walletPem(id.wallet, id.label)
        : {
            certificate: readFileSync(id.certificate, 'utf8'),
            privateKey: readFileSync(id.privateKey, 'utf8'),
          };
    }
    const users = s.users;
    if (users === undefined) throw new Error(`identity '${label}' is not configured`);
    if (!label.startsWith(`${s.org}:`)) throw new Error(`identity '${label}' is not of ${s.org}`);
    if ('wallet' in users) return walletPem(users.wallet, label);
    const [org, user] = label.split(':');
    if (org !== s.org || !user) throw new Error(`identity '${label}' is not of ${s.org}`);
    const files = mspFiles(join(users.dir, `${user}@${org}`));
    return {
      certificate: readFileSync(files.certificate, 'utf8'),
      privateKey: readFileSync(files.privateKey, 'utf8'),
    };
  };
  const known = (label: string): PemIdentity => {
    try {
      return pem(label);
    } catch (err) {
      throw new Error(`identity '${label}' is not available: ${(err as Error).message}`);
    }
  };
  const tlsClient =
    s.tlsClient === undefined
      ? undefined
      : {
          certificate: readFileSync(s.tlsClient.certificate, 'utf8'),
          privateKey: readFileSync(s.tlsClient.privateKey, 'utf8'),
        };
  return {
    org: s.org,
    serviceLabel,
    identity: (label) => {
      const attrs = certificateAttributes(known(label).certificate);
      return {
        label,
        org: label.split(':')[0] ?? '',
        mspId: s.mspId,
        role: attrs['swl.role'],
        entity: attrs['swl.entity'],
      };
    },
    connectionOptions: async (label) => {
      // The provenance check replays the chaincode: with the channel's organisations.
      usePeerOrgs(s.organizations);
      const identity = known(label);
      const signing = await enterpriseSigningOf(label, identity.certificate);
      return pemConnectionOptions({
        profile: s.profile,
        mspId: s.mspId,
        identity,
        tlsClient,
        channel: s.channel,
        chaincode: s.chaincode,
        ...(signing === undefined ? {} : { enterpriseSigning: signing }),
      });
    },
  };
}

/** Directory of the enterprise keystores an enterprise's own service signs with (`<user>.json`). */
export const ENTERPRISE_KEYS_ENV = 'SWL_ENTERPRISE_KEYS';

/**
 * The signer of an enterprise user of a config-file service: its keystore
 * `<SWL_ENTERPRISE_KEYS>/<user>.json`, opened with `SWL_KEYSTORE_PASSPHRASE`.
 * Only an enterprise running its own service holds its key there; without
 * one, the service's enterprise writes go unsigned (and a signing network
 * refuses them).
 */
async function enterpriseSigningOf(
  label: string,
  certificate: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EnterpriseSigning | undefined> {
  const dir = env[ENTERPRISE_KEYS_ENV];
  const attrs = certificateAttributes(certificate);
  const entity = attrs['swl.entity'];
  const user = label.split(':')[1];
  if (dir === undefined || dir === '' || attrs['swl.role'] !== 'enterprise' || !entity || !user)
    return undefined;
  const file = join(dir, `${user}.json`);
  if (!existsSync(file)) return undefined;
  const signer = await openKeystore(file, env.SWL_KEYSTORE_PASSPHRASE ?? '');
  return { signer, entity };
}
