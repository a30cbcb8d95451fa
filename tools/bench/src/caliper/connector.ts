/**
 * The Caliper connector factory swledger's Caliper runs name as
 * `caliper.blockchain`: Caliper 0.6's own Fabric connector (peer Gateway),
 * whose gRPC clients also present the organisation's mutual-TLS client pair,
 * which swledger's peers require and Caliper's Gateway connector does not
 * support ("Mutual tls is not supported with the Peer Gateway Connector").
 * Nothing else of Caliper changes. Caliper loads this file in its manager
 * and in each worker, from the Caliper install in `SWL_CALIPER_HOME`; the
 * pair comes from `SWL_CALIPER_TLS_CERT` / `SWL_CALIPER_TLS_KEY` (files).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface GrpcJs {
  credentials: { createSsl(root: Buffer, key?: Buffer, cert?: Buffer): unknown };
  Client: new (address: string, credentials: unknown, options: Record<string, unknown>) => unknown;
}

interface ProfileDefinition {
  getGrpcOptionsForPeer(peer: string): Record<string, unknown>;
  getGrpcEndPointForPeer(peer: string): string;
  getTlsCACertsForPeer(peer: string): Promise<string>;
}

interface PeerGatewayPrototype {
  clients: Map<string, unknown>;
  connectorConfiguration: {
    getConnectionProfileDefinitionForOrganization(mspId: string): Promise<ProfileDefinition>;
  };
  _createClientForPeer(mspId: string, peer: string): Promise<unknown>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run Caliper through 'npm run bench:caliper'`);
  return value;
}

const home = required('SWL_CALIPER_HOME');
const caliperRequire = createRequire(join(home, 'package.json'));
const fabricRequire = createRequire(caliperRequire.resolve('@hyperledger/caliper-fabric'));
const grpc = fabricRequire('@grpc/grpc-js') as GrpcJs;
const PeerGateway = fabricRequire('./lib/connector-versions/peer-gateway/PeerGateway.js') as {
  prototype: PeerGatewayPrototype;
};
const tlsCert = readFileSync(required('SWL_CALIPER_TLS_CERT'));
const tlsKey = readFileSync(required('SWL_CALIPER_TLS_KEY'));

/** Caliper's gRPC client for a peer, with the client pair (its grpc options, as Caliper sets them). */
PeerGateway.prototype._createClientForPeer = async function (
  this: PeerGatewayPrototype,
  mspId: string,
  peer: string,
): Promise<unknown> {
  const known = this.clients.get(peer);
  if (known) return known;
  const profile =
    await this.connectorConfiguration.getConnectionProfileDefinitionForOrganization(mspId);
  const options: Record<string, unknown> = {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
    ...profile.getGrpcOptionsForPeer(peer),
  };
  if ('ssl-target-name-override' in options) {
    options['grpc.ssl_target_name_override'] = options['ssl-target-name-override'];
    delete options['ssl-target-name-override'];
  }
  const root = Buffer.from(await profile.getTlsCACertsForPeer(peer));
  const client = new grpc.Client(
    profile.getGrpcEndPointForPeer(peer),
    grpc.credentials.createSsl(root, tlsKey, tlsCert),
    options,
  );
  this.clients.set(peer, client);
  return client;
};

const factory = fabricRequire('./lib/FabricConnectorFactory.js') as {
  ConnectorFactory: (...args: unknown[]) => unknown;
};

/** Caliper's entry point for a connector module. */
export const ConnectorFactory = factory.ConnectorFactory;
