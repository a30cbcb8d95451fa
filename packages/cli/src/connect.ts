import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfigFile } from '@swledger/rest/configfile';
import { fileIdentities } from '@swledger/rest/identities';
import { mspFiles } from '@swledger/rest/identityfiles';
import { SwlClient } from '@swledger/sdk/client';
import { certificateAttributes } from '@swledger/sdk/envelope';
import { openKeystore } from '@swledger/sdk/keystore';
import type { EnterpriseSigning } from '@swledger/sdk/signer';
import type { LedgerFlags } from './common';
import { passphrase } from './enterprise';
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
    const signing =
      f.signingKeystore === undefined
        ? undefined
        : await keystoreSigning(
            f.signingKeystore,
            certificateEntity(readFileSync(files.certificate, 'utf8')),
          );
    return SwlClient.fromProfile({
      profile: f.profile,
      ...files,
      ...(signing === undefined ? {} : { enterpriseSigning: signing }),
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
    const options = await identities.connectionOptions(as);
    if (f.signingKeystore === undefined) return SwlClient.open(options);
    const entity = identities.identity(as).entity;
    if (!entity) throw new Error(`--keystore: ${as} is not an enterprise user (no swl.entity)`);
    return SwlClient.open({
      ...options,
      enterpriseSigning: await keystoreSigning(f.signingKeystore, entity),
    });
  }
  if (f.signingKeystore !== undefined)
    throw new Error(
      '--keystore goes with --profile or --config: a local network signs with its own keystores',
    );
  const { connectLocal } =
    lazy<typeof import('@swledger/devnet/client')>('@swledger/devnet/client');
  return connectLocal({ as: f.as ?? '', network: f.network });
}

/** The enterprise a certificate names (`swl.entity`). @throws Error when it names none */
function certificateEntity(certificate: string): string {
  const entity = certificateAttributes(certificate)['swl.entity'];
  if (!entity)
    throw new Error('--keystore: the identity is not an enterprise user (no swl.entity attribute)');
  return entity;
}

/** Signing with an encrypted keystore for `entity`; the passphrase from the environment or a prompt. */
async function keystoreSigning(file: string, entity: string): Promise<EnterpriseSigning> {
  return { signer: await openKeystore(file, await passphrase(false)), entity };
}
