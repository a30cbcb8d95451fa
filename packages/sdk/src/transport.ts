/** Opens a {@link LedgerConnection} on the transport the options (or `SWL_TRANSPORT`) choose. */
import { resolveTransport, type ConnectionOptions, type LedgerConnection } from './connection';
import { GatewayConnection } from './gateway';

/**
 * Opens a connection to the ledger as one identity.
 * @param opts profile, identity and transport (default `SWL_TRANSPORT`, else `gateway`)
 * @returns the connection, already checked against the own organisation's peer
 * @throws LedgerError IDENTITY_NOT_FOUND or INVALID_TRANSPORT; AccessDeniedError when the peers refuse the identity; PeerUnreachableError when no peer answers
 * @example
 * const connection = await openConnection({ ...localConnectionOptions({ as: 'customs:officer1' }), transport: 'gateway' }) // localConnectionOptions from @swledger/devnet/client;
 */
export async function openConnection(opts: ConnectionOptions): Promise<LedgerConnection> {
  const transport = resolveTransport(opts.transport);
  if (transport === 'gateway') return GatewayConnection.open(opts);
  // Loaded only for this transport: fabric-network reads process.argv when loaded (see fabricNetwork).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FabricNetworkConnection } = require('./fabric') as typeof import('./fabric');
  return FabricNetworkConnection.open(opts);
}
