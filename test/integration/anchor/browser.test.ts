import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { Browser, chromium, Page } from 'playwright-core';
import { AnchorChain, ProofBundle, proveDocument } from '@swledger/anchor';
import { FabricLedgerReader } from '@swledger/anchor/fabricsource';
import { openLocalAnchoring } from '@swledger/devnet/anchoring';
import { chainConfigOf, rpcUrlOf } from '@swledger/devnet/evm';
import { clientAs, testLayout, TEST_NETWORK } from '../harness';
import { ALPHA, declaration, newFile } from '../fixtures';
import { startService, TestService } from '../rest/harness';

const CHROMIUM = process.env.SWL_CHROMIUM ?? '/usr/bin/chromium';

interface PageGlobals {
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
  atob(data: string): string;
  document: { querySelector(s: string): { getAttribute(name: string): string | null } | null };
}

/** Drops several files at once on the page's drop zone. */
async function dropFiles(
  page: Page,
  files: readonly { name: string; bytes: Buffer }[],
): Promise<void> {
  const transfer = await page.evaluateHandle(
    (list) => {
      const { DataTransfer, File, atob } = globalThis as unknown as PageGlobals;
      const dt = new DataTransfer();
      for (const { name, base64 } of list) {
        const raw = atob(base64);
        const data = new Uint8Array(raw.length);
        for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
        dt.items.add(new File([data], name, { type: 'application/octet-stream' }));
      }
      return dt;
    },
    files.map((f) => ({ name: f.name, base64: f.bytes.toString('base64') })),
  );
  await page.dispatchEvent('#drop', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
}

describe('verify page in Chromium: a file and its proof bundle dropped together', function () {
  this.timeout(120_000);
  let svc: TestService;
  let browser: Browser;

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    svc = await startService('banka');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('checks the pair in the browser against the EVM RPC (VALID), and a tampered file or bundle (INVALID), uploading neither', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile('browser');
    await alpha.documents.register(declaration(ALPHA), { buffer: file.buffer });
    const anchoring = await openLocalAnchoring({ network: TEST_NETWORK });
    await anchoring.service.tick(true).finally(() => anchoring.close());
    const { bundle } = await proveDocument(
      AnchorChain.at(chainConfigOf(testLayout())),
      new FabricLedgerReader(await clientAs('banka:verifier')),
      { sha256: file.sha256, channel: 'tradechannel', view: {} },
    );
    const json = (b: ProofBundle) => Buffer.from(JSON.stringify(b));
    const edited = Buffer.concat([file.buffer, Buffer.from(' ')]);
    const forged: ProofBundle = { ...bundle, leaf: { ...bundle.leaf, status: 'RELEASED' } };
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => consoleLines.push(e.message));
    await page.goto(`${svc.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    const verdictAfter = async (files: { name: string; bytes: Buffer }[]) => {
      await page.evaluate(() => {
        const { document } = globalThis as unknown as {
          document: { getElementById(id: string): { remove(): void } | null };
        };
        document.getElementById('verdict')?.remove();
      });
      await dropFiles(page, files);
      await page.waitForSelector('#verdict', { timeout: 30_000 }).catch(async (err: unknown) => {
        throw new Error(
          `no verdict: ${await page.textContent('#progress-text')} ${consoleLines.join(' | ')}`,
          { cause: err },
        );
      });
      return {
        verdict: await page.getAttribute('#verdict', 'data-verdict'),
        checks: await page.textContent('#proof-checks'),
      };
    };

    const rpcField = await page.inputValue('#rpc');
    const valid = await verdictAfter([
      { name: 'declaration.pdf', bytes: file.buffer },
      { name: 'declaration.proof.json', bytes: json(bundle) },
    ]);
    const tamperedFile = await verdictAfter([
      { name: 'declaration.proof.json', bytes: json(bundle) },
      { name: 'declaration.pdf', bytes: edited },
    ]);
    const tamperedBundle = await verdictAfter([
      { name: 'declaration.pdf', bytes: file.buffer },
      { name: 'declaration.proof.json', bytes: json(forged) },
    ]);

    expect(rpcField).to.equal(rpcUrlOf(testLayout()));
    expect(valid.verdict, valid.checks ?? '').to.equal('VALID');
    expect(valid.checks).to.match(/signed by 4 of 4 organisation keys/);
    expect(tamperedFile.verdict).to.equal('INVALID');
    expect(tamperedFile.checks).to.match(/Integrity: the file's SHA-256/);
    expect(tamperedBundle.verdict).to.equal('INVALID');
    expect(tamperedBundle.checks).to.match(/leaf was altered/);
    // Neither file left the browser: only the page, its scripts, the chain info and the EVM RPC were asked.
    const rpcOrigin = new URL(rpcUrlOf(testLayout())).origin;
    expect(
      requests.filter((u) => !u.startsWith(svc.url) && !u.startsWith(rpcOrigin)),
    ).to.deep.equal([]);
    expect(
      requests.filter((u) => u.includes('/api/v1/verify') || u.includes('/api/v1/documents')),
    ).to.deep.equal([]);
    await page.close();
  });
});
