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

/** The anchoring of a local network, as `swl anchor` runs it. */
export interface LocalAnchoring {
  readonly layout: Layout;
  readonly chain: AnchorChain;
  readonly service: AnchorService;
  /** Blocks and seconds between anchors. */
  readonly schedule: Required<AnchorScheduleOptions>;
  close(): void;
}

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

/**
 * Opens the anchoring service of a network started by `swl network up`:
 * the first organisation's peer proposes ranges, every listed
 * organisation's signer rebuilds and signs from its own peer.
 * @throws Error when anchoring is off, the contract was not deployed, or an organisation is unknown
 */
export async function openLocalAnchoring(
  opts: LocalAnchoringOptions = {},
): Promise<LocalAnchoring> {
  const network = opts.network ?? process.env.SWL_NETWORK ?? 'dev';
  const { layout, existing } = resolveLayout({ name: network });
  if (!existing) throw new Error(`no network named '${network}': start it with swl network up`);
  const config = chainConfigOf(layout);
  const settings = anchoringOf(layout);
  const orgs = (opts.orgs ?? layout.topology.peerOrgs.map((o) => o.key)).map((k) =>
    layout.peerOrg(k),
  );
  const clients: SwlClient[] = [];
  try {
    for (const org of orgs)
      clients.push(await connectLocal({ as: `${org.key}:verifier`, network }));
    const readers = clients.map((c) => new FabricLedgerReader(c));
    const signers = orgs.map(
      (org, i) => new LocalOrgSigner(readers[i]!, loadAnchorKey(anchorKeyFile(layout, org))),
    );
    const chain = AnchorChain.at(config, await submitterOf(layout, config.chainId));
    const schedule = {
      blocks: opts.blocks ?? settings.blocks,
      seconds: opts.seconds ?? settings.seconds,
    };
    // The proposing organisation records each anchor on the ledger with a writing identity of its own.
    const recorderAs = opts.recordAs ?? writerOf(orgs[0]!);
    const recorderClient =
      recorderAs === undefined ? undefined : await connectLocal({ as: recorderAs, network });
    if (recorderClient) clients.push(recorderClient);
    const recorder = recorderClient && new FabricAnchorRecorder(recorderClient);
    const service = new AnchorService(chain, readers[0]!, signers, schedule, recorder);
    return {
      layout,
      chain,
      service,
      schedule,
      close: () => {
        chain.close();
        for (const c of clients) c.close();
      },
    };
  } catch (err) {
    for (const c of clients) c.close();
    throw err;
  }
}

/** One organisation's own anchoring service, as `swl anchor --org` and `swl serve --anchor` run it. */
export interface OrgAnchoring {
  readonly layout: Layout;
  readonly chain: AnchorChain;
  readonly service: OrgAnchorService;
  /** Blocks and seconds between anchors. */
  readonly schedule: Required<AnchorScheduleOptions>;
  close(): void;
}

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
export async function openOrgAnchoring(opts: OrgAnchoringOptions): Promise<OrgAnchoring> {
  const network = opts.network ?? process.env.SWL_NETWORK ?? 'dev';
  const { layout, existing } = resolveLayout({ name: network });
  if (!existing) throw new Error(`no network named '${network}': start it with swl network up`);
  const config = chainConfigOf(layout);
  const settings = anchoringOf(layout);
  const org = layout.peerOrg(opts.org);
  const key = loadAnchorKey(anchorKeyFile(layout, org));
  const clients: SwlClient[] = [];
  try {
    // The anchorer reads the own peer for the rebuild and posts on the board: a role that moves no record.
    const anchorer = await connectLocal({ as: anchorerOf(org), network });
    clients.push(anchorer);
    const recordAs = opts.recordAs ?? writerOf(org);
    const recorderClient =
      recordAs === undefined ? undefined : await connectLocal({ as: recordAs, network });
    if (recorderClient) clients.push(recorderClient);
    const chain = AnchorChain.at(config, await submitterOf(layout, config.chainId));
    const schedule = {
      blocks: opts.blocks ?? settings.blocks,
      seconds: opts.seconds ?? settings.seconds,
    };
    const service = new OrgAnchorService(
      chain,
      new FabricLedgerReader(anchorer),
      key,
      new FabricSignatureBoard(anchorer),
      schedule,
      recorderClient && new FabricAnchorRecorder(recorderClient),
    );
    return {
      layout,
      chain,
      service,
      schedule,
      close: () => {
        chain.close();
        for (const c of clients) c.close();
      },
    };
  } catch (err) {
    for (const c of clients) c.close();
    throw err;
  }
}
