import { Command, Option } from 'commander';
import { isSha256 } from '@swledger/sdk/hash';
import {
  DOC_TYPES,
  type DocType,
  type FullView,
  type HistoryEntry,
  type RecordView,
} from '@swledger/sdk/types';
import {
  collect,
  keyValues,
  ledgerOptions,
  signingOptions,
  integer,
  LedgerFlags,
  out,
  printFields,
  printJson,
  printTable,
  withClient,
} from './common';
import { lazy } from './lazy';

const typeOption = () => new Option('--type <type>', 'document type').choices([...DOC_TYPES]);

/** Prints a record view as fields (or JSON). */
export function printRecord(view: RecordView, json: boolean | undefined): void {
  if (json) return printJson(view);
  const full = view.access === 'full' ? (view as FullView) : undefined;
  printFields({
    type: view.type,
    docId: view.docId,
    status: view.status,
    sha256: view.sha256,
    issuer: view.issuerMsp + (full ? ` (${full.issuerId})` : ''),
    registered: `${view.createdAt} in tx ${view.txId}`,
    'signed by':
      view.signer === undefined
        ? undefined
        : `key ${view.signer.address} (binding confirmed by ${view.signer.bankMsp})`,
    owner: full?.owner,
    updated: full?.updatedAt,
    links: full?.links.join(', '),
    facts: full
      ? Object.entries(full.facts)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')
      : undefined,
    state: full
      ? Object.entries(full.state)
          .filter(
            ([k]) => !['type', 'docId', 'status', 'updatedAt', 'updatedBy', 'txId'].includes(k),
          )
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ')
      : undefined,
    view: view.access,
  });
}

/** Prints history entries as a table. */
export function printHistory(entries: readonly HistoryEntry[], json: boolean | undefined): void {
  if (json) return printJson(entries);
  printTable(
    ['TIME', 'STATUS', 'BY', 'TX'],
    entries.map((h) => [h.timestamp, h.status, `${h.by.msp}/${h.by.role}`, h.txId]),
  );
}

