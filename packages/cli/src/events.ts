import { Command } from 'commander';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Checkpoint } from '@swledger/sdk/events';
import { integer, ledgerOptions, LedgerFlags, out, withClient } from './common';

/** `swl events`: prints ledger events, one line (or JSON object) per change. */
export function eventsCommand(): Command {
  return ledgerOptions(new Command('events'))
    .description('print ledger events (one per change); resumable with a checkpoint file')
    .option('-f, --follow', 'keep waiting for new events (otherwise stop when caught up)')
    .option('--from-block <n>', 'start at this block (default: the next block)', (v) =>
      BigInt(integer('--from-block', 0)(v)),
    )
    .option(
      '--checkpoint <file>',
      'resume after the checkpoint in this file and update it after each event',
    )
    .option(
      '--idle-ms <ms>',
      'without --follow, stop after this long without events',
      integer('--idle-ms', 0),
      2000,
    )
    .action(
      async (
        f: LedgerFlags & {
          follow?: boolean;
          fromBlock?: bigint;
          checkpoint?: string;
          idleMs: number;
        },
      ) => {
        const checkpoint =
          f.checkpoint && existsSync(f.checkpoint)
            ? (JSON.parse(readFileSync(f.checkpoint, 'utf8')) as Checkpoint)
            : undefined;
        await withClient(f, async (c) => {
          const stream = await c.events({ checkpoint, startBlock: f.fromBlock });
          let idle: NodeJS.Timeout | undefined;
          const arm = () => {
            if (f.follow) return;
            if (idle) clearTimeout(idle);
            idle = setTimeout(() => stream.close(), f.idleMs);
          };
          process.once('SIGINT', () => stream.close());
          arm();
          for await (const e of stream) {
            if (f.json) out(JSON.stringify(e));
            else
              out(
                `${e.blockNumber.padStart(6)}  ${e.transactionId.slice(0, 12)}  ${e.type.padEnd(20)} ${e.docId.padEnd(24)} ${String(e.oldStatus ?? '-').padEnd(10)} -> ${e.newStatus.padEnd(10)} ${e.action}`,
              );
            if (f.checkpoint) {
              writeFileSync(`${f.checkpoint}.tmp`, JSON.stringify(e.checkpoint));
              renameSync(`${f.checkpoint}.tmp`, f.checkpoint);
            }
            arm();
          }
          if (idle) clearTimeout(idle);
        });
      },
    );
}
