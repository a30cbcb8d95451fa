/**
 * Organisations on separate hosts, on one machine: each organisation of an
 * isolated network runs in a Linux network namespace of its own
 * (`swl-<network>-<org>`), holding one end of a veth pair with the
 * organisation's host address; the other ends hang on a bridge whose address
 * (the host network's first) lets the CLI and SDK of the root namespace
 * reach every host. Nothing else is routed: hosts reach each other and the
 * root namespace only over the bridge. Created by `up`, removed by `down`
 * (and by the next `up` after a crash). Needs root (CAP_NET_ADMIN) and `ip`.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { Layout, netnsName } from './layout';
import { ipv4Text, parseHostNetwork, DEFAULT_HOST_NETWORK } from './topology';

/** One organisation's host. */
export interface HostPlan {
  readonly orgKey: string;
  readonly netns: string;
  /** veth end in the root namespace, enslaved to the bridge. */
  readonly vethRoot: string;
  /** veth end moved into the namespace. */
  readonly vethHost: string;
  readonly address: string;
}

/** Every interface and namespace of an isolated network. */
export interface IsolationPlan {
  readonly bridge: string;
  /** The bridge's address with its prefix (`10.77.0.1/24`). */
  readonly bridgeAddress: string;
  readonly prefix: number;
  /** The host network (`10.77.0.0/24`). */
  readonly network: string;
  readonly hosts: readonly HostPlan[];
}

/**
 * Short tag of a network name for interface names (15 characters at most
 * in Linux): six hex digits of its SHA-256.
 */
export function networkTag(network: string): string {
  return createHash('sha256').update(network).digest('hex').slice(0, 6);
}

/** Bridge of an isolated network: `swlb<tag>`. */
export function bridgeName(network: string): string {
  return `swlb${networkTag(network)}`;
}

/** The namespaces, veths and bridge an isolated network uses (pure). */
export function isolationPlan(layout: Layout): IsolationPlan {
  const t = layout.topology;
  const net = parseHostNetwork(t.hostNetwork ?? DEFAULT_HOST_NETWORK);
  const name = layout.state.name;
  const tag = networkTag(name);
  const orgs: [string, number][] = [
    [t.ordererOrg.key, 0],
    ...t.peerOrgs.map((o): [string, number] => [o.key, o.index]),
  ];
  return {
    bridge: bridgeName(name),
    bridgeAddress: `${ipv4Text(net.first + 1)}/${net.prefix}`,
    prefix: net.prefix,
    network: `${ipv4Text(net.first)}/${net.prefix}`,
    hosts: orgs.map(([orgKey, index]) => ({
      orgKey,
      netns: netnsName(name, orgKey),
      vethRoot: `swlr${tag}${index}`,
      vethHost: `swlh${tag}${index}`,
      address: layout.addressOf(orgKey),
    })),
  };
}

