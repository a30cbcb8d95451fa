import { Command } from 'commander';
import { describe, fail, out, printJson, printTable } from './common';
import { revokeCommand } from './revoke';
import { lazy } from './lazy';

/** The SDK, loaded on demand (the Fabric libraries parse process.argv when loaded). */
async function loadSdk() {
  const [ca, client] = await Promise.all([
    lazy<typeof import('@swledger/sdk/ca')>('@swledger/sdk/ca'),
    lazy<typeof import('@swledger/devnet/client')>('@swledger/devnet/client'),
  ]);
  return { ...ca, localCaOptions: client.localCaOptions };
}

/** `swl user …`: identities of an organisation, managed by its admin through the org's CA. */
export function userCommand(): Command {
  const cmd = new Command('user').description(
    "manage an organisation's users (as its admin, through its CA)",
  );

  cmd
    .command('enroll')
    .description(
      "register and enrol a user with role attributes; stores it in the network's wallet as <org>:<name>",
    )
    .argument('<org>', 'organisation key (customs, banka, bankb, enterprise)')
    .argument('<name>', 'user name')
    .requiredOption('--role <role>', 'swl.role: officer, clerk, auditor, enterprise or verifier')
    .option('--entity <uscc>', 'swl.entity: the enterprise USCC (enterprise users)')
    .option('-n, --network <name>', 'network instance', process.env.SWL_NETWORK ?? 'dev')
    .option('--json', 'print JSON')
    .action(
      async (
        org: string,
        name: string,
        f: { role: string; entity?: string; network: string; json?: boolean },
      ) => {
        try {
          const { enrollUser, localCaOptions } = await loadSdk();
          const label = await enrollUser(localCaOptions(f.network, org), {
            name,
            role: f.role,
            entity: f.entity,
          });
          if (f.json) printJson({ identity: label, role: f.role, entity: f.entity });
          else
            out(
              `enrolled ${label} (swl.role=${f.role}${f.entity ? `, swl.entity=${f.entity}` : ''}); use it with --as ${label}`,
            );
        } catch (err) {
          fail(describe(err));
        }
      },
    );

  cmd.addCommand(revokeCommand());
  addCreateCommand(cmd);
  addTokenCommands(cmd);
  return cmd;
}

/** Where a token command finds the service: a local network, or a config file (`--config`, `SWL_CONFIG`). */
interface TokenFlags {
  readonly network: string;
  readonly config?: string;
}

/** The config file a token command names, if any (`config: ''` ignores `SWL_CONFIG`). */
function configOf(f: TokenFlags): string | undefined {
  const file = f.config ?? process.env.SWL_CONFIG;
  return file === '' ? undefined : file;
}

/**
 * The token store of an organisation's REST service: the database of the
 * config file, or the SQLite file in the network's run directory.
 */
async function withTokens<T>(
  f: TokenFlags,
  org: string,
  fn: (tokens: import('@swledger/rest/tokens').TokenStore) => T,
): Promise<T> {
  const [{ restPaths }, { loadConfigFile }, { openDb }, { TokenStore }] = await Promise.all([
    lazy<typeof import('@swledger/rest/config')>('@swledger/rest/config'),
    lazy<typeof import('@swledger/rest/configfile')>('@swledger/rest/configfile'),
    lazy<typeof import('@swledger/rest/db')>('@swledger/rest/db'),
    lazy<typeof import('@swledger/rest/tokens')>('@swledger/rest/tokens'),
  ]);
  const config = configOf(f);
  let dbFile: string;
  if (config === undefined) dbFile = restPaths(f.network, org).dbFile;
  else {
    const file = loadConfigFile(config);
    if (file.ledger.org !== org)
      throw new Error(
        `CONFIG_CONFLICT: ${file.file} is the service of ${file.ledger.org}, not ${org}`,
      );
    dbFile = file.database;
  }
  const db = openDb(dbFile);
  try {
    return fn(new TokenStore(db));
  } finally {
    db.close();
  }
}

/** Role and entity of an identity: from the network's wallet, or the config file's identities. */
async function lookUp(
  f: TokenFlags,
  label: string,
): Promise<import('@swledger/rest/identity').Identity> {
  const config = configOf(f);
  if (config !== undefined) {
    const [{ loadConfigFile }, { fileIdentities }] = await Promise.all([
      lazy<typeof import('@swledger/rest/configfile')>('@swledger/rest/configfile'),
      lazy<typeof import('@swledger/rest/identities')>('@swledger/rest/identities'),
    ]);
    return fileIdentities(loadConfigFile(config).ledger).identity(label);
  }
  const { readIdentity } =
    await lazy<typeof import('@swledger/rest/identity')>('@swledger/rest/identity');
  const { resolveLayout } =
    await lazy<typeof import('@swledger/devnet/layout')>('@swledger/devnet/layout');
  return readIdentity(resolveLayout({ name: f.network }).layout.walletDir(), label);
}

