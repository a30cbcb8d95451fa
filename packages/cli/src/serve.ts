import { Command } from 'commander';
import { resolveLayout } from '@swledger/devnet/layout';
import { loadConfig } from '@swledger/rest/config';
import { ensureDemoCredentials, ensureRestTls, startServices } from '@swledger/rest/services';
import { runAnchorLoop } from './anchor';
import { fail, out } from './common';
import { lazy } from './lazy';

/** `swl serve`: the REST service of an organisation (foreground), or of all of them (detached). */
export function serveCommand(): Command {
  return new Command('serve')
    .description(
      "run an organisation's REST service (HTTPS with the network's TLS material) and the verify page",
    )
    .option(
      '--config <file>',
      'config file (rest.yaml or .json): connection profile, identities, database, listener, TLS (env SWL_CONFIG); without it, the local network',
    )
    .option('--org <org>', 'organisation key (customs, banka, bankb, enterprise)')
    .option('--all', "start every organisation's service as a tracked background process")
    .option('-n, --network <name>', 'network instance', process.env.SWL_NETWORK ?? 'dev')
    .option(
      '--port <port>',
      "port (env SWL_REST_PORT; default the config file's, or the organisation's REST port: base+100*index+80)",
    )
    .option('--host <address>', 'address to listen on (env SWL_REST_HOST; default 127.0.0.1)')
    .option('--http', 'plain HTTP instead of HTTPS (local experiments only)')
    .option(
      '--anchor',
      "also run this organisation's own anchoring service in-process (as `swl anchor --org <org>`; env SWL_REST_ANCHOR=on); local network only",
    )
    .addHelpText(
      'after',
      '\nPrecedence: flags, then environment (SWL_REST_*), then the config file, then defaults.',
    )
    .action(
      async (f: {
        config?: string;
        org?: string;
        all?: boolean;
        network: string;
        port?: string;
        host: string;
        http?: boolean;
        anchor?: boolean;
      }) => {
        try {
          if (f.all) {
            for (const s of await startServices(f.network)) out(`${s.org.padEnd(11)} ${s.url}`);
            const creds = ensureDemoCredentials(f.network);
            out(`credentials: ${creds.file}${creds.created ? ' (created)' : ''}`);
            return;
          }
          if (!f.org && !f.config && !process.env.SWL_CONFIG) {
            fail(
              'choose an organisation with --org <org>, a config file with --config <file>, or --all',
            );
            return;
          }
          const config = loadConfig({
            config: f.config,
            org: f.org,
            network: f.network,
            port: f.port,
            host: f.host,
            http: f.http,
          });
          const source = config.source;
          if (config.tls && source.kind === 'network')
            await ensureRestTls(resolveLayout({ name: source.network }).layout, config.org);
          // Loaded on demand: the Fabric libraries parse process.argv when loaded.
          const { createServer } =
            await lazy<typeof import('@swledger/rest/server')>('@swledger/rest/server');
          const server = createServer(config);
          const url = await server.listen();
          const from = source.kind === 'network' ? `network ${source.network}` : source.file;
          out(`swledger REST service of ${config.org} (${from}) on ${url}`);
          out(`  verify page ${url}/   API docs ${url}/api/v1/docs`);
          const stop = () => {
            out('stopping');
            void server.close().then(() => process.exit(0));
          };
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
          if (f.anchor === true || process.env.SWL_REST_ANCHOR === 'on') {
            if (source.kind !== 'network') {
              fail('--anchor runs with the local network only (its anchor key and identities)');
              return;
            }
            void serveAnchoring(source.network, config.org);
          }
        } catch (err) {
          fail(err instanceof Error ? err.message : String(err));
        }
      },
    );
}

/** Runs the organisation's own anchoring service beside its REST service, until the process ends. */
async function serveAnchoring(network: string, org: string): Promise<void> {
  const { openOrgAnchoring } = lazy<typeof import('@swledger/devnet/anchoring')>(
    '@swledger/devnet/anchoring',
  );
  const say = (line: string) => process.stderr.write(`[anchor] ${org}: ${line}\n`);
  let anchoring;
  try {
    anchoring = await openOrgAnchoring({ network, org });
  } catch (err) {
    say(`not started: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  say(
    `anchoring service of ${org}: contract ${anchoring.chain.config.contract}, every ${anchoring.schedule.blocks} blocks or ${anchoring.schedule.seconds} s`,
  );
  await runAnchorLoop(anchoring.service, { poll: 1000, log: say, stopping: () => false });
}
