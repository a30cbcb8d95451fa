import { Command } from 'commander';
import { enrollUser, localCaOptions, revokeUser } from '../sdk';
import { describe, fail, out, printJson } from './common';

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
        await revokeUser(localCaOptions(f.network, org), name, f.reason);
        out(`revoked ${org}:${name}`);
      } catch (err) {
        fail(describe(err));
      }
    });
  return cmd;
}
