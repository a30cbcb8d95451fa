import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { AnchorChain, buildRange, loadAnchorKey, signAnchor } from '@swledger/anchor';
import { FabricLedgerReader } from '@swledger/anchor/fabricsource';
import { REPO_ROOT } from '@swledger/devnet/layout';
import { anchorKeyFile, chainConfigOf } from '@swledger/devnet/evm';
import type { AnchorSignatureEntry } from '@swledger/protocol/anchorsig';
import { LedgerError } from '@swledger/sdk';
import { clientAs, runSwl, testLayout, TEST_NETWORK } from '../harness';
import { ALPHA, declaration, newFile, sleep } from '../fixtures';

/** What starts an organisation's own anchoring service: `swl anchor --org`, or `swl serve --anchor`. */
const SERVICE_ARGS = ['--blocks', '1', '--seconds', '1', '--poll', '250'];

/** One organisation's own anchoring service, as a process of its own. */
class OrgProcess {
  readonly logs: string[] = [];
  private readonly p: ChildProcess;
  readonly ready: Promise<void>;

  /** @param inServe run it inside the organisation's REST service (`swl serve --anchor`) */
  constructor(
    readonly org: string,
    inServe = false,
  ) {
    const args = inServe
      ? ['serve', '--org', org, '-n', TEST_NETWORK, '--http', '--anchor']
      : ['anchor', '--org', org, '-n', TEST_NETWORK, ...SERVICE_ARGS];
    const marker = inServe ? `anchoring service of ${org}` : 'resuming at Fabric block';
    this.p = spawn(process.execPath, [join(REPO_ROOT, 'packages/cli/dist/main.js'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SWL_REST_WATCH: 'off' },
    });
    this.ready = new Promise((resolve, reject) => {
      this.p.stderr?.on('data', (d: Buffer) => {
        this.logs.push(d.toString());
        if (this.logs.join('').includes(marker)) resolve();
      });
      this.p.once('exit', (code) =>
        reject(new Error(`swl ${args.join(' ')} exited (${code}): ${this.logs.join('')}`)),
      );
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.p.exitCode !== null || this.p.signalCode !== null) return resolve();
      this.p.once('exit', () => resolve());
      this.p.kill('SIGTERM');
    });
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 45_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('anchor signatures collected across organisations through the ledger (swl anchor --org)', function () {
  this.timeout(240_000);
  const running: OrgProcess[] = [];
  let chain: AnchorChain;

  const start = async (...orgs: string[]) => {
    const started = orgs.map((o) =>
      o.startsWith('serve:') ? new OrgProcess(o.slice(6), true) : new OrgProcess(o),
    );
    running.push(...started);
    await Promise.all(started.map((p) => p.ready));
    return started;
  };
  const stopAll = async () => {
    await Promise.all(running.map((p) => p.stop()));
    running.length = 0;
  };
  const board = async (from: bigint): Promise<AnchorSignatureEntry[]> => {
    const customs = await clientAs('customs:verifier');
    const raw = await customs.connection.evaluate('anchor', 'signatures', [
      chain.config.chainId.toString(),
      chain.config.contract,
      from.toString(),
    ]);
    return JSON.parse(raw) as AnchorSignatureEntry[];
  };
  const register = async (label: string) => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile(label);
    const { transactionId } = await alpha.documents.register(declaration(ALPHA), {
      buffer: file.buffer,
    });
    return { file, block: await alpha.connection.blockNumberOf(transactionId) };
  };
  const anchoredThrough = (block: bigint) =>
    until(`an anchor through Fabric block ${block}`, async () =>
      (await chain.nextBlock()) > block ? chain.anchors() : undefined,
    );
  const orgKey = (org: string) =>
    loadAnchorKey(anchorKeyFile(testLayout(), testLayout().peerOrg(org)));

  before(() => {
    chain = AnchorChain.at(chainConfigOf(testLayout()));
  });
  after(async () => {
    await stopAll();
    chain.close();
  });

  it("refuses a post naming another organisation's MSP (BankA's anchorer claiming Customs): FORBIDDEN, the board unchanged", async () => {
    const { block } = await register('claim');
    const from = await chain.nextBlock();
    const bankA = await clientAs('banka:anchorer');
    const message = (await buildRange(new FabricLedgerReader(bankA), from, block))!.message;
    const key = orgKey('banka');
    const before = await board(from);
    const claim = {
      chainId: chain.config.chainId.toString(),
      contract: chain.config.contract.toLowerCase(),
      fromBlock: from.toString(),
      toBlock: block.toString(),
      root: message.root,
      leaves: message.leaves,
      revoked: [...message.revoked],
      mspId: 'CustomsMSP',
      signer: key.address.toLowerCase(),
      signature: await signAnchor(key, chain.domain, message),
    };

    const error = await bankA.connection.submit('anchor', 'sign', [JSON.stringify(claim)]).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(LedgerError);
    expect((error as LedgerError).code).to.equal('FORBIDDEN');
    expect(await board(from)).to.deep.equal(before);
  });

  it('two of four organisations running anchor nothing (a majority is three); a third starts (inside its REST service, swl serve --anchor) and the range is anchored, signed by three keys each posted by its own organisation', async () => {
    const { block } = await register('two');
    const from = await chain.nextBlock();
    await start('customs', 'banka');
    await until('two posts on the board', async () =>
      new Set((await board(from)).map((e) => e.mspId)).size >= 2 ? true : undefined,
    );
    await sleep(4000);
    const nextWithTwo = await chain.nextBlock();

    await start('serve:bankb');
    const anchors = await anchoredThrough(block);

    expect(nextWithTwo).to.equal(from);
    const anchor = anchors.find((a) => a.fromBlock === from)!;
    expect(anchor, 'an anchor starting at the pending block').to.not.equal(undefined);
    const keys = (await chain.keys()).map((k) => k.toLowerCase());
    const signers = anchor.signers.map((s) => s.toLowerCase());
    expect(signers.length).to.be.greaterThanOrEqual(await chain.majority());
    expect(signers.every((s) => keys.includes(s))).to.equal(
      true,
      'every signer is a registered key',
    );
    const entries = (await board(from)).filter((e) => e.root === anchor.root);
    const addressOf = Object.fromEntries(
      ['customs', 'banka', 'bankb', 'enterprise'].map((o) => [
        testLayout().peerOrg(o).mspId,
        orgKey(o).address.toLowerCase(),
      ]),
    );
    for (const e of entries) {
      expect(e.postedBy.msp, `${e.mspId}'s post`).to.equal(e.mspId);
      expect(e.signer, `${e.mspId}'s signer`).to.equal(addressOf[e.mspId]);
    }
    expect(entries.map((e) => e.mspId).sort()).to.deep.equal([
      'BankAMSP',
      'BankBMSP',
      'CustomsMSP',
    ]);
    expect(signers.sort()).to.deep.equal(entries.map((e) => e.signer).sort());
  });

  it("all four organisations' services anchor a new document; its proof verifies with the EVM RPC alone", async () => {
    // The three of the test before keep running (started again if that test failed).
    const up = new Set(running.map((p) => p.org));
    await start(...['customs', 'banka', 'bankb', 'enterprise'].filter((o) => !up.has(o)));
    const { file, block } = await register('four');
    const registered = Date.now();
    const from = await chain.nextBlock();
    await anchoredThrough(block);
    const posts = (await board(from)).length;
    process.stdout.write(
      `      [anchor] registration to anchor, 4 per-organisation services (blocks 1, seconds 1, poll 250 ms): ${Date.now() - registered} ms, ${posts} board posts for the range\n`,
    );
    // The proof needs the anchor on the ledger too: a service with a writing identity records it.
    const alpha = await clientAs('enterprise:alpha');
    const count = await chain.anchorCount();
    await until('the anchor recorded on the ledger', () =>
      alpha.connection
        .evaluate('anchor', 'get', [
          chain.config.chainId.toString(),
          chain.config.contract,
          String(count),
        ])
        .then(
          () => true,
          () => undefined,
        ),
    );
    const dir = mkdtempSync(join(tmpdir(), 'swl-board-'));
    const doc = join(dir, 'doc.txt');
    const bundle = join(dir, 'bundle.json');
    writeFileSync(doc, file.buffer);

    const proof = await runSwl(['proof', doc, '-o', bundle]);
    const verify = await runSwl(['verify', doc, '--proof', bundle, '--rpc', chain.config.rpcUrl], {
      SWL_HOME: mkdtempSync(join(tmpdir(), 'swl-outsider-')),
      SWL_NETWORK: 'none',
    });

    expect(proof.code, proof.stderr).to.equal(0);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
    expect(verify.stdout).to.match(/verdict\s+VALID/);
  });

  it('a dishonest organisation posts a signature over a wrong root first: the honest ones refuse to co-sign it, anchor the real root, and the wrong root is never anchored', async () => {
    await stopAll();
    const { block } = await register('dishonest');
    const from = await chain.nextBlock();
    const bankA = await clientAs('banka:anchorer');
    const real = (await buildRange(new FabricLedgerReader(bankA), from, block))!.message;
    const forged = { ...real, root: `0x${'5e'.repeat(32)}` };
    const key = orgKey('banka');
    await bankA.connection.submit('anchor', 'sign', [
      JSON.stringify({
        chainId: chain.config.chainId.toString(),
        contract: chain.config.contract.toLowerCase(),
        fromBlock: from.toString(),
        toBlock: block.toString(),
        root: forged.root,
        leaves: forged.leaves,
        revoked: [...forged.revoked],
        mspId: 'BankAMSP',
        signer: key.address.toLowerCase(),
        signature: await signAnchor(key, chain.domain, forged),
      }),
    ]);

    const honest = await start('customs', 'bankb', 'enterprise');
    const anchors = await anchoredThrough(block);

    const posted = await board(from);
    expect(posted.filter((e) => e.root === forged.root).map((e) => e.mspId)).to.deep.equal([
      'BankAMSP',
    ]);
    expect(await chain.anchorOf(forged.root)).to.equal(undefined);
    const anchor = anchors.find((a) => a.fromBlock === from)!;
    expect(anchor.root).to.not.equal(forged.root);
    const rebuilt = (await buildRange(
      new FabricLedgerReader(bankA),
      anchor.fromBlock,
      anchor.toBlock,
    ))!.message;
    expect(anchor.root).to.equal(rebuilt.root);
    for (const p of honest)
      expect(p.logs.join(''), `${p.org}'s log`).to.match(/not co-signing .* root 0x(5e){32}/);
  });
});
