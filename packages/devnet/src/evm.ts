import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { AnchorChain, ChainConfig, ensureAnchorKey, rpcChainId } from '@swledger/anchor';
import { JsonRpcProvider, Network, Signer, Wallet } from 'ethers';
import { Layout, REPO_ROOT } from './layout';
import { ensurePortsFree, runningPid, startProcess, waitFor } from './proc';
import { AnchoringSpec, PeerOrgSpec } from './topology';

/** The pinned go-ethereum release the embedded EVM node is built from. */
export const GETH_VERSION = '1.17.10';

/** Name of the embedded EVM node's process. */
export const GETH_PROCESS = 'geth';

/** The cached geth binary (scripts/install-geth.sh builds it). */
export function gethBin(): string {
  const root = process.env.SWL_GETH_CACHE ?? join(homedir(), '.cache', 'swledger', 'geth');
  return join(root, GETH_VERSION, 'bin', 'geth');
}

/** The topology's anchoring settings, defaults applied. */
export function anchoringOf(
  layout: Layout,
): Required<Omit<AnchoringSpec, 'rpcUrl'>> & { rpcUrl?: string } {
  const a = layout.topology.anchoring;
  return {
    enabled: a?.enabled ?? true,
    blocks: a?.blocks ?? 10,
    seconds: a?.seconds ?? 30,
    ...(a?.rpcUrl === undefined ? {} : { rpcUrl: a.rpcUrl }),
  };
}

/** Whether the network runs the embedded geth node. */
export function runsGeth(layout: Layout): boolean {
  const a = anchoringOf(layout);
  return a.enabled && a.rpcUrl === undefined;
}

/** Ports of the embedded node: HTTP RPC base+90, p2p base+91 (no peers), auth RPC base+92. */
export function gethPorts(layout: Layout): { http: number; p2p: number; authrpc: number } {
  return { http: layout.base + 90, p2p: layout.base + 91, authrpc: layout.base + 92 };
}

/** The RPC URL anchoring uses: the configured one, else the embedded node's. */
export function rpcUrlOf(layout: Layout): string {
  return anchoringOf(layout).rpcUrl ?? `http://127.0.0.1:${gethPorts(layout).http}`;
}

/** An organisation's anchor key file, in its own crypto directory (mode 0600). */
export function anchorKeyFile(layout: Layout, org: PeerOrgSpec): string {
  return join(layout.orgDir(org.key), 'anchor', 'key.json');
}

/** What `up` recorded about the anchor contract. */
export interface AnchorDeployment extends Omit<ChainConfig, 'chainId'> {
  readonly chainId: string;
  readonly deployTransaction: string;
  readonly deployGas: string;
  readonly firstBlock: string;
  /** Anchor key address per MSP ID, as registered at deployment. */
  readonly keys: Readonly<Record<string, string>>;
}

export function deploymentFile(layout: Layout): string {
  return layout.path('anchor', 'deployment.json');
}

/**
 * The network's anchor contract as `up` deployed it.
 * @throws Error when anchoring is off or the contract was not deployed
 */
export function anchorDeployment(layout: Layout): AnchorDeployment {
  if (!anchoringOf(layout).enabled)
    throw new Error(
      `anchoring is off on network '${layout.state.name}' (topology anchoring.enabled)`,
    );
  const file = deploymentFile(layout);
  if (!existsSync(file))
    throw new Error(
      `network '${layout.state.name}' has no anchor contract yet: run swl network up`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as AnchorDeployment;
}

/** Chain settings of the network's anchor contract. */
export function chainConfigOf(layout: Layout): ChainConfig {
  const d = anchorDeployment(layout);
  return { rpcUrl: d.rpcUrl, chainId: BigInt(d.chainId), contract: d.contract };
}

/** Builds geth once when it is not cached. */
export function ensureGeth(progress: (line: string) => void): void {
  if (existsSync(gethBin())) return;
  progress(`geth ${GETH_VERSION} is not cached yet: building it (first run only)`);
  const res = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'install-geth.sh')], {
    stdio: 'inherit',
  });
  if (res.status !== 0) throw new Error('building geth failed (see above)');
}

