import {
  AnchorChain,
  AnchorScheduleOptions,
  AnchorService,
  LocalOrgSigner,
  loadAnchorKey,
  OrgAnchorService,
} from '@swledger/anchor';
import {
  FabricAnchorRecorder,
  FabricLedgerReader,
  FabricSignatureBoard,
} from '@swledger/anchor/fabricsource';
import { SwlClient } from '@swledger/sdk';
import { connectLocal } from './client';
import { anchorKeyFile, anchoringOf, chainConfigOf, submitterOf } from './evm';
import { Layout, resolveLayout } from './layout';
import { Role } from '@swledger/protocol/actor';
import { PeerOrgSpec } from './topology';

/** An anchoring service of a local network with what it runs on. */
export interface OpenAnchoring<S> {
  readonly layout: Layout;
  readonly chain: AnchorChain;
  readonly service: S;
  /** Blocks and seconds between anchors. */
  readonly schedule: Required<AnchorScheduleOptions>;
  /** Closes the EVM connection and every ledger client the service uses. */
  close(): void;
}

/** The anchoring of a local network, as `swl anchor` runs it. */
export type LocalAnchoring = OpenAnchoring<AnchorService>;

/** Options of {@link openLocalAnchoring}. */
export interface LocalAnchoringOptions extends AnchorScheduleOptions {
  readonly network?: string;
  /**
   * Peer organisations (keys) whose signers this process runs, each reading
   * its own peer with its own verifier identity and signing with its own
   * anchor key. Default: every organisation of the network (one host holds
   * every organisation's crypto material only on a development network).
   */
  readonly orgs?: readonly string[];
  /** `<org>:<user>` that records anchors on the ledger (a customs officer or bank clerk). Default: the first such user of the proposing organisation. */
  readonly recordAs?: string;
}

/**
 * `<org>:<user>` of the organisation's anchoring identity (role `anchorer`).
 * @throws Error when the topology gives the organisation none
 */
function anchorerOf(org: PeerOrgSpec): string {
  const user = org.users.find((u) => u.role === Role.ANCHORER);
  if (user === undefined)
    throw new Error(
      `the topology gives ${org.key} no user with role ${Role.ANCHORER}: add one to its users to run its anchoring service`,
    );
  return `${org.key}:${user.name}`;
}

/** The first user of an organisation whose role records anchors (officer, clerk). */
function writerOf(org: PeerOrgSpec): string | undefined {
  const user = org.users.find((u) => u.role === 'officer' || u.role === 'clerk');
  return user && `${org.key}:${user.name}`;
}

/** What {@link openAnchoring} hands the service it builds. */
interface AnchoringParts {
  readonly layout: Layout;
  readonly chain: AnchorChain;
  readonly schedule: Required<AnchorScheduleOptions>;
  /** Connects a ledger client as `<org>:<user>`; it is closed with the service, or if building fails. */
  connect(as: string): Promise<SwlClient>;
}

/**
 * Resolves the network, its EVM chain and schedule, then builds a service
 * on them; every client `build` connects is closed with the service, or at
 * once if building fails.
 * @throws Error when the network does not exist, anchoring is off or the contract was not deployed
 */
async function openAnchoring<S>(
  opts: AnchorScheduleOptions & { readonly network?: string },
  build: (parts: AnchoringParts) => Promise<S>,
): Promise<OpenAnchoring<S>> {
  const network = opts.network ?? process.env.SWL_NETWORK ?? 'dev';
  const { layout, existing } = resolveLayout({ name: network });
  if (!existing) throw new Error(`no network named '${network}': start it with swl network up`);
  const config = chainConfigOf(layout);
  const settings = anchoringOf(layout);
  const schedule = {
    blocks: opts.blocks ?? settings.blocks,
    seconds: opts.seconds ?? settings.seconds,
  };
  const chain = AnchorChain.at(config, await submitterOf(layout, config.chainId));
  const clients: SwlClient[] = [];
  const close = (): void => {
    chain.close();
    for (const c of clients) c.close();
  };
  const connect = async (as: string): Promise<SwlClient> => {
    const client = await connectLocal({ as, network });
    clients.push(client);
    return client;
  };
  try {
    const service = await build({ layout, chain, schedule, connect });
    return { layout, chain, service, schedule, close };
  } catch (err) {
    close();
    throw err;
  }
}

/**
 * Opens the anchoring service of a network started by `swl network up`:
 * the first organisation's peer proposes ranges, every listed
 * organisation's signer rebuilds and signs from its own peer.
 * @throws Error when anchoring is off, the contract was not deployed, or an organisation is unknown
 */
export function openLocalAnchoring(opts: LocalAnchoringOptions = {}): Promise<LocalAnchoring> {
  return openAnchoring(opts, async ({ layout, chain, schedule, connect }) => {
    const orgs = (opts.orgs ?? layout.topology.peerOrgs.map((o) => o.key)).map((k) =>
      layout.peerOrg(k),
    );
    const signers: LocalOrgSigner[] = [];
    let proposer: FabricLedgerReader | undefined;
    for (const org of orgs) {
      const reader = new FabricLedgerReader(await connect(`${org.key}:verifier`));
      proposer ??= reader;
      signers.push(new LocalOrgSigner(reader, loadAnchorKey(anchorKeyFile(layout, org))));
    }
    if (proposer === undefined) throw new Error('anchoring needs at least one organisation');
    // The proposing organisation records each anchor on the ledger with a writing identity of its own.
    const recordAs = opts.recordAs ?? writerOf(orgs[0]!);
    const recorder =
      recordAs === undefined ? undefined : new FabricAnchorRecorder(await connect(recordAs));
    return new AnchorService(chain, proposer, signers, schedule, recorder);
  });
}

/** One organisation's own anchoring service, as `swl anchor --org` and `swl serve --anchor` run it. */
export type OrgAnchoring = OpenAnchoring<OrgAnchorService>;

/** Options of {@link openOrgAnchoring}. */
export interface OrgAnchoringOptions extends AnchorScheduleOptions {
  readonly network?: string;
  /** The organisation (topology key) whose service this is. */
  readonly org: string;
  /** `<org>:<user>` that records anchors on the ledger. Default: the organisation's first officer or clerk; none for an organisation without one (another organisation's service records). */
  readonly recordAs?: string;
}

/**
 * Opens one organisation's anchoring service: it reads only that
 * organisation's crypto material (its anchor key, its anchorer, its
 * recording user) and talks only to that organisation's peer and to the EVM
 * chain; the other organisations are reached through the ledger's signature
 * board.
 * @throws Error when anchoring is off, the contract was not deployed, or the organisation is unknown
 */
export function openOrgAnchoring(opts: OrgAnchoringOptions): Promise<OrgAnchoring> {
  return openAnchoring(opts, async ({ layout, chain, schedule, connect }) => {
    const org = layout.peerOrg(opts.org);
    const key = loadAnchorKey(anchorKeyFile(layout, org));
    // The anchorer reads the own peer for the rebuild and posts on the board: a role that moves no record.
    const anchorer = await connect(anchorerOf(org));
    const recordAs = opts.recordAs ?? writerOf(org);
    const recorder =
      recordAs === undefined ? undefined : new FabricAnchorRecorder(await connect(recordAs));
    return new OrgAnchorService(
      chain,
      new FabricLedgerReader(anchorer),
      key,
      new FabricSignatureBoard(anchorer),
      schedule,
      recorder,
    );
  });
}
