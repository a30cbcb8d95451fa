import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { LimitDecision, PolicyInput } from '@swledger/sdk/credit';
import {
  ledgerOptions,
  LedgerFlags,
  out,
  printFields,
  printJson,
  printTable,
  withClient,
} from './common';
import { lazy } from './lazy';

function field(err: unknown, name: string): string | undefined {
  const fields = (err as { fields?: Record<string, string> } | undefined)?.fields;
  return fields?.[name];
}

/** `swl remit record|list`: remittances checked against declarations, invoices and contracts. */
export function remitCommand(): Command {
  const cmd = new Command('remit').description(
    'cross-border remittances checked against a declaration, an invoice and a contract (bank clerks)',
  );
  ledgerOptions(cmd.command('record'))
    .description(
      'record an outward payment (IMPORT declaration) or an inward receipt (EXPORT declaration); the totals remitted against the declaration and the invoice never exceed their values across all banks',
    )
    .requiredOption('--id <remittanceId>', 'id of this remittance')
    .requiredOption('--declaration <docId>', 'the customs declaration (ACCEPTED or RELEASED)')
    .requiredOption('--invoice <docId>', 'the commercial invoice (the declaration links it)')
    .requiredOption(
      '--contract <docId>',
      'the contract (linked from the declaration or the invoice)',
    )
    .requiredOption('--direction <dir>', 'OUTWARD (import payment) or INWARD (export receipt)')
    .requiredOption('--payer <uscc>', "the paying enterprise's USCC (the invoice's buyer)")
    .requiredOption('--amount <amount>', 'amount, e.g. 5000.00')
    .requiredOption('--currency <code>', 'currency of the documents, e.g. USD')
    .action(
      async (
        f: LedgerFlags & {
          id: string;
          declaration: string;
          invoice: string;
          contract: string;
          direction: string;
          payer: string;
          amount: string;
          currency: string;
        },
      ) => {
        await withClient(f, async (c) => {
          try {
            const res = await c.remittances.record({
              remittanceId: f.id,
              declarationDocId: f.declaration,
              invoiceDocId: f.invoice,
              contractDocId: f.contract,
              direction: f.direction.toUpperCase() as 'OUTWARD' | 'INWARD',
              payer: f.payer,
              amount: f.amount,
              currency: f.currency,
            });
            if (f.json) return printJson({ ...res.value, transactionId: res.transactionId });
            out(
              `remitted: ${res.value.remittance.amount} ${res.value.remittance.currency} ${res.value.remittance.payer} → ${res.value.remittance.payee} (tx ${res.transactionId})`,
            );
            out(`  declaration ${f.declaration}: ${res.value.declaration.remitted} remitted`);
            out(`  invoice ${f.invoice}: ${res.value.invoice.remitted} remitted`);
          } catch (err) {
            const left = field(err, 'left');
            if (left !== undefined)
              process.stderr.write(`swl: ${field(err, 'docId') ?? ''} has ${left} left to remit\n`);
            throw err;
          }
        });
      },
    );
  ledgerOptions(cmd.command('list'))
    .description('every remittance against a declaration, with its shipment position')
    .argument('<declaration>', 'the declaration docId')
    .action(async (declaration: string, f: LedgerFlags) => {
      await withClient(f, async (c) => {
        const view = await c.shipments.get(declaration);
        if (f.json) return printJson(view);
        printTable(
          ['REMITTANCE', 'DIRECTION', 'AMOUNT', 'PAYER', 'PAYEE', 'BANK'],
          view.remittances.map((r) => [
            r.remittanceId,
            r.direction,
            `${r.amount} ${r.currency}`,
            r.payer,
            r.payee,
            r.bankMsp,
          ]),
        );
        out(
          `remitted ${view.shipment.remitted} of ${view.shipment.declaredValue} ${view.shipment.currency} (${view.shipment.remitLeft} left)`,
        );
      });
    });
  return cmd;
}

/** `swl shipment finance|settle|show`: one shipment financed once. */
export function shipmentCommand(): Command {
  const cmd = new Command('shipment').description(
    'financing drawn on an EXPORT declaration, sharing one cap (the declared value) with every invoice it links',
  );
  ledgerOptions(cmd.command('finance'))
    .description('finance part of an EXPORT declaration (bank clerk)')
    .argument('<declaration>', 'the declaration docId')
    .argument('<financingId>', 'id of this financing')
    .argument('<amount>', 'amount in the declaration currency')
    .action(async (declaration: string, financingId: string, amount: string, f: LedgerFlags) => {
      await withClient(f, async (c) => {
        const res = await c.shipments.finance(declaration, financingId, amount);
        if (f.json) return printJson({ ...res.value, transactionId: res.transactionId });
        out(
          `financed: ${declaration} ${amount}; shipment financed ${res.value.shipment.financed}, ${res.value.shipment.financeLeft} left (tx ${res.transactionId})`,
        );
      });
    });
  ledgerOptions(cmd.command('settle'))
    .description("settle the caller's bank's financing of a declaration (bank clerk)")
    .argument('<declaration>', 'the declaration docId')
    .argument('<financingId>', 'the financing')
    .action(async (declaration: string, financingId: string, f: LedgerFlags) => {
      await withClient(f, async (c) => {
        const res = await c.shipments.settle(declaration, financingId);
        if (f.json) return printJson({ ...res.value, transactionId: res.transactionId });
        out(`settled: ${declaration} ${financingId} (tx ${res.transactionId})`);
      });
    });
  ledgerOptions(cmd.command('show'))
    .description("a shipment's financed (direct and through invoices) and remitted totals")
    .argument('<declaration>', 'the declaration docId')
    .action(async (declaration: string, f: LedgerFlags) => {
      await withClient(f, async (c) => {
        const view = await c.shipments.get(declaration);
        if (f.json) return printJson(view);
        const s = view.shipment;
        printFields({
          declared: `${s.declaredValue} ${s.currency}`,
          financed: `${s.financed} (direct ${s.financedDirect}; invoices ${
            Object.entries(s.financedByInvoice)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ') || 'none'
          })`,
          'finance left': s.financeLeft,
          remitted: s.remitted,
          'remit left': s.remitLeft,
        });
      });
    });
  return cmd;
}

