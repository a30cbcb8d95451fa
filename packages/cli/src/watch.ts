import { Command } from 'commander';
import { integer, ledgerOptions, LedgerFlags, out, withClient } from './common';
import { lazy } from './lazy';

/** `swl watch`: checks every committed transaction's provenance and prints an alert for each failure. */
export function watchCommand(): Command {
  return ledgerOptions(new Command('watch'), 'customs:verifier')
    .description(
      'check every committed swledger transaction against its signatures (creator, endorsers, what the chaincode writes for the signed request) and raise an alert for each that fails; exit 1 when an alert was raised',
    )
    .option(
      '--from-block <n>',
      'first block to check (default: the checkpoint, else new blocks only)',
      (v) => BigInt(integer('--from-block', 0)(v)),
    )
    .option('--checkpoint <file>', 'resume from and save the next block to check in this file')
    .option('-f, --follow', 'keep following new blocks (otherwise stop when caught up)')
    .option('--verbose', 'also print every transaction that passed')
    .action(
      async (
        f: LedgerFlags & {
          fromBlock?: bigint;
          checkpoint?: string;
          follow?: boolean;
          verbose?: boolean;
        },
      ) => {
        const { Watcher, alertLine, fileCheckpoint } =
          await lazy<typeof import('@swledger/sdk/watch')>('@swledger/sdk/watch');
        let alerts = 0;
        let checked = 0;
        let errors = 0;
        let failed: unknown;
        await withClient(f, async (c) => {
          const watcher = new Watcher(c.connection, {
            startBlock: f.fromBlock,
            checkpoint: f.checkpoint === undefined ? undefined : fileCheckpoint(f.checkpoint),
            onAlert: (alert) => {
              alerts++;
              if (f.json) out(JSON.stringify({ alert }));
              else process.stderr.write(`${alertLine(alert)}\n`);
            },
            onError: (err, block) => {
              errors++;
              process.stderr.write(
                `swl watch: block ${block ?? '?'} could not be checked (${err instanceof Error ? err.message : String(err)}); retrying\n`,
              );
              if (!f.follow && errors >= 3) failed = err;
            },
            onChecked: (check, block) => {
              checked++;
              if (f.verbose && check.result === 'VALID') {
                if (f.json)
                  out(JSON.stringify({ checked: { ...check, blockNumber: block.toString() } }));
                else
                  out(
                    `ok   block ${block} tx ${check.transactionId.slice(0, 16)} ${check.fn ?? ''} by ${check.creator ?? '?'}`,
                  );
              }
            },
          });
          await watcher.start();
          const height = await c.connection.ledgerHeight();
          if (!f.json)
            out(
              `watching from block ${watcher.nextBlock ?? '?'} (ledger height ${height})${f.follow ? '; Ctrl-C stops' : ''}`,
            );
          if (f.follow) {
            await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
          } else {
            while ((watcher.nextBlock ?? 0n) < height && failed === undefined)
              await new Promise((r) => setTimeout(r, 200));
          }
          await watcher.stop();
        });
        if (failed !== undefined) {
          process.stderr.write(
            'swl watch: gave up after 3 failed attempts; is the network up (swl network status)?\n',
          );
          process.exitCode = 2;
          return;
        }
        if (!f.json) out(`checked ${checked} transaction(s), ${alerts} alert(s)`);
        if (alerts > 0) process.exitCode = 1;
      },
    );
}
