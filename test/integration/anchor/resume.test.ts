import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { AnchorChain, sortLeaves } from '@swledger/anchor';
import { FabricLedgerReader } from '@swledger/anchor/fabricsource';
import { REPO_ROOT } from '@swledger/devnet/layout';
import { chainConfigOf } from '@swledger/devnet/evm';
import { clientAs, testLayout, TEST_NETWORK } from '../harness';
import { ALPHA, declaration, newFile, sleep } from '../fixtures';

/** `swl anchor` as a process of its own, anchoring every block or second. */
function startService(): ChildProcess {
  return spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'packages/cli/dist/main.js'),
      'anchor',
      '-n',
      TEST_NETWORK,
      '--blocks',
      '1',
      '--seconds',
      '1',
      '--poll',
      '100',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/** Resolves once the service has opened its connections and said where it resumes. */
function started(p: ChildProcess, logs: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    p.stderr?.on('data', (d: Buffer) => {
      logs.push(d.toString());
      if (d.toString().includes('resuming at Fabric block')) resolve();
    });
    p.once('exit', (code) => reject(new Error(`swl anchor exited (${code}): ${logs.join('')}`)));
  });
}

function killed(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

describe('anchoring service killed mid-range and restarted', function () {
  this.timeout(240_000);

  it('anchors every record exactly once, in consecutive ranges without gap or overlap', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const chain = AnchorChain.at(chainConfigOf(testLayout()));
    const startIndex = await chain.anchorCount();
    const shas: string[] = [];
    let lastTx = '';
    const register = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const file = newFile('resume');
        lastTx = (await alpha.documents.register(declaration(ALPHA), { buffer: file.buffer }))
          .transactionId;
        shas.push(file.sha256);
      }
    };
    const logs: string[] = [];

    for (let round = 0; round < 3; round++) {
      const service = startService();
      await started(service, logs);
      await register(3);
      // Kill while records are pending, or an anchor is being built, signed or submitted.
      await sleep(round * 400);
      await killed(service);
    }
    const last = startService();
    await started(last, logs);
    // Blocks after the last record (the anchors' own ledger records) wait for the next record change.
    const lastBlock = await alpha.connection.blockNumberOf(lastTx);
    const deadline = Date.now() + 60_000;
    while ((await chain.nextBlock()) <= lastBlock && Date.now() < deadline) await sleep(250);
    // The service records each accepted anchor on the ledger after the chain took it: let it
    // finish the last one before it is stopped (a kill between the two is what a restart repairs).
    const onLedger = async (index: number) =>
      alpha.connection
        .evaluate('anchor', 'get', [
          chain.config.chainId.toString(),
          chain.config.contract,
          String(index),
        ])
        .then(
          () => true,
          () => false,
        );
    const newest = async () => (await chain.anchors()).at(-1)?.index;
    for (;;) {
      const index = await newest();
      if (index === undefined || (await onLedger(index)) || Date.now() > deadline) break;
      await sleep(250);
    }
    await killed(last);

    const anchors = (await chain.anchors()).filter((a) => a.index > startIndex);
    const reader = new FabricLedgerReader(await clientAs('customs:verifier'));
    const counts = new Map<string, number>();
    for (const a of anchors) {
      const leaves = sortLeaves(await reader.leaves(a.fromBlock, a.toBlock));
      expect(leaves.length, `anchor ${a.index}`).to.equal(a.leaves);
      for (const l of leaves) counts.set(l.sha256, (counts.get(l.sha256) ?? 0) + 1);
    }
    const all = await chain.anchors();
    for (let i = 1; i < all.length; i++)
      expect(all[i]!.fromBlock, `anchor ${all[i]!.index} follows ${all[i - 1]!.index}`).to.equal(
        all[i - 1]!.toBlock + 1n,
      );
    expect(Number(await chain.nextBlock()), logs.join('')).to.be.greaterThan(Number(lastBlock));
    expect(shas.map((s) => counts.get(s) ?? 0)).to.deep.equal(shas.map(() => 1));
    const { chainId, contract } = chain.config;
    for (const a of anchors) {
      const onLedger = JSON.parse(
        await alpha.connection.evaluate('anchor', 'get', [
          chainId.toString(),
          contract,
          String(a.index),
        ]),
      ) as { root: string };
      expect(onLedger.root, `anchor ${a.index} on the ledger`).to.equal(a.root);
    }
    process.stdout.write(
      `      [anchor] ${shas.length} records in ${anchors.length} anchors across 3 kills\n`,
    );
    chain.close();
  });
});