/** Creates a token for an identity of the organisation; prints the secret once. */
async function createToken(
  f: TokenFlags,
  label: string,
  name: string,
  json: boolean | undefined,
): Promise<void> {
  const [org] = label.split(':');
  const identity = await lookUp(f, label);
  const network = f.network;
  const t = await withTokens(f, org ?? '', (tokens) => tokens.create(label, name));
  if (json) {
    printJson({ id: t.id, identity: t.identity, name: t.name, token: t.token });
    return;
  }
  out(`token ${t.id} for ${label} (${identity.mspId}, role ${identity.role ?? 'none'}):`);
  out(`  ${t.token}`);
  out('It is shown only now; only its SHA-256 is stored. Revoke with:');
  const where =
    configOf(f) !== undefined
      ? ` --config ${configOf(f) ?? ''}`
      : network === 'dev'
        ? ''
        : ` -n ${network}`;
  out(`  swl user token revoke ${org ?? ''} ${t.id}${where}`);
}

/** `swl user create`: register and enrol a user, then create its API token (shown once). */
function addCreateCommand(cmd: Command): void {
  cmd
    .command('create')
    .description('enrol a user (like `user enroll`) and create its REST API token, shown once')
    .argument('<org>', 'organisation key (customs, banka, bankb, enterprise)')
    .argument('<name>', 'user name')
    .requiredOption('--role <role>', 'swl.role: officer, clerk, auditor, enterprise or verifier')
    .option('--entity <uscc>', 'swl.entity: the enterprise USCC (enterprise users)')
    .option('--token-name <text>', 'what the token is for', 'created with swl user create')
    .option('-n, --network <name>', 'network instance', process.env.SWL_NETWORK ?? 'dev')
    .option('--json', 'print JSON')
    .action(
      async (
        org: string,
        name: string,
        f: { role: string; entity?: string; tokenName: string; network: string; json?: boolean },
      ) => {
        try {
          const { enrollUser, localCaOptions } = await loadSdk();
          const label = await enrollUser(localCaOptions(f.network, org), {
            name,
            role: f.role,
            entity: f.entity,
          });
          if (!f.json) out(`enrolled ${label}`);
          // The user was enrolled into the local network's wallet: its token is that service's.
          await createToken({ network: f.network, config: '' }, label, f.tokenName, f.json);
        } catch (err) {
          fail(describe(err));
        }
      },
    );
}

/** `swl user token create|list|revoke`: REST API tokens, each bound to one ledger identity. */
function addTokenCommands(cmd: Command): void {
  const token = cmd
    .command('token')
    .description("REST API tokens of an organisation's service (stored as SHA-256 hashes)");
  token
    .command('create')
    .description(
      "create a token acting as an identity (the network's wallet, or the config file's users); the secret is shown once",
    )
    .argument('<identity>', 'label <org>:<user>, e.g. enterprise:alpha')
    .option('--name <text>', 'what the token is for', 'created with swl user token create')
    .option('-n, --network <name>', 'network instance', process.env.SWL_NETWORK ?? 'dev')
    .option('--config <file>', "the service's config file (env SWL_CONFIG)")
    .option('--json', 'print JSON')
    .action(async (label: string, f: TokenFlags & { name: string; json?: boolean }) => {
      try {
        if (!/^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/.test(label))
          throw new Error(`identity '${label}' must look like <org>:<user>`);
        await createToken(f, label, f.name, f.json);
      } catch (err) {
        fail(describe(err));
      }
    });
  token
    .command('list')
    .description("list an organisation's tokens (never their secrets)")
    .argument('<org>', 'organisation key')
    .option('-n, --network <name>', 'network instance', process.env.SWL_NETWORK ?? 'dev')
    .option('--config <file>', "the service's config file (env SWL_CONFIG)")
    .option('--json', 'print JSON')
    .action(async (org: string, f: TokenFlags & { json?: boolean }) => {
      try {
        const list = await withTokens(f, org, (tokens) => tokens.list());
        if (f.json) {
          printJson(list);
          return;
        }
        printTable(
          ['ID', 'IDENTITY', 'CREATED', 'LAST USED', 'REVOKED', 'NAME'],
          list.map((t) => [
            t.id,
            t.identity,
            t.createdAt,
            t.lastUsedAt ?? '-',
            t.revokedAt ?? '-',
            t.name,
          ]),
        );
      } catch (err) {
        fail(describe(err));
      }
    });
  token
    .command('revoke')
    .description('revoke a token at once (the running service refuses it with 401)')
    .argument('<org>', 'organisation key')
    .argument('<id>', 'token id (from `token list`)')
    .option('-n, --network <name>', 'network instance', process.env.SWL_NETWORK ?? 'dev')
    .option('--config <file>', "the service's config file (env SWL_CONFIG)")
    .action(async (org: string, id: string, f: TokenFlags) => {
      try {
        if (await withTokens(f, org, (tokens) => tokens.revoke(id))) out(`revoked token ${id}`);
        else fail(`NOT_FOUND: no live token ${id} for ${org}`);
      } catch (err) {
        fail(describe(err));
      }
    });
}
