import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  AnchorChain,
  AnchorRefusedError,
  ProofBundle,
  ProofNotReadyError,
  loadAnchorKey,
  proveDocument,
  signAnchor,
  verifyProof,
} from '@swledger/anchor';
import { FabricLedgerReader } from '@swledger/anchor/fabricsource';
import { openLocalAnchoring, LocalAnchoring } from '@swledger/devnet/anchoring';
import { anchorKeyFile, chainConfigOf, rpcUrlOf, submitterOf } from '@swledger/devnet/evm';
import { clientAs, runSwl, testLayout, TEST_NETWORK } from '../harness';
import { ALPHA, declaration, newFile, rejectsWithCode } from '../fixtures';
import { call, startService } from '../rest/harness';

/** A closed port of the test network's range: an EVM RPC that does not answer. */
const DEAD_RPC = (): string => `http://127.0.0.1:${testLayout().base + 99}`;

describe('public anchoring: anchors, portable proofs and offline verification on the geth node', function () {
  this.timeout(180_000);
  let anchoring: LocalAnchoring;
  let rpcUrl: string;

  const anchorNow = async () => {
    const r = await anchoring.service.tick(true);
    if (r.kind !== 'anchored') throw new Error(`no anchor: ${r.kind} ${r.reason}`);
    return r.anchor;
  };

  const prove = async (sha256: string): Promise<ProofBundle> => {
    const verifier = await clientAs('banka:verifier');
    const view = await verifier.documents.getByHash(sha256);
    const { bundle } = await proveDocument(
      AnchorChain.at(chainConfigOf(testLayout())),
      new FabricLedgerReader(verifier),
      { sha256, channel: testLayout().channel, view: { ...view } },
    );
    return bundle;
  };

  before(async () => {
    anchoring = await openLocalAnchoring({ network: TEST_NETWORK });
    rpcUrl = rpcUrlOf(testLayout());
  });

  after(() => anchoring.close());

  it('registers a declaration, anchors it with every organisation signing, and verifies the proof VALID with the EVM RPC alone', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile('anchored');
    const dec = declaration(ALPHA);
    const registered = await alpha.documents.register(dec, { buffer: file.buffer });

    const anchor = await anchorNow();
    const bundle = await prove(file.sha256);
    const v = await verifyProof({ sha256: file.sha256, bundle, rpcUrl });

    expect(anchor.signers).to.have.length(4);
    expect(bundle.leaf).to.include({
      sha256: file.sha256,
      type: 'CUSTOMS_DECLARATION',
      docId: dec.docId,
      status: 'SUBMITTED',
      issuerMsp: 'EnterpriseMSP',
      owner: ALPHA,
      txId: registered.transactionId,
    });
    expect(bundle.anchor.transactionHash).to.equal(anchor.transactionHash);
    expect(BigInt(bundle.anchor.fromBlock)).to.equal(anchor.message.fromBlock);
    expect(v.verdict, JSON.stringify(v)).to.equal('VALID');
    expect(v.anchor.signers).to.have.length(4);
    expect(v.anchor.reason).to.match(/signed by 4 of 4 organisation keys/);
    process.stdout.write(
      `      [gas] anchor of ${anchor.message.leaves} records: ${anchor.gasUsed} gas\n`,
    );
  });

  it('swl proof writes the bundle; swl verify --proof --rpc checks it in a process that knows no Fabric network (exit 0), a tampered file (exit 1, integrity) and a dead RPC (exit 2, ERROR)', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile('cli');
    await alpha.documents.register(declaration(ALPHA), { buffer: file.buffer });
    await anchorNow();
    const dir = mkdtempSync(join(tmpdir(), 'swl-proof-'));
    const [doc, bundleFile, other] = ['doc.txt', 'bundle.json', 'other.txt'].map((f) =>
      join(dir, f),
    );
    writeFileSync(doc!, file.buffer);
    writeFileSync(other!, Buffer.concat([file.buffer, Buffer.from('x')]));

    const proof = await runSwl(['proof', doc!, '-o', bundleFile!]);
    // An outsider: no swledger home, no wallet, no network; only the EVM RPC.
    const outsider = {
      SWL_HOME: mkdtempSync(join(tmpdir(), 'swl-outsider-')),
      SWL_NETWORK: 'none',
    };
    const ok = await runSwl(['verify', doc!, '--proof', bundleFile!, '--rpc', rpcUrl], outsider);
    const tampered = await runSwl(
      ['verify', other!, '--proof', bundleFile!, '--rpc', rpcUrl],
      outsider,
    );
    const down = await runSwl(
      ['verify', doc!, '--proof', bundleFile!, '--rpc', DEAD_RPC()],
      outsider,
    );

    expect(proof.code, proof.stderr).to.equal(0);
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/verdict\s+VALID/);
    expect(tampered.code).to.equal(1);
    expect(tampered.stdout).to.match(/integrity\s+INVALID/);
    expect(down.code).to.equal(2);
    expect(down.stdout).to.match(/verdict\s+ERROR/);
    expect(down.stdout).to.match(/anchor\s+ERROR/);
  });

  it('a tampered proof is INVALID: an altered leaf (status), a swapped sibling, a root never anchored', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const a = newFile('tamper-a');
    const b = newFile('tamper-b');
    await alpha.documents.register(declaration(ALPHA), { buffer: a.buffer });
    await alpha.documents.register(declaration(ALPHA), { buffer: b.buffer });
    await anchorNow();
    const bundle = await prove(a.sha256);

    const leaf = await verifyProof({
      sha256: a.sha256,
      bundle: { ...bundle, leaf: { ...bundle.leaf, status: 'RELEASED' } },
      rpcUrl,
    });
    const sibling = await verifyProof({
      sha256: a.sha256,
      bundle: { ...bundle, proof: bundle.proof.map(() => `0x${'ab'.repeat(32)}`) },
      rpcUrl,
    });
    const root = `0x${'cd'.repeat(32)}`;
    const unanchored = await verifyProof({
      sha256: a.sha256,
      bundle: { ...bundle, root, proof: [], leafHash: bundle.leafHash },
      rpcUrl,
    });

    expect(bundle.proof.length).to.be.greaterThan(0);
    expect(leaf.verdict).to.equal('INVALID');
    expect(leaf.proof.reason).to.match(/leaf was altered/);
    expect(sibling.verdict).to.equal('INVALID');
    expect(sibling.proof.reason).to.match(/leads to/);
    expect(unanchored.verdict).to.equal('INVALID');
    expect(unanchored.proof.result).to.equal('INVALID');
  });

  it('the contract refuses a root signed by only two organisations (NoMajority) and a replayed range (RangeNotNext); the chain does not move', async () => {
    const alpha = await clientAs('enterprise:alpha');
    await alpha.documents.register(declaration(ALPHA), { buffer: newFile('two').buffer });
    const last = await anchorNow();
    const chain = AnchorChain.at(
      chainConfigOf(testLayout()),
      await submitterOf(testLayout(), 1337n),
    );
    const layout = testLayout();
    const keys = layout.topology.peerOrgs.map((o) => loadAnchorKey(anchorKeyFile(layout, o)));
    await alpha.documents.register(declaration(ALPHA), { buffer: newFile('two-b').buffer });
    const next = await chain.nextBlock();
    const height = await (await clientAs('customs:verifier')).connection.ledgerHeight();
    const message = {
      ...last.message,
      root: `0x${'ee'.repeat(32)}`,
      fromBlock: next,
      toBlock: height - 1n,
    };
    const sig = async (i: number, m = message) => ({
      mspId: keys[i]!.mspId,
      address: keys[i]!.address,
      signature: await signAnchor(keys[i]!, chain.domain, m),
    });
    const before = await chain.anchorCount();

    const two = await chain.submit(message, [await sig(0), await sig(1)]).catch((e: unknown) => e);
    const replay = await chain
      .submit(last.message, [
        await sig(0, last.message),
        await sig(1, last.message),
        await sig(2, last.message),
      ])
      .catch((e: unknown) => e);
    const service = await openLocalAnchoring({ network: TEST_NETWORK, orgs: ['customs', 'banka'] });
    const refused = await service.service.tick(true).finally(() => service.close());

    expect(two).to.be.instanceOf(AnchorRefusedError);
    expect((two as AnchorRefusedError).reason).to.equal('NoMajority');
    expect(replay).to.be.instanceOf(AnchorRefusedError);
    expect((replay as AnchorRefusedError).reason).to.equal('RangeNotNext');
    expect(refused.kind).to.equal('refused');
    expect(refused.kind === 'refused' && refused.reason).to.match(/2 of 3 signatures/);
    expect(await chain.anchorCount()).to.equal(before);
    expect(await chain.nextBlock()).to.equal(next);
    chain.close();
  });

  it('a declaration rejected after its proof was written: the old proof is not usable (a later anchored status change), the new one shows REJECTED', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const officer = await clientAs('customs:officer1');
    const file = newFile('rejected');
    const dec = declaration(ALPHA);
    await alpha.documents.register(dec, { buffer: file.buffer });
    await anchorNow();
    const old = await prove(file.sha256);
    const before = await verifyProof({ sha256: file.sha256, bundle: old, rpcUrl });

    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'reject');
    const pending = await proveDocument(
      AnchorChain.at(chainConfigOf(testLayout())),
      new FabricLedgerReader(await clientAs('banka:verifier')),
      { sha256: file.sha256, channel: 'tradechannel', view: {} },
    );
    const revoking = await anchorNow();
    const after = await verifyProof({ sha256: file.sha256, bundle: old, rpcUrl });
    const fresh = await prove(file.sha256);
    const now = await verifyProof({ sha256: file.sha256, bundle: fresh, rpcUrl });

    expect(before.verdict).to.equal('VALID');
    expect(pending.unanchoredChangeBlocks).to.have.length(1);
    expect(revoking.message.revoked).to.include(`0x${file.sha256}`);
    expect(after.verdict).to.equal('INVALID');
    expect(after.integrity.result).to.equal('VALID');
    expect(after.anchor.result).to.equal('VALID');
    expect(after.status.result).to.equal('INVALID');
    expect(after.status.reason).to.match(/not usable: a status change anchored at/);
    expect(after.status.revokedIn).to.equal(revoking.index);
    expect(fresh.leaf.status).to.equal('REJECTED');
    expect(now.verdict).to.equal('INVALID');
    expect(now.status.reason).to.match(/REJECTED is not usable/);
  });

  it('records each anchor on the ledger (chain id, contract, EVM transaction, root, range); refuses an enterprise user (FORBIDDEN), a recorded index (ALREADY_EXISTS) and a gap (INVALID_TRANSITION), the ledger unchanged', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerk = await clientAs('banka:clerk1');
    await alpha.documents.register(declaration(ALPHA), { buffer: newFile('ledger').buffer });
    const anchor = await anchorNow();
    const config = chainConfigOf(testLayout());
    const get = async (index: number) =>
      JSON.parse(
        await clerk.connection.evaluate('anchor', 'get', [
          config.chainId.toString(),
          config.contract,
          String(index),
        ]),
      ) as Record<string, unknown>;
    const recorded = await get(anchor.index);
    const input = Object.fromEntries(
      Object.entries(recorded).filter(
        ([k]) => !['recordedBy', 'recordedAt', 'txId', 'schemaVersion'].includes(k),
      ),
    );
    const record = (changes: Record<string, unknown>, as = clerk) =>
      as.connection.submit('anchor', 'record', [JSON.stringify({ ...input, ...changes })]);
    const height = await clerk.connection.ledgerHeight();

    const forbidden = await rejectsWithCode(
      record({ index: anchor.index + 1 }, alpha),
      'FORBIDDEN',
    );
    const again = await rejectsWithCode(record({}), 'ALREADY_EXISTS');
    const gap = await rejectsWithCode(
      record({
        index: anchor.index + 1,
        fromBlock: String(anchor.message.toBlock + 2n),
        toBlock: String(anchor.message.toBlock + 3n),
      }),
      'INVALID_TRANSITION',
    );

    expect(recorded).to.include({
      chainId: config.chainId.toString(),
      contract: config.contract.toLowerCase(),
      index: anchor.index,
      root: anchor.message.root,
      fromBlock: anchor.message.fromBlock.toString(),
      toBlock: anchor.message.toBlock.toString(),
      evmTransaction: anchor.transactionHash,
      leaves: anchor.message.leaves,
    });
    expect(recorded.signers).to.have.length(4);
    expect((recorded.recordedBy as { msp: string }).msp).to.equal('CustomsMSP');
    expect([forbidden.message, again.message, gap.message].join()).to.not.equal('');
    expect(await clerk.connection.ledgerHeight()).to.equal(height);
    await rejectsWithCode(get(anchor.index + 1), 'NOT_FOUND');
  });

  it('REST GET /api/v1/proofs/{sha256} without a token: the bundle (VALID offline), 404 NOT_ANCHORED before the anchor, 404 NOT_FOUND for an unknown hash', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile('rest');
    await alpha.documents.register(declaration(ALPHA), { buffer: file.buffer });
    const svc = await startService('bankb');
    try {
      const early = await call(`${svc.url}/api/v1/proofs/${file.sha256}`);
      await anchorNow();
      const res = await call(`${svc.url}/api/v1/proofs/${file.sha256}`);
      const unknown = await call(`${svc.url}/api/v1/proofs/${'0'.repeat(64)}`);
      const v = await verifyProof({ sha256: file.sha256, bundle: res.body, rpcUrl });

      expect(early.status).to.equal(404);
      expect(early.body.error.code).to.equal('NOT_ANCHORED');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.leaf.sha256).to.equal(file.sha256);
      expect(res.body.view.access).to.equal('public');
      expect(v.verdict).to.equal('VALID');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('NOT_FOUND');
    } finally {
      await svc.close();
    }
  });

  it('a document no anchor holds yet: NOT_ANCHORED, naming the block it waits in', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile('waiting');
    await alpha.documents.register(declaration(ALPHA), { buffer: file.buffer });

    const err = await prove(file.sha256).catch((e: unknown) => e);

    expect(err).to.be.instanceOf(ProofNotReadyError);
    expect((err as ProofNotReadyError).code).to.equal('NOT_ANCHORED');
    expect((err as ProofNotReadyError).pendingBlocks).to.have.length(1);
    await anchorNow(); // leave nothing pending for later suites
  });
});
