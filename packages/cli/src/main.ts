#!/usr/bin/env node
import { Command } from 'commander';
import { anchorCommand, proofCommand } from './anchor';
import { docCommand, verifyCommand } from './doc';
import { enterpriseCommand } from './enterprise';
import { eventsCommand } from './events';
import { approverCommand, creditCommand, remitCommand, shipmentCommand } from './finance';
import { guaranteeCommand, invoiceCommand } from './guarantee';
import { networkCommand } from './network';
import { serveCommand } from './serve';
import { userCommand } from './user';
import { watchCommand } from './watch';

/** The `swl` command. */
export function program(): Command {
  const p = new Command('swl')
    .description('swledger: trade documents on a permissioned ledger')
    .showHelpAfterError();
  p.addCommand(networkCommand());
  p.addCommand(docCommand());
  p.addCommand(verifyCommand());
  p.addCommand(guaranteeCommand());
  p.addCommand(invoiceCommand());
  p.addCommand(userCommand());
  p.addCommand(eventsCommand());
  p.addCommand(serveCommand());
  p.addCommand(watchCommand());
  p.addCommand(anchorCommand());
  p.addCommand(proofCommand());
  p.addCommand(enterpriseCommand());
  p.addCommand(remitCommand());
  p.addCommand(shipmentCommand());
  p.addCommand(creditCommand());
  p.addCommand(approverCommand());
  return p;
}

if (require.main === module) {
  // `swl … | head` closes the pipe early: stop quietly instead of crashing.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  program()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`swl: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    });
}
