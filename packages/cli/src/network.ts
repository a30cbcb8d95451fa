import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { down, logFiles, status, up } from '@swledger/devnet/network';
import { exportOrg, ProfileFormat } from '@swledger/devnet/export';
import { NetworkOptions, resolveLayout } from '@swledger/devnet/layout';
import { REPO_ROOT } from '@swledger/devnet/layout';
import {
  imageVersions,
  isRenderTarget,
  RENDER_TARGETS,
  renderDeployment,
} from '@swledger/devnet/render';
import { loadTopology } from '@swledger/devnet/topology';
import { fail, integer } from './common';

function progress(line: string): void {
  process.stdout.write(`[swl] ${line}\n`);
}

interface NetFlags {
  readonly network: string;
  readonly portBase?: number;
  readonly orderers?: number;
  readonly topology?: string;
  readonly isolate?: boolean;
}

function netOpts(f: NetFlags): NetworkOptions {
  return {
    name: f.network,
    portBase: f.portBase,
    orderers: f.orderers,
    topologyFile: f.topology,
    ...(f.isolate === true ? { isolate: true } : {}),
  };
}

interface ExportFlags {
  readonly network: string;
  readonly out: string;
  readonly users?: string;
  readonly format: string;
  readonly force?: boolean;
}

function exportCommand(org: string, f: ExportFlags): void {
  const formats = f.format.split(',').map((x) => x.trim());
  const bad = formats.filter((x) => x !== 'json' && x !== 'yaml');
  if (bad.length > 0) return fail(`--format must be json, yaml or json,yaml (got '${f.format}')`);
  const { layout, existing } = resolveLayout({ name: f.network });
  if (!existing)
    return fail(
      `no network named '${f.network}': start it with 'swl network up${f.network === 'dev' ? '' : ` -n ${f.network}`}'`,
    );
  try {
    const res = exportOrg(layout, org, {
      out: f.out,
      users: f.users
        ?.split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
      formats: formats as ProfileFormat[],
      force: f.force === true,
      progress,
    });
    progress(`${res.files.length} files in ${res.dir}`);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

interface RenderFlags {
  readonly target: string;
  readonly out: string;
  readonly topology?: string;
  readonly domain: string;
  readonly orderers: number;
}

function renderCommand(f: RenderFlags): void {
  if (!isRenderTarget(f.target))
    return fail(`unknown --target '${f.target}': use ${RENDER_TARGETS.join(' or ')}`);
  try {
    const file = f.topology ?? join(REPO_ROOT, 'network', 'topology.json');
    const topology = loadTopology(file);
    progress(`rendering ${f.target} files from ${file}`);
    const files = renderDeployment(topology, f.target, {
      domain: f.domain,
      orderers: f.orderers,
      ...imageVersions(),
    });
    for (const r of files) {
      const path = resolve(f.out, r.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, r.content);
      progress(`wrote ${path}`);
    }
    progress(`${files.length} files in ${resolve(f.out, f.target)}`);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

/** `swl network up|down|status|logs|export|render`. */
export function networkCommand(): Command {
  const cmd = new Command('network').description(
    'start, stop and inspect the local Fabric network',
  );
  const withName = (c: Command) =>
    c.option(
      '-n, --network <name>',
      'network instance name (its own run directory)',
      process.env.SWL_NETWORK ?? 'dev',
    );

  withName(cmd.command('up'))
    .description(
      'start the network (idempotent): CAs, orderers, peers, channel, chaincode servers; returns when endorsers are discoverable',
    )
    .option(
      '--port-base <port>',
      'move every port of a new network (default: topology portBase, 7000)',
      integer('--port-base', 1024, 60000),
    )
    .option(
      '--orderers <count>',
      'Raft orderers for a new network: 1 (default), 3 or 5',
      integer('--orderers', 1, 5),
    )
    .option('--topology <file>', 'topology file for a new network (default network/topology.json)')
    .option(
      '--isolate',
      "a new network with each organisation on a host of its own: a network namespace at the topology's host address, on a bridge (root only)",
    )
    .action(async (f: NetFlags) => {
      const res = await up({ ...netOpts(f), progress });
      const t = res.layout.topology;
      progress(
        `channel ${t.channel}, chaincode ${t.chaincode.name}; identities in ${res.layout.walletDir()}`,
      );
      progress(
        `logs: ${res.layout.path('logs')}  stop: swl network down${f.network === 'dev' ? '' : ` -n ${f.network}`}`,
      );
    });

  withName(cmd.command('down'))
    .description('stop the processes started by up (tracked PIDs); ledgers are kept unless --purge')
    .option('--purge', 'also delete all data: ledgers, certificates, wallet')
    .action(async (f: NetFlags & { purge?: boolean }) => {
      await down({ name: f.network, purge: f.purge === true, progress });
    });

  withName(cmd.command('status'))
    .description('show each process, its port and health')
    .option('--json', 'print JSON')
    .action(async (f: NetFlags & { json?: boolean }) => {
      const res = await status({ name: f.network });
      if (!res) {
        process.stdout.write(`no network named '${f.network}'; start it with: swl network up\n`);
        process.exitCode = 1;
        return;
      }
      if (f.json) {
        process.stdout.write(JSON.stringify(res.rows, null, 2) + '\n');
      } else {
        process.stdout.write(
          `${'PROCESS'.padEnd(20)}${'PID'.padEnd(10)}${'PORT'.padEnd(8)}HEALTH\n`,
        );
        for (const r of res.rows)
          process.stdout.write(
            `${r.name.padEnd(20)}${String(r.pid ?? '-').padEnd(10)}${String(r.port || '-').padEnd(8)}${r.health}\n`,
          );
      }
      if (res.rows.some((r) => r.health === 'DOWN' || r.health === 'UNHEALTHY'))
        process.exitCode = 1;
    });

  withName(cmd.command('logs'))
    .description('show the log of a process (or list the log files)')
    .argument(
      '[process]',
      'process name as in `swl network status` (e.g. peer0-customs, orderer0, cc-banka)',
    )
    .option('-f, --follow', 'keep printing new lines')
    .option('--lines <n>', 'lines to show', integer('--lines', 1), 50)
    .action((proc: string | undefined, f: NetFlags & { follow?: boolean; lines: number }) => {
      const files = logFiles({ name: f.network });
      if (!proc) {
        for (const file of files) process.stdout.write(`${file}\n`);
        return;
      }
      const file = files.find((x) => x.endsWith(`/${proc}.log`));
      if (!file) {
        process.stderr.write(
          `no log for '${proc}'; known: ${files
            .map((x) =>
              x
                .split('/')
                .pop()
                ?.replace(/\.log$/, ''),
            )
            .join(', ')}\n`,
        );
        process.exitCode = 2;
        return;
      }
      const child = spawn('tail', ['-n', String(f.lines), ...(f.follow ? ['-F'] : []), file], {
        stdio: 'inherit',
      });
      child.on('exit', (code) => {
        process.exitCode = code ?? 0;
      });
    });
  withName(cmd.command('export'))
    .description(
      "write an organisation's connection profile, its users' certificates and keys (MSP layout) and its mutual-TLS client pair, as a Fabric administrator hands them out",
    )
    .argument('<org>', 'organisation key or MSP ID (e.g. enterprise, EnterpriseMSP)')
    .option('--out <dir>', 'directory that receives <org>/', 'export')
    .option('--users <names>', 'comma-separated user names (default: every user of the org)')
    .option('--format <fmt>', 'connection profile format: json, yaml or json,yaml', 'json')
    .option('--force', 'write into an existing non-empty <out>/<org>')
    .addHelpText(
      'after',
      `
Writes <out>/<org>/connection-<org>.json|yaml, users/<name>@<org>/msp/{signcerts/cert.pem,
keystore/key.pem,cacerts/ca.pem}, tls/{client.crt,client.key,ca.crt}, and (with the user
verifier) rest.yaml with rest/tls/{server.crt,server.key,ca.crt}. Keys are mode 0600.
Connect with them: SwlClient.fromProfile({ profile, certificate, privateKey, tlsClientCertificate, tlsClientKey }),
swl <command> --config <out>/<org>/rest.yaml (or --profile … --identity …), swl serve --config <out>/<org>/rest.yaml.`,
    )
    .action(exportCommand);
  cmd
    .command('render')
    .description(
      "write each organisation's deployment files (Docker Compose or Kubernetes) from the topology; nothing is started",
    )
    .requiredOption('--target <target>', `deployment target: ${RENDER_TARGETS.join(' or ')}`)
    .option('--out <dir>', 'directory that receives <target>/<org>/', 'deploy')
    .option('--topology <file>', 'topology file (default network/topology.json)')
    .option('--domain <domain>', 'DNS domain: hosts are <node>.<org>.<domain>', 'example.com')
    .option('--orderers <count>', 'Raft orderers: 1, 3 or 5', integer('--orderers', 1, 5), 1)
    .addHelpText(
      'after',
      `
Writes <out>/compose/<org>/compose.yaml or <out>/k8s/<org>/*.yaml for every organisation.
Certificates and keys are not included: compose mounts ./organizations/..., k8s names
empty Secrets (their expected keys in the swledger/keys annotation) for you to fill.
With --target k8s and --domain svc.cluster.local the host names are the Services' DNS names.`,
    )
    .action(renderCommand);
  return cmd;
}
