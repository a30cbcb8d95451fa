import { Command } from 'commander';
import { describe, fail, out, printJson } from './common';

/** The SDK, loaded on demand (the Fabric libraries parse process.argv when loaded). */
async function loadSdk() {
  const [ca, client] = await Promise.all([import('../sdk/ca'), import('../sdk/client')]);
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

  cmd
    .command('revoke')
    .description("revoke a user's certificates at the org's CA")
    .argument('<org>', 'organisation key')
    .argument('<name>', 'user name')
    .option('--reason <reason>', 'revocation reason', 'unspecified')
    .option('-n, --network <name>', 'network instance', process.env.SWL_NETWORK ?? 'dev')
    .action(async (org: string, name: string, f: { reason: string; network: string }) => {
      try {
        const { revokeUser, localCaOptions } = await loadSdk();
        await revokeUser(localCaOptions(f.network, org), name, f.reason);
        out(`revoked ${org}:${name}`);
      } catch (err) {
        fail(describe(err));
      }
    });
  return cmd;
}
