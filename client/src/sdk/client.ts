import { usePeerOrgs } from 'swledger-chaincode/dist/domain/orgs';
import { resolveLayout } from '../network/layout';
import { connectionProfile } from '../network/profile';
import type { ConnectionOptions, LedgerConnection, Transport } from './connection';
import { openConnection } from './transport';
import { ProfileOptions, profileConnectionOptions } from './profile';
import { CaOptions } from './ca';
import { accessDenied } from './errors';
import { DocumentsApi } from './documents';
import { EventStream, EventStreamOptions } from './events';
import { GuaranteesApi } from './guarantees';
import { InvoicesApi } from './invoices';
import { ProvenanceApi } from './provenance';
import { SystemApi } from './system';
import { VerifyApi } from './verify';

/** How to reach a local swledger network as one of its identities. */
export interface ClientOptions {
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
}

/**
 * Connection settings for an identity of a network started by `swl network up`.
 * @throws Error when the network does not exist or the identity is malformed
 */
export function localConnectionOptions(
  opts: ClientOptions,
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

/** CA settings for an organisation admin of a network started by `swl network up`. */
export function localCaOptions(network: string | undefined, org: string): CaOptions {
  const base = localConnectionOptions({ as: `${org}:admin`, network });
  return { profile: base.profile, walletDir: base.walletDir, admin: `${org}:admin`, org };
}

/** swledger's client: one connection, one API object per concern. */
export class SwlClient {
  /** Health check and baseline (ping, noop). */
  readonly system: SystemApi;
  /** Register, move and read documents. */
  readonly documents: DocumentsApi;
  /** Invoice financing. */
  readonly invoices: InvoicesApi;
  /** The tariff guarantee flow. */
  readonly guarantees: GuaranteesApi;
  /** Verification of files and fingerprints. */
  readonly verifier: VerifyApi;
  /** Provenance of records and transactions, checked from the signed blocks. */
  readonly provenance: ProvenanceApi;

  private constructor(readonly connection: LedgerConnection) {
    this.system = new SystemApi(connection);
    this.documents = new DocumentsApi(connection);
    this.invoices = new InvoicesApi(connection);
    this.guarantees = new GuaranteesApi(connection, this.documents);
    this.provenance = new ProvenanceApi(connection);
    this.verifier = new VerifyApi(connection, this.documents, this.provenance);
  }

  /** Ledger events, one per change, resumable from a checkpoint. */
  events(options?: EventStreamOptions): Promise<EventStream> {
    return EventStream.open(this.connection, options);
  }

  /**
   * Connects as an identity of a local network.
   * @throws AccessDeniedError when the peers refuse the identity (revoked or expired certificate); PeerUnreachableError when no peer answers; Error when the identity is unknown
   */
  static async connect(opts: ClientOptions): Promise<SwlClient> {
    return SwlClient.open(localConnectionOptions(opts));
  }

  /**
   * Connects with a Fabric connection profile and identity files, nothing
   * else (no wallet directory, no `.swledger/`): what `swl network export`
   * writes, or what any Fabric network's administrator hands out.
   * @param opts paths of the profile (JSON or YAML), certificate, key and the mutual-TLS client pair
   * @returns a connected client acting as the certificate's identity
   * @throws ProfileError FILE_NOT_FOUND, PROFILE_INVALID, KEY_MISMATCH or MSP_NOT_IN_PROFILE before any connection; then as {@link SwlClient.connect}
   * @example
   * const dir = 'export/enterprise';
   * const client = await SwlClient.fromProfile({
   *   profile: `${dir}/connection-enterprise.json`,
   *   certificate: `${dir}/users/alpha@enterprise/msp/signcerts/cert.pem`,
   *   privateKey: `${dir}/users/alpha@enterprise/msp/keystore/key.pem`,
   *   tlsClientCertificate: `${dir}/tls/client.crt`,
   *   tlsClientKey: `${dir}/tls/client.key`,
   * });
   */
  static async fromProfile(opts: ProfileOptions): Promise<SwlClient> {
    return SwlClient.open(await profileConnectionOptions(opts));
  }

  /** Connects with explicit settings (connection profile, wallet, identity, transport). @throws as {@link SwlClient.connect} */
  static async open(opts: ConnectionOptions): Promise<SwlClient> {
    try {
      return new SwlClient(await openConnection(opts));
    } catch (err) {
      throw accessDenied(err) ?? err;
    }
  }

  /** MSP ID of the connected identity. */
  get mspId(): string {
    return this.connection.mspId;
  }

  /** Closes the connection. */
  close(): void {
    this.connection.close();
  }
}
