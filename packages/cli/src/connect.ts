import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfigFile } from '@swledger/rest/configfile';
import { fileIdentities } from '@swledger/rest/identities';
import { mspFiles } from '@swledger/rest/identityfiles';
import { SwlClient } from '@swledger/sdk/client';
import type { LedgerFlags } from './common';
import { lazy } from './lazy';

/**
 * Connects a ledger command as its flags say (see `ledgerOptions`).
 * @throws ConfigError for a bad config file; ProfileError for bad profile or identity files; Error for a missing flag or an unknown identity; then as {@link SwlClient.connect}
 */
export async function connectClient(
  kind: 'profile' | 'config' | 'network',
  f: LedgerFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SwlClient> {
  if (kind === 'profile') {
    if (f.profile === undefined || f.identity === undefined)
      throw new Error('pass both --profile <file> and --identity <dir>');
    const files = mspFiles(f.identity);
    const tlsDir = f.tlsClient ?? join(dirname(f.profile), 'tls');
    const tls = f.tlsClient !== undefined || existsSync(join(tlsDir, 'client.crt'));
    return SwlClient.fromProfile({
      profile: f.profile,
      ...files,
      ...(tls
        ? {
            tlsClientCertificate: join(tlsDir, 'client.crt'),
            tlsClientKey: join(tlsDir, 'client.key'),
          }
        : {}),
    });
  }
  if (kind === 'config') {
    const file = loadConfigFile(f.config ?? env.SWL_CONFIG ?? '');
    const identities = fileIdentities(file.ledger);
    const as =
      f.as === undefined
        ? identities.serviceLabel
        : f.as.includes(':')
          ? f.as
          : `${identities.org}:${f.as}`;
    return SwlClient.open(await identities.connectionOptions(as));
  }
  const { connectLocal } =
    lazy<typeof import('@swledger/devnet/client')>('@swledger/devnet/client');
  return connectLocal({ as: f.as ?? '', network: f.network });
}
