import { usePeerOrgs } from '@swledger/protocol/orgs';
import { SwlClient } from '@swledger/sdk';
import { type CaOptions } from '@swledger/sdk/ca';
import { type ConnectionOptions, type Transport } from '@swledger/sdk/connection';
import { type EnterpriseSigning } from '@swledger/sdk/signer';
import { localEnterpriseSigner } from './enterprisekeys';
import { resolveLayout } from './layout';
import { connectionProfile } from './profile';

/** How to reach a local swledger network as one of its identities. */
export interface LocalClientOptions {
  /** `<org>:<user>` as in the network's wallet, e.g. `customs:officer1`. */
  readonly as: string;
  /** Network instance name. Default `SWL_NETWORK` or `dev`. */
  readonly network?: string;
  /** Seconds to wait for a commit before the outcome is unknown. Default 30. */
  readonly commitTimeoutSeconds?: number;
  /** When a submit counts as committed: own org's peer (`org`, default) or every reachable peer (`network`). */
  readonly commitScope?: 'org' | 'network';
  /** Client library: `gateway` or `fabric-network`. Default `SWL_TRANSPORT`, else `gateway`. */
  readonly transport?: Transport;
  /**
   * Enterprise users: the key that signs their writes and the USCC it signs
   * for. Default, for a topology's enterprise user, the key the network made
   * and bound at `swl network up`; `null` for none (the writes then go
   * unsigned and a signing network refuses them).
   */
  readonly enterpriseSigning?: EnterpriseSigning | null;
}

/**
 * Connection settings for an identity of a network started by `swl network up`.
 * @throws Error when the network does not exist or the identity is malformed
 */
export function localConnectionOptions(
  opts: LocalClientOptions,
): ConnectionOptions & { readonly walletDir: string } {
  const name = opts.network ?? process.env.SWL_NETWORK ?? 'dev';
  const { layout, existing } = resolveLayout({ name });
  if (!existing)
    throw new Error(
      `no network named '${name}': start it with 'swl network up${name === 'dev' ? '' : ` -n ${name}`}'`,
    );
  const [org, user] = opts.as.split(':');
  if (!org || !user)
    throw new Error(`identity '${opts.as}' must look like <org>:<user>, e.g. customs:officer1`);
  layout.peerOrg(org);
  // The provenance check replays the chaincode: with this network's organisations.
  usePeerOrgs(layout.topology.peerOrgs.map((o) => ({ msp: o.mspId, kind: o.kind })));
  return {
    profile: connectionProfile(layout, org),
    walletDir: layout.walletDir(),
    identity: `${org}:${user}`,
    channel: layout.channel,
    chaincode: layout.topology.chaincode.name,
    commitTimeoutSeconds: opts.commitTimeoutSeconds,
    commitScope: opts.commitScope,
    transport: opts.transport,
  };
}

/**
 * {@link localConnectionOptions} plus, for an enterprise user, the signer of
 * its enterprise's key (its network keystore, or `opts.enterpriseSigning`).
 * @throws Error as {@link localConnectionOptions}; LedgerError when the keystore cannot be opened
 */
export async function localSignedConnectionOptions(
  opts: LocalClientOptions,
): Promise<ConnectionOptions> {
  const base = localConnectionOptions(opts);
  if (opts.enterpriseSigning === null) return base;
  if (opts.enterpriseSigning !== undefined)
    return { ...base, enterpriseSigning: opts.enterpriseSigning };
  const name = opts.network ?? process.env.SWL_NETWORK ?? 'dev';
  const { layout } = resolveLayout({ name });
  const [org = '', userName = ''] = opts.as.split(':');
  const user = layout.peerOrg(org).users.find((u) => u.name === userName);
  if (user?.role !== 'enterprise' || user.entity === undefined) return base;
  const signer = await localEnterpriseSigner(layout, userName);
  return signer === undefined
    ? base
    : { ...base, enterpriseSigning: { signer, entity: user.entity } };
}

/** CA settings for an organisation admin of a network started by `swl network up`. */
export function localCaOptions(network: string | undefined, org: string): CaOptions {
  const base = localConnectionOptions({ as: `${org}:admin`, network });
  return { profile: base.profile, walletDir: base.walletDir, admin: `${org}:admin`, org };
}

/**
 * Connects as an identity of a network started by `swl network up`.
 * @throws AccessDeniedError when the peers refuse the identity (revoked or expired certificate); PeerUnreachableError when no peer answers; Error when the network or the identity is unknown
 * @example
 * const client = await connectLocal({ as: 'customs:officer1' });
 */
export async function connectLocal(opts: LocalClientOptions): Promise<SwlClient> {
  return SwlClient.open(await localSignedConnectionOptions(opts));
}
