import { Command } from 'commander';
import { describe, fail, out, printJson } from './common';
import { lazy } from './lazy';

/** Flags of `swl user revoke`. */
interface RevokeFlags {
  readonly reason: string;
  readonly network: string;
  readonly json?: boolean;
}

/** What `swl user revoke` did, for `--json`. */
interface RevokeSummary {
  readonly identity: string;
  readonly revokedSerials: readonly string[];
  readonly alreadyRevoked: boolean;
  readonly tokensRevoked: number;
  readonly configBlock: number;
  readonly channelUpdated: boolean;
  readonly signers: readonly string[];
}

class RevokeStepError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = RevokeStepError.name;
  }
}

/**
 * Revokes a user everywhere it can act: at the CA (certificates revoked,
 * CRL generated), in the organisation's REST service (tokens revoked, no
 * new ones) and on the channel (the CRL in the organisation's MSP).
 */
async function revokeEverywhere(
  org: string,
  name: string,
  f: RevokeFlags,
  progress: (line: string) => void,
): Promise<RevokeSummary> {
  const [{ revokeUser }, { localCaOptions }, { resolveLayout }, { publishCrl }, crl] =
    await Promise.all([
      lazy<typeof import('@swledger/sdk/ca')>('@swledger/sdk/ca'),
      lazy<typeof import('@swledger/devnet/client')>('@swledger/devnet/client'),
      lazy<typeof import('@swledger/devnet/layout')>('@swledger/devnet/layout'),
      lazy<typeof import('@swledger/devnet/channelupdate')>('@swledger/devnet/channelupdate'),
      lazy<typeof import('@swledger/devnet/crl')>('@swledger/devnet/crl'),
    ]);
  const { layout, existing } = resolveLayout({ name: f.network });
  if (!existing)
    throw new RevokeStepError(
      'NETWORK_NOT_FOUND',
      `network '${f.network}' was never started (swl network up -n ${f.network})`,
    );
  const spec = layout.peerOrg(org);
  const label = `${spec.key}:${name}`;

  progress(`1/3 revoking ${label} at ca-${spec.key} and generating its CRL`);
  const revocation = await revokeUser(localCaOptions(f.network, spec.key), name, f.reason).catch(
    (err: unknown) => {
      throw new RevokeStepError(
        (err as { code?: string }).code ?? 'CA_ERROR',
        `${err instanceof Error ? err.message : String(err)}\nNext: check that ca-${spec.key} is running (swl network status -n ${f.network}) and that ${spec.key}:admin is in the wallet, then run the same \`swl user revoke\` again`,
      );
    },
  );
  const listed = new Set(crl.parseCrl(crl.crlDer(revocation.crlPem)).revokedSerials);
  const missing = revocation.revokedSerials.filter((s) => !listed.has(crl.normaliseSerial(s)));
  if (missing.length > 0)
    throw new RevokeStepError(
      'CRL_INCOMPLETE',
      `the CA's CRL does not list the revoked serial(s) ${missing.join(', ')}\nNext: run the same \`swl user revoke\` again (it regenerates the CRL)`,
    );
  progress(
    revocation.alreadyRevoked
      ? `    ${label} was already revoked at the CA; CRL generated again (${listed.size} certificate(s))`
      : `    revoked certificate(s) ${revocation.revokedSerials.join(', ')}; the CRL lists ${listed.size}`,
  );

  progress(`2/3 revoking the REST API tokens of ${label}`);
  const tokensRevoked = await revokeTokens(f.network, spec.key, label, f.reason);
  progress(`    ${tokensRevoked} token(s) revoked; no new token can be created for ${label}`);

  progress(
    `3/3 putting the CRL into ${spec.mspId}'s MSP in the configuration of ${layout.channel}`,
  );
  const published = await publishCrl(layout, spec.key, revocation.crlPem, {
    progress: (line) => progress(`    ${line}`),
  });
  return {
    identity: label,
    revokedSerials: revocation.revokedSerials,
    alreadyRevoked: revocation.alreadyRevoked,
    tokensRevoked,
    configBlock: published.configBlock,
    channelUpdated: published.updated,
    signers: published.signers,
  };
}

/** Marks the identity revoked in its organisation's REST token store and revokes its tokens. */
async function revokeTokens(
  network: string,
  org: string,
  label: string,
  reason: string,
): Promise<number> {
  const [{ restPaths }, { openDb }, { TokenStore }] = await Promise.all([
    lazy<typeof import('@swledger/rest/config')>('@swledger/rest/config'),
    lazy<typeof import('@swledger/rest/db')>('@swledger/rest/db'),
    lazy<typeof import('@swledger/rest/tokens')>('@swledger/rest/tokens'),
  ]);
  try {
    const db = openDb(restPaths(network, org).dbFile);
    try {
      return new TokenStore(db).revokeIdentity(label, reason);
    } finally {
      db.close();
    }
  } catch (err) {
    throw new RevokeStepError(
      'TOKEN_STORE_FAILED',
      `revoking the API tokens of ${label} failed: ${err instanceof Error ? err.message : String(err)}\nNext: run the same \`swl user revoke\` again (the CA step is safe to repeat)`,
    );
  }
}

/** `swl user revoke <org> <name>`: revocation that reaches the CA, the REST service and every peer. */
export function revokeCommand(): Command {
  return new Command('revoke')
    .description(
      "revoke a user: at the org's CA, its REST API tokens, and its certificate on the channel (CRL in the org's MSP, signed by a majority of admins)",
    )
    .argument('<org>', 'organisation key')
    .argument('<name>', 'user name')
    .option(
      '--reason <reason>',
      'revocation reason (keycompromise, affiliationchange, superseded, cessationofoperation, …)',
      'unspecified',
    )
    .option('-n, --network <name>', 'network instance', process.env.SWL_NETWORK ?? 'dev')
    .option('--json', 'print JSON (progress goes to stderr)')
    .action(async (org: string, name: string, f: RevokeFlags) => {
      const progress = (line: string) => (f.json ? process.stderr.write(`${line}\n`) : out(line));
      try {
        const summary = await revokeEverywhere(org, name, f, progress);
        if (f.json) printJson(summary);
        else
          out(
            `revoked ${summary.identity}: every peer now refuses its certificate (config block ${summary.configBlock}) and its API tokens answer 401`,
          );
      } catch (err) {
        fail(err instanceof RevokeStepError ? err.message : describe(err));
      }
    });
}