function printDecision(d: LimitDecision): void {
  printFields({
    enterprise: d.owner,
    bank: `${d.bankMsp} (policy v${d.policyVersion})`,
    'as of': d.asOf,
    limit: `${d.limit} ${d.parameters.currency}`,
    decision: d.decisionId,
  });
  printTable(
    ['REASON', 'AMOUNT', 'WHY'],
    d.reasons.map((r) => [r.code, r.amount, r.text]),
  );
}

/** `swl credit policy|assess|decision|recompute`: a bank's loan-limit services. */
export function creditCommand(): Command {
  const cmd = new Command('credit').description(
    "a bank's credit services on ledger data: its published policy and loan-limit decisions anyone entitled can recompute",
  );
  ledgerOptions(cmd.command('publish'))
    .description(
      "publish (or replace) the caller's bank's policy from a JSON file {bankMsp, limit, approval} (bank clerk)",
    )
    .argument('<file>', 'the policy JSON')
    .action(async (file: string, f: LedgerFlags) => {
      const policy = JSON.parse(readFileSync(file, 'utf8')) as PolicyInput;
      await withClient(f, async (c) => {
        const res = await c.credit.publishPolicy(policy);
        if (f.json) return printJson({ ...res.value, transactionId: res.transactionId });
        out(
          `published: ${res.value.bankMsp} policy v${res.value.version} (tx ${res.transactionId})`,
        );
      });
    });
  ledgerOptions(cmd.command('policy'))
    .description("a bank's published policy")
    .argument('<bankMsp>', 'the bank, e.g. BankAMSP')
    .action(async (bankMsp: string, f: LedgerFlags) => {
      await withClient(f, async (c) => printJson(await c.credit.policy(bankMsp)));
    });
  ledgerOptions(cmd.command('assess'))
    .description(
      "compute an enterprise's loan limit in chaincode under the caller's bank's policy and record the decision (bank clerk)",
    )
    .argument('<uscc>', 'the enterprise')
    .action(async (owner: string, f: LedgerFlags) => {
      await withClient(f, async (c) => {
        const res = await c.credit.assessLimit(owner);
        if (f.json) return printJson({ ...res.value, transactionId: res.transactionId });
        printDecision(res.value);
      });
    });
  ledgerOptions(cmd.command('decision'))
    .description('a recorded limit decision')
    .argument('<uscc>', 'the enterprise')
    .argument('<decisionId>', 'the decision (its transaction id)')
    .action(async (owner: string, decisionId: string, f: LedgerFlags) => {
      await withClient(f, async (c) => {
        const d = await c.credit.decision(owner, decisionId);
        if (f.json) return printJson(d);
        printDecision(d);
      });
    });
  ledgerOptions(cmd.command('recompute'))
    .description(
      'recompute a decision from its listed inputs and check them against the ledger; exit 1 when it disagrees',
    )
    .argument('<uscc>', 'the enterprise')
    .argument('<decisionId>', 'the decision (its transaction id)')
    .action(async (owner: string, decisionId: string, f: LedgerFlags) => {
      await withClient(f, async (c) => {
        const result = await c.credit.recompute(await c.credit.decision(owner, decisionId));
        if (f.json) printJson(result);
        else {
          out(`${result.agrees ? 'agrees' : 'DISAGREES'}: limit ${result.limit}`);
          for (const p of result.problems) out(`  ${p}`);
        }
        if (!result.agrees) process.exitCode = 1;
      });
    });
  return cmd;
}

/** `swl approver`: a bank's automated tariff-guarantee approver. */
export function approverCommand(): Command {
  return ledgerOptions(new Command('approver'))
    .description(
      "as a bank's approver identity (--as banka:approver1), decide every new guarantee application to its bank by the bank's published rules: issue it with a decision record, or refer it to a clerk with the failing rules (runs until Ctrl-C)",
    )
    .option('--checkpoint <file>', 'resume from and save the event-stream position in this file')
    .option(
      '--from-block <n>',
      'first block to follow when there is no checkpoint (default: new blocks only)',
    )
    .action(async (f: LedgerFlags & { checkpoint?: string; fromBlock?: string }) => {
      const { Approver, fileApproverCheckpoint } =
        lazy<typeof import('@swledger/sdk/approver')>('@swledger/sdk/approver');
      await withClient(f, async (c) => {
        const approver = new Approver(c, {
          ...(f.checkpoint === undefined
            ? {}
            : { checkpoint: fileApproverCheckpoint(f.checkpoint) }),
          ...(f.fromBlock === undefined ? {} : { startBlock: BigInt(f.fromBlock) }),
          log: (line) => out(f.json ? JSON.stringify({ line }) : line),
        });
        process.once('SIGINT', () => approver.stop());
        process.once('SIGTERM', () => approver.stop());
        if (!f.json) out(`approver of ${c.mspId} following new applications; Ctrl-C stops`);
        await approver.run();
      });
    });
}
