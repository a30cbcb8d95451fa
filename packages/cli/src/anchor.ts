import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { isSha256 } from '@swledger/sdk/hash';
import {
  describe,
  fail,
  integer,
  LedgerFlags,
  ledgerOptions,
  out,
  printJson,
  printTable,
  withClient,
} from './common';
import { lazy } from './lazy';

type AnchorModule = typeof import('@swledger/anchor');
type EvmModule = typeof import('@swledger/devnet/evm');

const log = (line: string) => process.stderr.write(`[anchor] ${line}\n`);

/** Something that ticks like an anchoring service (all-in-one or one organisation's). */
export interface Ticking {
  tick(force?: boolean): Promise<import('@swledger/anchor').TickResult>;
}

/** Options of {@link runAnchorLoop}. */
export interface AnchorLoopOptions {
  readonly once?: boolean;
  /** Milliseconds between ticks. */
  readonly poll: number;
  readonly log: (line: string) => void;
  /** Whether to stop before the next tick. */
  readonly stopping: () => boolean;
}

/**
 * Ticks a service until stopped (or once), logging what each tick did; a
 * failed tick is logged and retried at the next.
 */
export async function runAnchorLoop(service: Ticking, o: AnchorLoopOptions): Promise<void> {
  let last = '';
  do {
    try {
      const r = await service.tick(o.once === true);
      if (r.kind === 'anchored') {
        const m = r.anchor.message;
        o.log(
          `anchor ${r.anchor.index}: Fabric blocks ${m.fromBlock}..${m.toBlock}, ${m.leaves} records, ${m.revoked.length} revoked, root ${m.root}, tx ${r.anchor.transactionHash}, ${r.anchor.gasUsed} gas, signed by ${r.anchor.signers.join(', ')}`,
        );
      } else if (r.reason !== last) {
        o.log(`${r.kind}: ${r.reason}`);
      }
      last = r.kind === 'anchored' ? '' : r.reason;
      if (o.once === true && r.kind === 'refused') process.exitCode = 1;
    } catch (err) {
      o.log(`error: ${describe(err)} (retrying)`);
      if (o.once === true) process.exitCode = 2;
    }
    if (o.once !== true && !o.stopping()) await new Promise((r) => setTimeout(r, o.poll));
  } while (o.once !== true && !o.stopping());
}

