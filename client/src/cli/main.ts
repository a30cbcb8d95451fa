#!/usr/bin/env node
import { Command } from 'commander';
import { networkCommand } from './network';

/** The `swl` command. */
export function program(): Command {
  const p = new Command('swl')
    .description('swledger: trade documents on a permissioned ledger')
    .showHelpAfterError();
  p.addCommand(networkCommand());
  return p;
}

if (require.main === module) {
  program()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`swl: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    });
}
