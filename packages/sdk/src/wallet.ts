/** The identity a connection acts as, from its options' wallet. */
import type { Wallet, X509Identity } from 'fabric-network';
import type { ConnectionOptions } from './connection';
import { LedgerError } from './errors';

/**
 * fabric-network, loaded on first use. The Fabric client libraries parse
 * process.argv when loaded (fabric-common's configuration reads it with
 * yargs), so loaded with a command they would answer its `--help` with
 * theirs and exit.
 */
export function fabricNetwork(): typeof import('fabric-network') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('fabric-network') as typeof import('fabric-network');
}

/**
 * The wallet of a connection: the one given, or the file-system wallet of `walletDir`.
 * @throws LedgerError IDENTITY_NOT_FOUND when the options name neither
 */
export async function openWallet(opts: ConnectionOptions): Promise<Wallet> {
  if (opts.wallet) return opts.wallet;
  if (opts.walletDir === undefined)
    throw new LedgerError(
      'IDENTITY_NOT_FOUND',
      'connection options name neither a wallet nor a wallet directory',
    );
  return fabricNetwork().Wallets.newFileSystemWallet(opts.walletDir);
}

/**
 * An X.509 identity of a wallet.
 * @throws LedgerError IDENTITY_NOT_FOUND when the wallet has no such label (or not an X.509 one)
 */
export async function walletIdentity(
  wallet: Wallet,
  label: string,
  where: string,
): Promise<X509Identity> {
  const identity = await wallet.get(label);
  if (!identity || identity.type !== 'X.509')
    throw new LedgerError(
      'IDENTITY_NOT_FOUND',
      `identity '${label}' is not in the wallet ${where}`,
    );
  return identity as X509Identity;
}
