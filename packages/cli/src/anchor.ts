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

/** `swl anchor`: the anchoring service of a local network. */
export function anchorCommand(): Command {
  return new Command('anchor')
    .description(
      "anchor the ledger on the EVM chain: follow committed blocks, rebuild each range's Merkle root from every organisation's own peer, collect their signatures and submit once a majority signed (every --blocks blocks or --seconds seconds, whichever first)",
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
    .option('--orgs <keys>', 'organisations whose signers run here, comma-separated (default: all)')
    .option('--once', 'anchor whatever is pending now, once, and exit')
    .option('--poll <ms>', 'how often to look at the ledger', integer('--poll', 50), 1000)
    .action(
      async (f: {
        network: string;
        blocks?: number;
        seconds?: number;
        orgs?: string;
        once?: boolean;
        poll: number;
      }) => {
        const { openLocalAnchoring } = lazy<typeof import('@swledger/devnet/anchoring')>(
          '@swledger/devnet/anchoring',
        );
        let anchoring;
        try {
          anchoring = await openLocalAnchoring({
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
        log(
          `contract ${chain.config.contract} on chain ${chain.config.chainId} (${chain.config.rpcUrl}); every ${schedule.blocks} blocks or ${schedule.seconds} s; resuming at Fabric block ${await chain.nextBlock()}`,
        );
        let stopping = false;
        const stop = () => {
          stopping = true;
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        let last = '';
        try {
          do {
            try {
              const r = await service.tick(f.once === true);
              if (r.kind === 'anchored') {
                const m = r.anchor.message;
                log(
                  `anchor ${r.anchor.index}: Fabric blocks ${m.fromBlock}..${m.toBlock}, ${m.leaves} records, ${m.revoked.length} revoked, root ${m.root}, tx ${r.anchor.transactionHash}, ${r.anchor.gasUsed} gas, signed by ${r.anchor.signers.join(', ')}`,
                );
              } else if (r.reason !== last) {
                log(`${r.kind}: ${r.reason}`);
              }
              last = r.kind === 'anchored' ? '' : r.reason;
              if (f.once === true && r.kind === 'refused') process.exitCode = 1;
            } catch (err) {
              log(`error: ${describe(err)} (retrying)`);
              if (f.once === true) process.exitCode = 2;
            }
            if (f.once !== true && !stopping) await new Promise((r) => setTimeout(r, f.poll));
          } while (f.once !== true && !stopping);
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