/** `swl anchor`: the anchoring service of a local network, or of one organisation. */
export function anchorCommand(): Command {
  return new Command('anchor')
    .description(
      "anchor the ledger on the EVM chain: follow committed blocks, rebuild each range's Merkle root from every organisation's own peer, collect their signatures and submit once a majority signed (every --blocks blocks or --seconds seconds, whichever first). With --org, run one organisation's own service: only its anchor key and its own peer, the other organisations' signatures read from the ledger's signature board",
    )
    .option(
      '-n, --network <name>',
      'network instance (env SWL_NETWORK)',
      process.env.SWL_NETWORK ?? 'dev',
    )
    .option(
      '--blocks <n>',
      "anchor after this many Fabric blocks (default: the topology's)",
      integer('--blocks', 1),
    )
    .option(
      '--seconds <n>',
      "…or after this many seconds (default: the topology's)",
      integer('--seconds', 1),
    )
    .option(
      '--org <key>',
      "run only this organisation's service (its anchor key, its anchorer reading its peer and posting on the signature board, its officer or clerk recording anchors); every organisation runs its own",
    )
    .option(
      '--orgs <keys>',
      'all-in-one mode: organisations whose signers run here, comma-separated (default: all)',
    )
    .option('--once', 'one tick that anchors (or posts) whatever is pending now, and exit')
    .option('--poll <ms>', 'how often to look at the ledger', integer('--poll', 50), 1000)
    .addHelpText(
      'after',
      "\nPer-organisation mode (--org): each tick reads the board for ranges starting at the contract's nextBlock; it submits a range a majority of the registered keys signed (a second submitter's RangeNotNext/RootKnown counts as done), co-signs a range another organisation posted only when its own peer rebuilds the same root, records and revocations (else it refuses, logging why), or, when due, posts its own range.",
    )
    .action(
      async (f: {
        network: string;
        blocks?: number;
        seconds?: number;
        org?: string;
        orgs?: string;
        once?: boolean;
        poll: number;
      }) => {
        const devnet = lazy<typeof import('@swledger/devnet/anchoring')>(
          '@swledger/devnet/anchoring',
        );
        if (f.org !== undefined && f.orgs !== undefined) {
          fail("--org runs one organisation's own service; --orgs is for the all-in-one mode");
          return;
        }
        let anchoring;
        try {
          anchoring =
            f.org !== undefined
              ? await devnet.openOrgAnchoring({
                  network: f.network,
                  org: f.org,
                  blocks: f.blocks,
                  seconds: f.seconds,
                })
              : await devnet.openLocalAnchoring({
                  network: f.network,
                  blocks: f.blocks,
                  seconds: f.seconds,
                  orgs: f.orgs?.split(',').map((s) => s.trim()),
                });
        } catch (err) {
          fail(describe(err));
          return;
        }
        const { service, chain, schedule } = anchoring;
        const who = f.org === undefined ? '' : `${f.org}: `;
        const say = (line: string) => log(`${who}${line}`);
        say(
          `contract ${chain.config.contract} on chain ${chain.config.chainId} (${chain.config.rpcUrl}); every ${schedule.blocks} blocks or ${schedule.seconds} s; resuming at Fabric block ${await chain.nextBlock()}`,
        );
        let stopping = false;
        const stop = () => {
          stopping = true;
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        try {
          await runAnchorLoop(service, {
            once: f.once,
            poll: f.poll,
            log: say,
            stopping: () => stopping,
          });
        } finally {
          anchoring.close();
        }
      },
    );
}

/** `swl proof <file|sha256>`: writes a document's portable proof. */
export function proofCommand(): Command {
  return ledgerOptions(new Command('proof'), 'customs:verifier')
    .description(
      "write a document's portable proof (leaf, Merkle proof, root, chain id, contract, EVM transaction, Fabric transaction and block, public view): anyone holding the file checks it with `swl verify <file> --proof <bundle> --rpc <url>`",
    )
    .argument('<file-or-sha256>', 'the document, or its SHA-256')
    .option('-o, --output <file>', 'where to write the bundle (default: stdout)')
    .option('--rpc <url>', "EVM RPC (default: the local network's)")
    .option('--contract <address>', "anchor contract (default: the local network's)")
    .action(
      async (
        target: string,
        f: LedgerFlags & { output?: string; rpc?: string; contract?: string },
      ) => {
        const anchor = lazy<AnchorModule>('@swledger/anchor');
        const { FabricLedgerReader } = lazy<typeof import('@swledger/anchor/fabricsource')>(
          '@swledger/anchor/fabricsource',
        );
        const { sha256OfFile } = lazy<typeof import('@swledger/sdk/hash')>('@swledger/sdk/hash');
        const sha256 = isSha256(target) ? target : await sha256OfFile(target);
        await withClient(f, async (client) => {
          const { channel, ...config } = await chainConfig(f);
          const chain = anchor.AnchorChain.at(config);
          try {
            const view = await client.documents.getByHash(sha256, client.mspId);
            const registeredInBlock = await client.connection.blockNumberOf(view.txId);
            const { bundle, unanchoredChangeBlocks } = await anchor.proveDocument(
              chain,
              new FabricLedgerReader(client),
              {
                sha256,
                channel,
                view: { ...view },
                registeredInBlock,
              },
            );
            const text = JSON.stringify(bundle, null, 2) + '\n';
            if (f.output === undefined) process.stdout.write(text);
            else writeFileSync(f.output, text);
            log(
              `${bundle.leaf.type} ${bundle.leaf.docId} ${bundle.leaf.status}: anchor ${bundle.anchor.index} at ${bundle.anchor.anchoredAt} (Fabric blocks ${bundle.anchor.fromBlock}..${bundle.anchor.toBlock}, EVM tx ${bundle.anchor.transactionHash})${f.output ? ` -> ${f.output}` : ''}`,
            );
            if (unanchoredChangeBlocks.length > 0)
              log(
                `warning: the document changed again in Fabric block ${unanchoredChangeBlocks.join(', ')}, not anchored yet: this proof shows the state before`,
              );
          } finally {
            chain.close();
          }
        });
      },
    );
}

async function chainConfig(f: { network?: string; rpc?: string; contract?: string }) {
  const anchor = lazy<AnchorModule>('@swledger/anchor');
  if (f.contract !== undefined) {
    if (f.rpc === undefined) throw new Error('--contract needs --rpc');
    const chainId = await anchor.rpcChainId(f.rpc);
    return { rpcUrl: f.rpc, chainId, contract: f.contract, channel: 'tradechannel' };
  }
  const { chainConfigOf } = lazy<EvmModule>('@swledger/devnet/evm');
  const { resolveLayout } =
    lazy<typeof import('@swledger/devnet/layout')>('@swledger/devnet/layout');
  const { layout } = resolveLayout({ name: f.network ?? 'dev' });
  const config = { ...chainConfigOf(layout), channel: layout.channel };
  return f.rpc === undefined ? config : { ...config, rpcUrl: f.rpc };
}

/**
 * `swl verify <file> --proof <bundle> --rpc <url>`: checks a portable proof with the EVM RPC alone
 * (no Fabric identity, no network). Exit 0 valid, 1 invalid, 2 error.
 */
export async function verifyWithProof(
  target: string,
  f: { proof: string; rpc?: string; json?: boolean },
): Promise<void> {
  const { verifyProof } = lazy<typeof import('@swledger/anchor/verify')>('@swledger/anchor/verify');
  const { sha256OfFile } = lazy<typeof import('@swledger/sdk/hash')>('@swledger/sdk/hash');
  if (f.rpc === undefined) {
    fail('--proof needs --rpc <url>: the EVM JSON-RPC of the chain the proof names');
    return;
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(f.proof, 'utf8'));
  } catch (err) {
    fail(`cannot read the proof ${f.proof}: ${describe(err)}`);
    return;
  }
  const sha256 = isSha256(target) ? target : await sha256OfFile(target);
  const v = await verifyProof({ sha256, bundle, rpcUrl: f.rpc });
  if (f.json) printJson(v);
  else {
    out(`verdict    ${v.verdict}`);
    out(`sha256     ${v.sha256}`);
    if (v.leaf)
      out(
        `document   ${v.leaf.type} ${v.leaf.docId} ${v.leaf.status} (issuer ${v.leaf.issuerMsp}, owner ${v.leaf.owner}, Fabric tx ${v.leaf.txId} block ${v.leaf.block})`,
      );
    printTable(
      ['CHECK', 'RESULT', 'REASON'],
      [
        ['integrity', v.integrity.result, v.integrity.reason],
        ['proof', v.proof.result, v.proof.reason],
        ['anchor', v.anchor.result, v.anchor.reason],
        ['status', v.status.result, v.status.reason],
      ],
    );
  }
  process.exitCode = v.verdict === 'VALID' ? 0 : v.verdict === 'INVALID' ? 1 : 2;
}