/** Runs `ip` with arguments; rejects with its error output. */
export function ip(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', [...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ip ${args.join(' ')} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

/** Names of the network namespaces that exist. */
async function namespaces(): Promise<string[]> {
  const out = await ip(['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n !== '');
}

/** Names of the links of the root namespace. */
async function links(): Promise<string[]> {
  const out = await ip(['-o', 'link', 'show']);
  return [...out.matchAll(/^\d+: ([^:@\s]+)/gm)].map((m) => m[1] ?? '');
}

/**
 * Which of the given namespace and link names belong to the network named
 * `network` (pure): `swl-<network>-<org>` namespaces (an org key has no
 * dash, so network `dev` never claims `swl-dev-x-customs`), its bridge and
 * its veth ends.
 */
export function ownedBy(
  network: string,
  names: { readonly netns: readonly string[]; readonly links: readonly string[] },
): { netns: string[]; links: string[] } {
  const prefix = `swl-${network}-`;
  const tag = networkTag(network);
  const ours = new RegExp(`^(swlb${tag}|swl[rh]${tag}\\d)$`);
  return {
    netns: names.netns.filter(
      (n) => n.startsWith(prefix) && /^[a-z][a-z0-9]*$/.test(n.slice(prefix.length)),
    ),
    links: names.links.filter((l) => ours.test(l)),
  };
}

/** The namespaces and root-side links of a network that exist now. */
export async function leftovers(network: string): Promise<{ netns: string[]; links: string[] }> {
  return ownedBy(network, { netns: await namespaces(), links: await links() });
}

/** Removes every namespace, veth and the bridge of an isolated network (no-op when none exists). */
export async function removeIsolation(network: string): Promise<string[]> {
  const found = await leftovers(network);
  // Deleting a namespace deletes the veth end inside it, and with it its peer.
  for (const ns of found.netns) await ip(['netns', 'delete', ns]);
  const still = await leftovers(network);
  for (const link of still.links) await ip(['link', 'delete', link]).catch(() => undefined);
  return [...found.netns, ...found.links];
}

/**
 * Refuses a host network some other interface already routes: the bridge
 * would shadow it (another isolated network, a VPN, a Docker network).
 */
async function checkNoOtherRoute(plan: IsolationPlan): Promise<void> {
  const out = await ip(['-4', '-o', 'route', 'show', 'to', 'match', plan.bridgeAddress]);
  for (const line of out.split('\n')) {
    const m = /^(\S+) .*dev (\S+)/.exec(line);
    if (!m || m[1] === 'default' || m[2] === plan.bridge) continue;
    throw new Error(
      `the host network ${plan.network} overlaps ${m[1]} on ${m[2]}: give the topology another hostNetwork`,
    );
  }
}

/**
 * Creates (or completes) the bridge, namespaces and veths of an isolated
 * network; idempotent, so a restart of a running network changes nothing.
 * @throws Error when not root, `ip` is missing, or the host network is routed elsewhere
 */
export async function setupIsolation(layout: Layout): Promise<IsolationPlan> {
  if (process.getuid?.() !== 0)
    throw new Error('--isolate needs root: it creates network namespaces, veths and a bridge');
  const plan = isolationPlan(layout);
  await checkNoOtherRoute(plan);
  const existing = new Set(await links());
  if (!existing.has(plan.bridge)) await ip(['link', 'add', plan.bridge, 'type', 'bridge']);
  const bridgeAddrs = await ip(['-4', '-o', 'addr', 'show', 'dev', plan.bridge]);
  if (!bridgeAddrs.includes(` ${plan.bridgeAddress} `))
    await ip(['addr', 'add', plan.bridgeAddress, 'dev', plan.bridge]);
  await ip(['link', 'set', plan.bridge, 'up']);
  const spaces = new Set(await namespaces());
  for (const host of plan.hosts) {
    if (!spaces.has(host.netns)) await ip(['netns', 'add', host.netns]);
    await ip(['-n', host.netns, 'link', 'set', 'lo', 'up']);
    const inside = await ip(['-n', host.netns, '-o', 'link', 'show']);
    if (!inside.includes(` ${host.vethHost}@`) && !inside.includes(` ${host.vethHost}:`)) {
      if (existing.has(host.vethRoot)) await ip(['link', 'delete', host.vethRoot]);
      await ip(['link', 'add', host.vethRoot, 'type', 'veth', 'peer', 'name', host.vethHost]);
      await ip(['link', 'set', host.vethHost, 'netns', host.netns]);
    }
    await ip(['link', 'set', host.vethRoot, 'master', plan.bridge]);
    await ip(['link', 'set', host.vethRoot, 'up']);
    const addrs = await ip(['-n', host.netns, '-4', '-o', 'addr', 'show', 'dev', host.vethHost]);
    if (!addrs.includes(` ${host.address}/`))
      await ip([
        '-n',
        host.netns,
        'addr',
        'add',
        `${host.address}/${plan.prefix}`,
        'dev',
        host.vethHost,
      ]);
    await ip(['-n', host.netns, 'link', 'set', host.vethHost, 'up']);
  }
  return plan;
}

/**
 * The command that runs `command` inside an organisation's namespace
 * (`ip netns exec` execs it: the PID is the command's), or the command
 * itself when the network is not isolated.
 */
export function inHost(
  layout: Layout,
  orgKey: string,
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  const netns = layout.netnsOf(orgKey);
  return netns === undefined
    ? { command, args: [...args] }
    : { command: 'ip', args: ['netns', 'exec', netns, command, ...args] };
}
