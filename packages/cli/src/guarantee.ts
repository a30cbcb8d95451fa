import { Command } from 'commander';
import type { SwlClient } from '@swledger/sdk/client';
import type { Committed, FullView } from '@swledger/sdk/types';
import { ledgerOptions, LedgerFlags, out, printJson, withClient } from './common';

function report(res: Committed<unknown>, json: boolean | undefined, what: string): void {
  if (json) return printJson({ ...(res.value as object), transactionId: res.transactionId });
  const value = res.value as Partial<FullView> & { guarantee?: FullView; invoice?: FullView };
  const view = value.guarantee ?? value.invoice ?? value;
  const balance = view.state?.claimed
    ? ` claimed ${view.state.claimed}`
    : view.state?.balance
      ? ` balance ${view.state.balance}`
      : view.state?.financed
        ? ` financed ${view.state.financed}`
        : '';
  out(`${what}: ${view.docId ?? ''} ${view.status ?? ''}${balance} (tx ${res.transactionId})`);
}

type Move = (c: SwlClient, docId: string) => Promise<Committed<FullView>>;

/** `swl guarantee apply|issue|reject|accept|draw|settle|release|claim`. */
export function guaranteeCommand(): Command {
  const cmd = new Command('guarantee').description(
    'tariff guarantee letters: apply, issue, accept, draw, settle, release, claim',
  );

  ledgerOptions(cmd.command('apply'))
    .description('apply for a guarantee from a bank (enterprise)')
    .argument('[file]', 'the guarantee letter (or --sha256)')
    .requiredOption('--id <docId>', 'guarantee number')
    .requiredOption('--applicant <uscc>', "the applicant's USCC (the caller's own)")
    .requiredOption('--bank <msp>', 'MSP ID of the issuing bank, e.g. BankAMSP')
    .requiredOption('--office <code>', 'beneficiary customs office (4 digits)')
    .requiredOption('--amount <cny>', 'amount in CNY, e.g. 50000.00')
    .requiredOption('--valid-to <iso>', 'end of validity (ISO 8601, UTC)')
    .option('--valid-from <iso>', 'start of validity (default now)')
    .option('--sha256 <hash>', 'fingerprint computed elsewhere')
    .action(
      async (
        file: string | undefined,
        f: LedgerFlags & {
          id: string;
          applicant: string;
          bank: string;
          office: string;
          amount: string;
          validTo: string;
          validFrom?: string;
          sha256?: string;
        },
      ) => {
        if (!file && !f.sha256) throw new Error('give a file or --sha256');
        await withClient(f, async (c) => {
          const app = {
            docId: f.id,
            applicant: f.applicant,
            bankMsp: f.bank,
            customsOffice: f.office,
            amount: f.amount,
            validFrom: f.validFrom ?? new Date().toISOString(),
            validTo: f.validTo,
          };
          report(
            await c.guarantees.apply(app, f.sha256 ? { sha256: f.sha256 } : { path: file! }),
            f.json,
            'applied',
          );
        });
      },
    );

  const simple: [string, string, Move][] = [
    ['issue', 'issue an applied guarantee (its bank)', (c, id) => c.guarantees.issue(id)],
    ['reject', 'reject an application (its bank)', (c, id) => c.guarantees.reject(id)],
    [
      'accept',
      'verify and accept an issued guarantee (customs)',
      (c, id) => c.guarantees.accept(id),
    ],
    ['release', 'release an active guarantee (customs)', (c, id) => c.guarantees.release(id)],
    [
      'claim',
      'claim an active guarantee for the duty of its open draws, paid by the bank (customs)',
      (c, id) => c.guarantees.claim(id),
    ],
  ];
  for (const [name, description, move] of simple) {
    ledgerOptions(cmd.command(name))
      .description(description)
      .argument('<docId>', 'guarantee number')
      .action(async (docId: string, f: LedgerFlags) => {
        await withClient(f, async (c) => report(await move(c, docId), f.json, name));
      });
  }

  ledgerOptions(cmd.command('draw'))
    .description("draw on an active guarantee for a declaration's assessed duty (customs)")
    .argument('<docId>', 'guarantee number')
    .argument('<drawId>', 'id of this draw')
    .argument('<declaration>', 'docId of the declaration whose duty it covers')
    .argument('<amount>', "the declaration's assessed duty")
    .action(async (docId: string, drawId: string, decl: string, amount: string, f: LedgerFlags) => {
      await withClient(f, async (c) =>
        report(await c.guarantees.draw(docId, drawId, decl, amount), f.json, 'drawn'),
      );
    });

  ledgerOptions(cmd.command('settle'))
    .description('settle a draw once the duty is paid; restores the balance (customs)')
    .argument('<docId>', 'guarantee number')
    .argument('<drawId>', 'the draw')
    .action(async (docId: string, drawId: string, f: LedgerFlags) => {
      await withClient(f, async (c) =>
        report(await c.guarantees.settleDraw(docId, drawId), f.json, 'settled'),
      );
    });
  return cmd;
}

/** `swl invoice finance|settle`. */
export function invoiceCommand(): Command {
  const cmd = new Command('invoice').description('invoice financing by banks');
  ledgerOptions(cmd.command('finance'))
    .description("finance part or all of a registered invoice as the caller's bank")
    .argument('<docId>', 'invoice number')
    .argument('<financingId>', 'id of this financing')
    .argument('<amount>', 'amount financed, e.g. 1000.00')
    .action(async (docId: string, financingId: string, amount: string, f: LedgerFlags) => {
      await withClient(f, async (c) =>
        report(await c.invoices.finance(docId, financingId, amount), f.json, 'financed'),
      );
    });
  ledgerOptions(cmd.command('settle'))
    .description("settle the caller's bank's own financing")
    .argument('<docId>', 'invoice number')
    .argument('<financingId>', 'the financing')
    .action(async (docId: string, financingId: string, f: LedgerFlags) => {
      await withClient(f, async (c) =>
        report(await c.invoices.settle(docId, financingId), f.json, 'settled'),
      );
    });
  return cmd;
}
