import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Layout } from './layout';
import { fabricBin, peerCli } from './peercli';
import { run } from './proc';
import { PeerOrgSpec } from './topology';

function genesisBlock(layout: Layout): string {
  return layout.path('channel', `${layout.channel}.block`);
}

/** Creates the channel's genesis block from configtx.yaml (once). */
export async function createGenesisBlock(layout: Layout, configtxDir: string): Promise<void> {
  if (existsSync(genesisBlock(layout))) return;
  await run(
    fabricBin('configtxgen'),
    [
      '-profile',
      'TradeChannel',
      '-channelID',
      layout.channel,
      '-outputBlock',
      genesisBlock(layout),
      '-configPath',
      configtxDir,
    ],
    {
      FABRIC_CFG_PATH: configtxDir,
    },
  );
}

function osnadminFlags(layout: Layout, n: number): string[] {
  const key = layout.topology.ordererOrg.key;
  const tls = join(layout.orgDir(key), 'admin', 'tls');
  return [
    '-o',
    `${layout.hostOf(key)}:${layout.ordererPorts(n).admin}`,
    '--ca-file',
    layout.orgCaCert(key),
    '--client-cert',
    join(tls, 'server.crt'),
    '--client-key',
    join(tls, 'server.key'),
  ];
}

/** Joins orderer n to the channel through the channel participation API, unless it already is. */
export async function joinOrderer(layout: Layout, n: number): Promise<boolean> {
  const list = await run(fabricBin('osnadmin'), ['channel', 'list', ...osnadminFlags(layout, n)]);
  if (
    list.stdout.includes(`"name": "${layout.channel}"`) ||
    list.stdout.includes(`"name":"${layout.channel}"`)
  )
    return false;
  await run(fabricBin('osnadmin'), [
    'channel',
    'join',
    '--channelID',
    layout.channel,
    '--config-block',
    genesisBlock(layout),
    ...osnadminFlags(layout, n),
  ]);
  return true;
}

/** Joins an organisation's peer to the channel as the org admin, unless it already is. */
export async function joinPeer(layout: Layout, org: PeerOrgSpec): Promise<boolean> {
  const list = await peerCli(layout, org, ['channel', 'list']);
  if (list.stdout.split('\n').some((l) => l.trim() === layout.channel)) return false;
  await peerCli(layout, org, ['channel', 'join', '-b', genesisBlock(layout)]);
  return true;
}

/** Height of the channel's ledger on an organisation's peer. */
export async function ledgerHeight(layout: Layout, org: PeerOrgSpec): Promise<number> {
  const info = await peerCli(layout, org, ['channel', 'getinfo', '-c', layout.channel]);
  const match = /"height":(\d+)/.exec(info.stdout + info.stderr);
  if (!match?.[1])
    throw new Error(`could not read the ledger height of ${org.key}: ${info.stdout}`);
  return Number(match[1]);
}
