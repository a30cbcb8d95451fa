import { expect } from 'chai';
import { existsSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { REPO_ROOT } from '@swledger/devnet/layout';
import { sha256OfBuffer } from '@swledger/sdk';
import { uniqueId } from '../fixtures';
import { clientAs } from '../harness';
import { startService, TestService } from './harness';

const CHROMIUM = process.env.SWL_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-results');

/** What the drop helper uses of the page's globals (the tests compile without the DOM library). */
interface PageGlobals {
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
  atob(data: string): string;
  document: { querySelector(s: string): { getAttribute(name: string): string | null } | null };
}

/** Drops a file on the page's drop zone, as a user dragging it from the desktop would. */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const { DataTransfer, File, atob } = globalThis as unknown as PageGlobals;
      const raw = atob(base64);
      const data = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type: 'application/pdf' }));
      return dt;
    },
    { name, base64: bytes.toString('base64') },
  );
  await page.dispatchEvent('#drop', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
}

describe('verify page in Chromium', function () {
  this.timeout(120_000);
  let svc: TestService;
  let browser: Browser;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      // scripts/setup.sh installs Debian's chromium when it runs as root.
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    }
    svc = await startService('bankb');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('a dropped registered file is VALID; a copy with one byte changed is not', async () => {
    const bytes = Buffer.concat([
      Buffer.from('%PDF-1.7 commercial invoice\n'),
      randomBytes(200_000),
    ]);
    const docId = uniqueId('WEB');
    const alpha = await clientAs('enterprise:alpha');
    await alpha.documents.register(
      {
        type: 'CUSTOMS_DECLARATION',
        docId,
        owner: '91310000MA1K4A7B2X',
        facts: {
          direction: 'EXPORT',
          customsOffice: '2200',
          declaredValue: '980.00',
          currency: 'USD',
        },
      },
      { buffer: bytes },
    );
    const tampered = Buffer.from(bytes);
    tampered[100_000] = tampered[100_000]! ^ 0x01;
    const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${svc.url}/`);
    await page.waitForSelector('body[data-ready="true"]');

    await dropFile(page, 'invoice.pdf', bytes);
    await page.waitForSelector('#verdict');
    const valid = await page.getAttribute('#verdict', 'data-verdict');
    const validText = await page.textContent('#result');
    await page.screenshot({ path: join(ARTIFACTS, 'verify-page-valid.png'), fullPage: true });
    await dropFile(page, 'invoice-edited.pdf', tampered);
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document
          .querySelector('#verdict')
          ?.getAttribute('data-verdict') !== 'VALID',
    );
    const invalid = await page.getAttribute('#verdict', 'data-verdict');
    await page.screenshot({ path: join(ARTIFACTS, 'verify-page-tampered.png'), fullPage: true });

    expect(valid).to.equal('VALID');
    expect(validText).to.include(docId);
    expect(validText).to.include('EnterpriseMSP');
    expect(validText).to.include(sha256OfBuffer(bytes));
    expect(invalid).to.equal('TAMPERED-OR-UNKNOWN');
    // The page asked for fingerprints only: the file itself never left the browser.
    const verifyCalls = requests.filter((u) => u.includes('/api/v1/verify'));
    expect(verifyCalls).to.deep.equal([
      `${svc.url}/api/v1/verify/${sha256OfBuffer(bytes)}`,
      `${svc.url}/api/v1/verify/${sha256OfBuffer(tampered)}`,
    ]);
    expect(requests.every((u) => u.startsWith(svc.url))).to.equal(true);
    await page.close();
  });
});
