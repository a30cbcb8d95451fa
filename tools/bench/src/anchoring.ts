import { AnchorChain, proveDocument, verifyProof } from '@swledger/anchor';
import { FabricLedgerReader } from '@swledger/anchor/fabricsource';
import { openLocalAnchoring } from '@swledger/devnet/anchoring';
import { chainConfigOf } from '@swledger/devnet/evm';
import { resolveLayout } from '@swledger/devnet/layout';
import type { SwlClient } from '@swledger/sdk';
import { DocFactory } from './workloads';

/** Anchoring figures: medians over rounds. */
export interface AnchorFigures {
  readonly rounds: number;
  /** Records per anchor (the batch registered before each anchor). */
  readonly documentsPerAnchor: number;
  /** One anchor: rebuilding the range on every organisation's peer, four signatures, the EVM transaction and the ledger record, ms. */
  readonly anchorMs: number;
  /** Anchors one service makes per minute back to back (60 000 / anchorMs). */
  readonly anchorsPerMinute: number;
  readonly gasPerAnchor: number;
  readonly gasPerDocument: number;
  /** Checking a portable proof against the EVM RPC alone (swl verify --proof), ms. */
  readonly offlineVerifyMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN);
}

/** Registers `perAnchor` documents in one batch, anchors them, `rounds` times; then times offline verification. */
export async function benchAnchoring(
  network: string,
  alpha: SwlClient,
  verifier: SwlClient,
  docs: DocFactory,
  perAnchor: number,
  rounds: number,
  log: (line: string) => void,
): Promise<AnchorFigures> {
  const anchoring = await openLocalAnchoring({ network });
  const ms: number[] = [];
  const gas: number[] = [];
  const leaves: number[] = [];
  let last = '';
  try {
    await anchoring.service.tick(true); // whatever earlier workloads left
    for (let r = 0; r < rounds; r++) {
      const batch = Array.from({ length: perAnchor }, () => docs.next());
      await alpha.documents.registerBatch(batch);
      last = batch[0]!.sha256;
      const t0 = performance.now();
      const done = await anchoring.service.tick(true);
      if (done.kind !== 'anchored') throw new Error(`no anchor: ${done.reason}`);
      ms.push(performance.now() - t0);
      gas.push(Number(done.anchor.gasUsed));
      leaves.push(done.anchor.message.leaves);
      log(
        `  anchor ${done.anchor.index}: ${done.anchor.message.leaves} records, ${done.anchor.gasUsed} gas, ${ms.at(-1)!.toFixed(0)} ms`,
      );
    }
  } finally {
    anchoring.close();
  }
  const config = chainConfigOf(resolveLayout({ name: network }).layout);
  const chain = AnchorChain.at(config);
  const verifyMs: number[] = [];
  try {
    const { bundle } = await proveDocument(chain, new FabricLedgerReader(verifier), {
      sha256: last,
      channel: 'tradechannel',
      view: {},
    });
    for (let r = 0; r < Math.max(3, rounds); r++) {
      const t0 = performance.now();
      const v = await verifyProof({ sha256: last, bundle, rpcUrl: config.rpcUrl });
      verifyMs.push(performance.now() - t0);
      if (v.verdict !== 'VALID')
        throw new Error(`offline verification of a fresh proof: ${v.verdict}`);
    }
  } finally {
    chain.close();
  }
  const anchorMs = median(ms);
  const gasPerAnchor = median(gas);
  const documentsPerAnchor = median(leaves);
  return {
    rounds,
    documentsPerAnchor,
    anchorMs,
    anchorsPerMinute: 60_000 / anchorMs,
    gasPerAnchor,
    gasPerDocument: gasPerAnchor / documentsPerAnchor,
    offlineVerifyMs: median(verifyMs),
  };
}