/** `swl doc register|register-batch|status|show|history|list`. */
export function docCommand(): Command {
  const cmd = new Command('doc').description('register, move and read documents');

  signingOptions(ledgerOptions(cmd.command('register')))
    .description(
      "register a document's fingerprint and key facts (the file is hashed locally, streaming)",
    )
    .argument('[file]', 'the document file (or give --sha256)')
    .addOption(typeOption().makeOptionMandatory())
    .requiredOption('--id <docId>', 'business number of the document')
    .requiredOption('--owner <uscc>', "USCC of the enterprise it concerns (the caller's own)")
    .option('--sha256 <hash>', 'register a fingerprint computed elsewhere')
    .option(
      '--fact <key=value>',
      'a key fact; repeat (e.g. --fact amount=1000.00 --fact currency=USD)',
      collect,
    )
    .option('--link <docId>', 'a related document; repeat', collect)
    .action(
      async (
        file: string | undefined,
        f: LedgerFlags & {
          type: DocType;
          id: string;
          owner: string;
          sha256?: string;
          fact?: string[];
          link?: string[];
        },
      ) => {
        if (!file && !f.sha256) throw new Error('give a file or --sha256');
        await withClient(f, async (c) => {
          const input = {
            type: f.type,
            docId: f.id,
            owner: f.owner,
            facts: keyValues(f.fact, '--fact'),
            links: f.link,
          };
          const res = await c.documents.register(
            input,
            f.sha256 ? { sha256: f.sha256 } : { path: file! },
          );
          if (f.json) return printJson({ ...res.value, transactionId: res.transactionId });
          out(
            `registered ${res.value.type} ${res.value.docId}: ${res.value.status} (tx ${res.transactionId})`,
          );
        });
      },
    );

  signingOptions(ledgerOptions(cmd.command('register-batch')))
    .description(
      'register every file of a folder, 500 per transaction (each transaction all or nothing); docId = file name without extension',
    )
    .argument('<folder>', 'folder of documents')
    .addOption(typeOption().makeOptionMandatory())
    .requiredOption('--owner <uscc>', 'USCC of the enterprise they concern')
    .option('--fact <key=value>', 'key facts shared by every document; repeat', collect)
    .option(
      '--batch-size <n>',
      'documents per transaction (1-500)',
      integer('--batch-size', 1, 500),
      500,
    )
    .action(
      async (
        folder: string,
        f: LedgerFlags & { type: DocType; owner: string; fact?: string[]; batchSize: number },
      ) => {
        const facts = keyValues(f.fact, '--fact');
        await withClient(f, async (c) => {
          const results = await c.documents.registerFolder(
            folder,
            (name) => ({
              type: f.type,
              docId: name.replace(/\.[^.]*$/, ''),
              owner: f.owner,
              facts,
            }),
            {
              batchSize: f.batchSize,
              onProgress: (done, total) => {
                if (!f.json) process.stderr.write(`registered ${done}/${total}\n`);
              },
            },
          );
          if (f.json) return printJson(results);
          out(
            `registered ${results.reduce((n, r) => n + r.count, 0)} documents in ${results.length} transaction(s)`,
          );
        });
      },
    );

  signingOptions(ledgerOptions(cmd.command('status')))
    .description(
      'move a document: accept, reject, release, assessDuty (--arg amount=...), payDuty, terminate, supersede (--arg byDocId=...), cancel',
    )
    .argument('<type>', 'document type')
    .argument('<docId>', 'document id')
    .argument('<action>', 'the move')
    .option('--arg <key=value>', 'an argument of the move; repeat', collect)
    .action(
      async (type: string, docId: string, action: string, f: LedgerFlags & { arg?: string[] }) => {
        await withClient(f, async (c) => {
          const res = await c.documents.transition(
            type as DocType,
            docId,
            action,
            keyValues(f.arg, '--arg'),
          );
          if (f.json) return printJson({ ...res.value, transactionId: res.transactionId });
          out(
            `${res.value.type} ${res.value.docId}: ${res.value.status} (tx ${res.transactionId})`,
          );
        });
      },
    );

  ledgerOptions(cmd.command('show'))
    .description('show a document by type and id, or by fingerprint (--sha256)')
    .argument('[type]', 'document type')
    .argument('[docId]', 'document id')
    .option('--sha256 <hash>', 'look up by fingerprint')
    .option('--peer <msp>', "ask this organisation's peer (e.g. BankBMSP)")
    .action(
      async (
        type: string | undefined,
        docId: string | undefined,
        f: LedgerFlags & { sha256?: string; peer?: string },
      ) => {
        if (!f.sha256 && !(type && docId)) throw new Error('give <type> <docId> or --sha256');
        await withClient(f, async (c) => {
          const view = f.sha256
            ? await c.documents.getByHash(f.sha256, f.peer)
            : await c.documents.get(type as DocType, docId!, f.peer);
          printRecord(view, f.json);
        });
      },
    );

  ledgerOptions(cmd.command('history'))
    .description('every version of a document: status, who, when, transaction')
    .argument('<type>', 'document type')
    .argument('<docId>', 'document id')
    .option('--peer <msp>', "ask this organisation's peer (e.g. BankBMSP)")
    .action(async (type: string, docId: string, f: LedgerFlags & { peer?: string }) => {
      await withClient(f, async (c) =>
        printHistory(await c.documents.history(type as DocType, docId, f.peer), f.json),
      );
    });

  ledgerOptions(cmd.command('list'))
    .description("list an enterprise's documents, a page at a time")
    .argument('<owner>', 'USCC of the enterprise')
    .addOption(typeOption())
    .option('--status <status>', 'only this status')
    .option('--page-size <n>', 'records per page (1-100)', integer('--page-size', 1, 100), 20)
    .option('--peer <msp>', "ask this organisation's peer (e.g. BankBMSP)")
    .option('--bookmark <b>', 'continue after a previous page')
    .option('--all', 'fetch every page')
    .action(
      async (
        owner: string,
        f: LedgerFlags & {
          type?: DocType;
          status?: string;
          pageSize: number;
          bookmark?: string;
          all?: boolean;
          peer?: string;
        },
      ) => {
        await withClient(f, async (c) => {
          const records: FullView[] = [];
          let bookmark = f.bookmark ?? '';
          do {
            const page = await c.documents.list(owner, {
              type: f.type,
              status: f.status,
              pageSize: f.pageSize,
              bookmark,
              peerMsp: f.peer,
            });
            records.push(...page.records);
            bookmark = page.bookmark;
          } while (f.all && bookmark !== '');
          if (f.json) return printJson({ records, bookmark });
          printTable(
            ['TYPE', 'DOC ID', 'STATUS', 'UPDATED'],
            records.map((r) => [r.type, r.docId, r.status, r.updatedAt]),
          );
          if (bookmark) out(`more: --bookmark ${bookmark}`);
        });
      },
    );
  return cmd;
}