/** Starts the embedded geth node in dev mode on 127.0.0.1 (its chain kept in the run directory). */
export async function startGeth(layout: Layout): Promise<void> {
  const ports = gethPorts(layout);
  if (runningPid(layout, GETH_PROCESS) === undefined) {
    await ensurePortsFree(GETH_PROCESS, {
      'http rpc': ports.http,
      p2p: ports.p2p,
      'auth rpc': ports.authrpc,
    });
    const datadir = layout.path('evm');
    mkdirSync(datadir, { recursive: true, mode: 0o700 });
    startProcess(layout, {
      name: GETH_PROCESS,
      command: gethBin(),
      args: [
        '--dev',
        '--datadir',
        datadir,
        '--gcmode',
        'archive',
        '--http',
        '--http.addr',
        '127.0.0.1',
        '--http.port',
        String(ports.http),
        '--http.api',
        'eth,net,web3',
        // The verify page checks proof bundles from the browser: pages served from this machine only.
        '--http.corsdomain',
        'http://127.0.0.1:*,http://localhost:*,https://localhost:*,https://127.0.0.1:*',
        '--port',
        String(ports.p2p),
        '--nodiscover',
        '--maxpeers',
        '0',
        '--authrpc.addr',
        '127.0.0.1',
        '--authrpc.port',
        String(ports.authrpc),
        '--ipcdisable',
        '--verbosity',
        '2',
      ],
      env: {},
    });
  }
  await waitFor(
    `geth JSON-RPC on 127.0.0.1:${ports.http} (log: ${layout.logFile(GETH_PROCESS)})`,
    async () =>
      rpcChainId(rpcUrlOf(layout), 1000).then(
        () => true,
        () => false,
      ),
    60_000,
    250,
    { layout, name: GETH_PROCESS },
  );
}

/** The account that pays gas: SWL_EVM_PRIVATE_KEY, else the embedded dev node's prefunded account. */
export async function submitterOf(layout: Layout, chainId: bigint): Promise<Signer> {
  const rpcUrl = rpcUrlOf(layout);
  const provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), {
    staticNetwork: Network.from(chainId),
  });
  const key = process.env.SWL_EVM_PRIVATE_KEY;
  if (key !== undefined && key !== '') return new Wallet(key, provider);
  if (!runsGeth(layout))
    throw new Error(`anchoring on ${rpcUrl} needs a funded account's key in SWL_EVM_PRIVATE_KEY`);
  const [account] = await provider.listAccounts();
  if (account === undefined) throw new Error('the dev geth node has no account');
  return account;
}

/**
 * Makes each peer organisation's anchor key (once) and deploys the anchor
 * contract registering them (once), anchoring from `firstBlock`.
 */
export async function deployAnchor(
  layout: Layout,
  firstBlock: number,
  progress: (line: string) => void,
): Promise<AnchorDeployment> {
  const keys: Record<string, string> = {};
  for (const org of layout.topology.peerOrgs)
    keys[org.mspId] = ensureAnchorKey(anchorKeyFile(layout, org), org.mspId);
  const file = deploymentFile(layout);
  const rpcUrl = rpcUrlOf(layout);
  const chainId = await rpcChainId(rpcUrl);
  if (existsSync(file)) {
    const known = JSON.parse(readFileSync(file, 'utf8')) as AnchorDeployment;
    const provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), {
      staticNetwork: Network.from(chainId),
    });
    const code = await provider.getCode(known.contract);
    provider.destroy();
    if (code !== '0x' && known.chainId === chainId.toString()) return known;
    progress(
      `the anchor contract ${known.contract} is not on chain ${chainId} any more: deploying again`,
    );
  }
  const submitter = await submitterOf(layout, chainId);
  const { chain, gasUsed, transactionHash } = await AnchorChain.deploy(
    rpcUrl,
    submitter,
    Object.values(keys),
    BigInt(firstBlock),
  );
  chain.close();
  const deployment: AnchorDeployment = {
    rpcUrl,
    chainId: chainId.toString(),
    contract: chain.config.contract,
    deployTransaction: transactionHash,
    deployGas: gasUsed.toString(),
    firstBlock: String(firstBlock),
    keys,
  };
  mkdirSync(layout.path('anchor'), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(deployment, null, 2) + '\n', { mode: 0o600 });
  return deployment;
}
