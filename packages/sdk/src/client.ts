import type { ConnectionOptions } from './connection';
import { BindingsApi } from './bindings';
import { SignedConnection } from './signedconnection';
import { openConnection } from './transport';
import { ProfileOptions, profileConnectionOptions } from './profile';
import { accessDenied } from './errors';
import { CreditApi } from './credit';
import { DocumentsApi } from './documents';
import { EventStream, EventStreamOptions } from './events';
import { GuaranteesApi } from './guarantees';
import { InvoicesApi } from './invoices';
import { ProvenanceApi } from './provenance';
import { RemittancesApi } from './remittances';
import { ShipmentsApi } from './shipments';
import { SystemApi } from './system';
import { VerifyApi } from './verify';

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
  /** Enterprise keys bound to USCCs. */
  readonly bindings: BindingsApi;
  /** Remittances checked against declarations, invoices and contracts. */
  readonly remittances: RemittancesApi;
  /** Financing of a shipment (an EXPORT declaration and its invoices), counted once. */
  readonly shipments: ShipmentsApi;
  /** Bank policies, loan-limit decisions (and their recomputation), automated guarantee decisions. */
  readonly credit: CreditApi;

  private constructor(readonly connection: SignedConnection) {
    this.bindings = new BindingsApi(connection);
    this.system = new SystemApi(connection);
    this.documents = new DocumentsApi(connection);
    this.invoices = new InvoicesApi(connection);
    this.guarantees = new GuaranteesApi(connection, this.documents);
    this.provenance = new ProvenanceApi(connection);
    this.verifier = new VerifyApi(connection, this.documents, this.provenance);
    this.remittances = new RemittancesApi(connection);
    this.shipments = new ShipmentsApi(connection);
    this.credit = new CreditApi(connection, this.documents);
  }

  /** Ledger events, one per change, resumable from a checkpoint. */
  events(options?: EventStreamOptions): Promise<EventStream> {
    return EventStream.open(this.connection, options);
  }

  /**
   * Connects with a Fabric connection profile and identity files, nothing
   * else (no wallet directory, no `.swledger/`): what `swl network export`
   * writes, or what any Fabric network's administrator hands out.
   * @param opts paths of the profile (JSON or YAML), certificate, key and the mutual-TLS client pair
   * @returns a connected client acting as the certificate's identity
   * @throws ProfileError FILE_NOT_FOUND, PROFILE_INVALID, KEY_MISMATCH or MSP_NOT_IN_PROFILE before any connection; then as {@link SwlClient.open}
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

  /**
   * Connects with explicit settings (connection profile, wallet, identity, transport).
   * @throws AccessDeniedError when the peers refuse the identity (revoked or expired certificate); PeerUnreachableError when no peer answers
   */
  static async open(opts: ConnectionOptions): Promise<SwlClient> {
    try {
      const inner = await openConnection(opts);
      return new SwlClient(
        new SignedConnection(inner, opts.channel ?? 'tradechannel', opts.enterpriseSigning),
      );
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
