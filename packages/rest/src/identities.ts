/**
 * Where the REST service's ledger identities come from: the wallet of a
 * local network, or identity files named by a config file (an MSP-layout
 * directory as Fabric administrators hand out, or a file-system wallet).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usePeerOrgs } from '@swledger/protocol/orgs';
import { localConnectionOptions, localSignedConnectionOptions } from '@swledger/devnet/client';
import { certificateAttributes } from '@swledger/sdk/envelope';
import type { ConnectionOptions } from '@swledger/sdk/connection';
import { pemConnectionOptions, type PemIdentity } from '@swledger/sdk/profile';
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
    connectionOptions: (label) => {
      // The provenance check replays the chaincode: with the channel's organisations.
      usePeerOrgs(s.organizations);
      return pemConnectionOptions({
        profile: s.profile,
        mspId: s.mspId,
        identity: known(label),
        tlsClient,
        channel: s.channel,
        chaincode: s.chaincode,
      });
    },
  };
}
