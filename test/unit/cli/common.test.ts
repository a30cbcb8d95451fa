import { expect } from 'chai';
import { Command } from 'commander';
import { connectionKind, LedgerFlags, ledgerOptions, signingOptions } from '@swledger/cli/common';
import { connectClient } from '@swledger/cli/connect';

/** Parses `args` with a ledger command whose default identity is customs:verifier; returns its flags. */
async function flagsOf(args: string[]): Promise<LedgerFlags> {
  let seen: LedgerFlags | undefined;
  const cmd = ledgerOptions(new Command('probe'), 'customs:verifier').action((f: LedgerFlags) => {
    seen = f;
  });
  await cmd.parseAsync(args, { from: 'user' });
  if (!seen) throw new Error('the action did not run');
  return seen;
}

describe('cli/common: how a ledger command connects', () => {
  const saved = { as: process.env.SWL_AS, config: process.env.SWL_CONFIG };
  before(() => {
    delete process.env.SWL_AS;
    delete process.env.SWL_CONFIG;
  });
  after(() => {
    if (saved.as !== undefined) process.env.SWL_AS = saved.as;
    if (saved.config !== undefined) process.env.SWL_CONFIG = saved.config;
  });

  it('--profile or --identity first, then a config file (flag or SWL_CONFIG), else the local network', () => {
    const kinds = [
      connectionKind({ profile: 'p.yaml', config: 'rest.yaml' }, {}),
      connectionKind({ identity: 'msp' }, {}),
      connectionKind({ config: 'rest.yaml' }, {}),
      connectionKind({}, { SWL_CONFIG: 'rest.yaml' }),
      connectionKind({}, { SWL_CONFIG: '' }),
    ];

    expect(kinds).to.deep.equal(['profile', 'profile', 'config', 'config', 'network']);
  });

  it("gives the default identity on the local network only: with a config file, the file's service identity acts", async () => {
    const local = await flagsOf([]);
    const config = await flagsOf(['--config', 'rest.yaml']);
    const chosen = await flagsOf(['--config', 'rest.yaml', '--as', 'alpha']);

    expect([local.as, config.as, chosen.as]).to.deep.equal([
      'customs:verifier',
      undefined,
      'alpha',
    ]);
  });

  it('--keystore of an enterprise write becomes the signing keystore; an enterprise command keeps its own --keystore', async () => {
    let signed: LedgerFlags | undefined;
    await signingOptions(ledgerOptions(new Command('register')))
      .action((f: LedgerFlags) => {
        signed = f;
      })
      .parseAsync(['--profile', 'p.json', '--identity', 'msp', '--keystore', 'alpha.json'], {
        from: 'user',
      });
    let own: (LedgerFlags & { keystore?: string }) | undefined;
    await ledgerOptions(new Command('show'))
      .requiredOption('--keystore <file>', 'the keystore shown')
      .action((f: LedgerFlags & { keystore?: string }) => {
        own = f;
      })
      .parseAsync(['--keystore', 'alpha.json'], { from: 'user' });

    expect(signed?.signingKeystore).to.equal('alpha.json');
    expect([own?.keystore, own?.signingKeystore]).to.deep.equal(['alpha.json', undefined]);
  });

  it('refuses --keystore on the local network (it signs with its own keystores) before connecting', async () => {
    const err = await connectClient('network', {
      as: 'enterprise:alpha',
      signingKeystore: 'k.json',
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(err?.message).to.match(/^--keystore goes with --profile or --config/);
  });
});
