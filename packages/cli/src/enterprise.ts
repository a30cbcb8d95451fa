import { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { existsSync, renameSync } from 'node:fs';
import type { SwlClient } from '@swledger/sdk/client';
import type { Binding } from '@swledger/sdk/bindings';
import { lazy } from './lazy';
import { ledgerOptions, LedgerFlags, out, printFields, printJson, withClient } from './common';

/** Environment variable holding a keystore's passphrase (never a flag: flags end up in shell history). */
export const PASSPHRASE_ENV = 'SWL_KEYSTORE_PASSPHRASE';

type KeystoreModule = typeof import('@swledger/sdk/keystore');
const keystore = (): KeystoreModule => lazy<KeystoreModule>('@swledger/sdk/keystore');

/**
 * The keystore passphrase: `SWL_KEYSTORE_PASSPHRASE`, else asked on the
 * terminal without echo (twice for a new key).
 * @throws Error when there is neither the variable nor a terminal
 */
export async function passphrase(confirm: boolean): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY)
    throw new Error(`set ${PASSPHRASE_ENV} or run on a terminal to type the keystore passphrase`);
  const first = await ask('keystore passphrase: ');
  if (confirm && (await ask('again: ')) !== first) throw new Error('the passphrases differ');
  if (first === '') throw new Error('the passphrase is empty');
  return first;
}

