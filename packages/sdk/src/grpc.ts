/**
 * The gRPC connection of the Gateway transport to one peer.
 *
 * fabric-gateway 1.11 needs a client of the @grpc/grpc-js line it is built
 * with (1.14); fabric-network pins ~1.9, which npm keeps at the top of
 * node_modules, and a 1.9 client does not fit fabric-gateway's types. So the
 * module is loaded from fabric-gateway's own dependencies. Import
 * `@grpc/grpc-js` directly once fabric-network is gone (or the SDK declares
 * its own ^1.14 dependency).
 */
import { createRequire } from 'node:module';
import type { GrpcClient } from '@hyperledger/fabric-gateway';

/** The part of @grpc/grpc-js this module uses (stable across 1.9 and 1.14). */
interface GrpcJs {
  credentials: {
    createSsl(rootCerts?: Buffer, privateKey?: Buffer, certChain?: Buffer): unknown;
  };
  Client: new (
    address: string,
    credentials: unknown,
    options?: Record<string, string | number>,
  ) => GrpcClient;
}

const grpc = createRequire(require.resolve('@hyperledger/fabric-gateway'))(
  '@grpc/grpc-js',
) as GrpcJs;

/** Where and how to reach a peer's gRPC endpoint. */
export interface PeerEndpoint {
  /** `host:port`. */
  readonly address: string;
  /** PEM of the CA the peer's TLS certificate chains to. */
  readonly tlsRootCert: string;
  /** Name to check the peer's TLS certificate against, when not the address's host. */
  readonly serverName?: string;
  /** The client's TLS pair (PEM), for peers that require mutual TLS. */
  readonly clientCert?: string;
  readonly clientKey?: string;
}

/** Peers send blocks up to 100 MB (core.yaml `peer.maxSendMsgSize`); gRPC's default is 4 MB. */
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/** A gRPC client for a peer (TLS; mutual TLS when a client pair is given). Connects lazily. */
export function newGrpcClient(peer: PeerEndpoint): GrpcClient {
  const credentials = grpc.credentials.createSsl(
    Buffer.from(peer.tlsRootCert),
    peer.clientKey === undefined ? undefined : Buffer.from(peer.clientKey),
    peer.clientCert === undefined ? undefined : Buffer.from(peer.clientCert),
  );
  return new grpc.Client(peer.address, credentials, {
    ...(peer.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': peer.serverName }),
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': 120_000,
  });
}

/** `host:port` of a connection-profile peer URL (`grpcs://host:port`). */
export function peerAddress(url: string): string {
  return url.replace(/^grpcs?:\/\//, '');
}