/** `swl verify <file|sha256>`: exit 0 valid, 1 invalid, 2 error. */
export function verifyCommand(): Command {
  return ledgerOptions(new Command('verify'), 'customs:verifier')
    .description(
      'verify a file or SHA-256: integrity, status, issuer and provenance from signatures (exit 0 valid, 1 invalid, 2 error)',
    )
    .argument('<file-or-sha256>', 'the file to check, or its SHA-256')
    .option(
      '--no-provenance',
      'skip the provenance check (faster; the verdict then rests on three checks)',
    )
    .option('--transactions', 'list each transaction the provenance check read')
    .option(
      '--proof <bundle>',
      'check a portable proof (from `swl proof`) instead, with the EVM RPC alone: no Fabric identity or network',
    )
    .option('--rpc <url>', 'with --proof: the EVM JSON-RPC URL of the chain the proof names')
    .action(
      async (
        target: string,
        f: LedgerFlags & {
          provenance: boolean;
          transactions?: boolean;
          proof?: string;
          rpc?: string;
        },
      ) => {
        if (f.proof !== undefined) {
          const { verifyWithProof } = lazy<typeof import('./anchor')>('./anchor');
          return verifyWithProof(target, { proof: f.proof, rpc: f.rpc, json: f.json });
        }
        const done = await withClient(f, async (c) => {
          const v = await c.verifier.verify(
            isSha256(target) ? { sha256: target } : { path: target },
            {
              provenance: f.provenance,
            },
          );
          if (f.json) {
            printJson(v);
          } else {
            out(`verdict    ${v.verdict}`);
            out(`sha256     ${v.sha256}`);
            printTable(
              ['CHECK', 'RESULT', 'REASON'],
              [
                ['integrity', v.integrity.result, v.integrity.reason],
                ['status', v.status.result, v.status.reason],
                ['issuer', v.issuer.result, v.issuer.reason],
                ['provenance', v.provenance.result, v.provenance.reason],
              ],
            );
            if (f.transactions && v.provenance.transactions) {
              out();
              printTable(
                ['TRANSACTION', 'FUNCTION', 'SIGNED BY', 'ENDORSERS', 'RESULT'],
                v.provenance.transactions.map((t) => [
                  t.transactionId.slice(0, 16),
                  t.fn ?? '?',
                  t.creator ?? '?',
                  t.endorsers.join(','),
                  t.result,
                ]),
              );
            }
            if (v.history) {
              out();
              printHistory(v.history, false);
            }
          }
          return v.verdict;
        });
        if (done !== undefined)
          process.exitCode = done === 'VALID' ? 0 : done === 'INVALID' ? 1 : 2;
      },
    );
}