function ask(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

function progress(what: string): ((fraction: number) => void) | undefined {
  if (!process.stderr.isTTY) {
    process.stderr.write(`${what} ...\n`);
    return undefined;
  }
  let shown = -1;
  return (fraction) => {
    const pct = Math.floor(fraction * 10) * 10;
    if (pct !== shown) {
      shown = pct;
      process.stderr.write(`\r${what} ${String(pct)}%${pct === 100 ? '\n' : ''}`);
    }
  };
}

function showBinding(b: Binding, json: boolean | undefined): void {
  if (json) return printJson(b);
  printFields({
    key: b.address,
    enterprise: b.uscc,
    bank: b.bankMsp,
    status: b.status,
    'confirmed by':
      b.confirmedBy === undefined ? undefined : `${b.confirmedBy.msp} ${b.confirmedBy.id}`,
    'rotated from': b.rotatedFrom,
    'replaced by': b.replacedBy,
    'updated at': b.updatedAt,
    tx: b.txId,
  });
}

async function openKey(file: string) {
  return keystore().openKeystore(file, await passphrase(false));
}

/** `swl enterprise key create|show|rotate` and `swl enterprise binding request|confirm|revoke|show`. */
export function enterpriseCommand(): Command {
  const cmd = new Command('enterprise').description(
    "an enterprise's own signing key (secp256k1, encrypted keystore) and its binding to the USCC, confirmed by a bank",
  );
  const key = cmd.command('key').description('make, show and rotate the enterprise signing key');

  key
    .command('create')
    .description(
      `make a new key in an encrypted keystore (mode 0600); passphrase from ${PASSPHRASE_ENV} or a prompt`,
    )
    .requiredOption('--keystore <file>', 'where to write the keystore (refused if it exists)')
    .action(async (f: { keystore: string }) => {
      if (existsSync(f.keystore))
        throw new Error(`KEYSTORE_EXISTS: ${f.keystore} exists: refusing to overwrite a key`);
      const secret = await passphrase(true);
      const onProgress = progress('encrypting the key (scrypt)');
      const address = await keystore().createKeystore(f.keystore, secret, {
        ...(onProgress === undefined ? {} : { onProgress }),
      });
      out(`key ${address} in ${f.keystore}`);
      out(
        `next: ask your bank to bind it: swl enterprise binding request --keystore ${f.keystore} --uscc <USCC> --bank <BankMSP> --as <org:user>`,
      );
    });

  ledgerOptions(key.command('show'))
    .description(
      "the keystore's address (no passphrase needed); with --as also its binding on the ledger",
    )
    .requiredOption('--keystore <file>', 'the keystore')
    .action(async (f: LedgerFlags & { keystore: string }) => {
      const address = await keystore().keystoreAddress(f.keystore);
      if (f.as === undefined) return out(f.json ? JSON.stringify({ address }) : `key ${address}`);
      await withClient(f, async (c) => showBinding(await c.bindings.get(address), f.json));
    });

  ledgerOptions(key.command('rotate'))
    .description(
      "make a new key, bind it in place of the keystore's (both keys sign; same bank, no gap), then replace the keystore; the old one is kept as <file>.retired-<address>",
    )
    .requiredOption('--keystore <file>', 'the keystore of the key in use')
    .requiredOption('--uscc <uscc>', 'the enterprise the key is bound to')
    .action(async (f: LedgerFlags & { keystore: string; uscc: string }) => {
      const ks = keystore();
      const secret = await passphrase(false);
      const oldKey = await ks.openKeystore(f.keystore, secret);
      const newKey = ks.newSigningKey();
      const pending = `${f.keystore}.new`;
      if (existsSync(pending))
        throw new Error(`${pending} exists: a rotation was interrupted; check it first`);
      const onProgress = progress('encrypting the new key');
      await ks.writeKeystore(pending, newKey, secret, {
        ...(onProgress === undefined ? {} : { onProgress }),
      });
      await withClient(f, async (c: SwlClient) => {
        const rotated = await c.bindings.rotate(oldKey, newKey, f.uscc);
        renameSync(f.keystore, `${f.keystore}.retired-${oldKey.address.toLowerCase()}`);
        renameSync(pending, f.keystore);
        if (f.json) return printJson(rotated);
        out(
          `retired ${rotated.retired.address}; ${rotated.created.address} bound to ${f.uscc} (${rotated.created.bankMsp})`,
        );
      });
    });

  const binding = cmd
    .command('binding')
    .description("a key's binding to an enterprise: request, confirm (bank), revoke, show");

  ledgerOptions(binding.command('request'))
    .description("ask a bank to bind the keystore's key to a USCC (the key signs the request)")
    .requiredOption('--keystore <file>', 'the keystore')
    .requiredOption('--uscc <uscc>', 'the enterprise')
    .requiredOption(
      '--bank <msp>',
      'MSP ID of the bank that authenticates the enterprise, e.g. BankAMSP',
    )
    .action(async (f: LedgerFlags & { keystore: string; uscc: string; bank: string }) => {
      const signer = await openKey(f.keystore);
      await withClient(f, async (c) => {
        const b = await c.bindings.request(signer, f.uscc, f.bank);
        showBinding(b, f.json);
        if (!f.json)
          out(
            `next: a clerk of ${f.bank} confirms it: swl enterprise binding confirm ${b.address} --as <bank:clerk>`,
          );
      });
    });

  ledgerOptions(binding.command('confirm'))
    .description(
      'confirm a requested binding after authenticating the enterprise (a clerk of the bank it names)',
    )
    .argument('<address>', 'the key address')
    .action(async (address: string, f: LedgerFlags) => {
      await withClient(f, async (c) => showBinding(await c.bindings.confirm(address), f.json));
    });

  ledgerOptions(binding.command('revoke'))
    .description(
      "revoke a binding: as the confirming bank's clerk, or as the enterprise with --keystore (a key bound to it signs)",
    )
    .argument('<address>', 'the key address')
    .option('--keystore <file>', 'sign as the enterprise with this keystore')
    .option('--uscc <uscc>', 'the enterprise, with --keystore')
    .action(async (address: string, f: LedgerFlags & { keystore?: string; uscc?: string }) => {
      if ((f.keystore === undefined) !== (f.uscc === undefined))
        throw new Error('give --keystore and --uscc together (or neither, as a bank clerk)');
      const by =
        f.keystore === undefined || f.uscc === undefined
          ? undefined
          : { key: await openKey(f.keystore), uscc: f.uscc };
      await withClient(f, async (c) => showBinding(await c.bindings.revoke(address, by), f.json));
    });

  ledgerOptions(binding.command('show'))
    .description("a key's binding: enterprise, bank, status, who confirmed it")
    .argument('<address>', 'the key address')
    .action(async (address: string, f: LedgerFlags) => {
      await withClient(f, async (c) => showBinding(await c.bindings.get(address), f.json));
    });

  return cmd;
}
