import { Command } from 'commander';
import { resolveLayout } from '@swledger/devnet/layout';
import { loadConfig } from '@swledger/rest/config';
import { ensureDemoCredentials, ensureRestTls, startServices } from '@swledger/rest/services';
import { fail, out } from './common';
import { lazy } from './lazy';

/** `swl serve`: the REST service of an organisation (foreground), or of all of them (detached). */
export function serveCommand(): Command {
  return new Command('serve')
    .description(
      "run an organisation's REST service (HTTPS with the network's TLS material) and the verify page",
    )
    .option('--org <org>', 'organisation key (customs, banka, bankb, enterprise)')
    .option('--all', "start every organisation's service as a tracked background process")
    .option('-n, --network <name>', 'network instance', process.env.SWL_NETWORK ?? 'dev')
    .option('--port <port>', "port (default the organisation's REST port: base+100*index+80)")
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--http', 'plain HTTP instead of HTTPS (local experiments only)')
    .action(
      async (f: {
        org?: string;
        all?: boolean;
        network: string;
        port?: string;
        host: string;
        http?: boolean;
      }) => {
        try {
          if (f.all) {
            for (const s of await startServices(f.network)) out(`${s.org.padEnd(11)} ${s.url}`);
            const creds = ensureDemoCredentials(f.network);
            out(`credentials: ${creds.file}${creds.created ? ' (created)' : ''}`);
            return;
          }
          if (!f.org) {
            fail('choose an organisation with --org <org>, or --all');
            return;
          }
          const config = loadConfig({
            org: f.org,
            network: f.network,
            port: f.port,
            host: f.host,
            http: f.http,
          });
          if (config.tls) await ensureRestTls(resolveLayout({ name: f.network }).layout, f.org);
          // Loaded on demand: the Fabric libraries parse process.argv when loaded.
          const { createServer } =
            await lazy<typeof import('@swledger/rest/server')>('@swledger/rest/server');
          const server = createServer(config);
          const url = await server.listen();
          out(`swledger REST service of ${f.org} (network ${f.network}) on ${url}`);
          out(`  verify page ${url}/   API docs ${url}/api/v1/docs`);
          const stop = () => {
            out('stopping');
            void server.close().then(() => process.exit(0));
          };
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
        } catch (err) {
          fail(err instanceof Error ? err.message : String(err));
        }
      },
    );
}
