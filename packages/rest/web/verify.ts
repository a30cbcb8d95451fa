/**
 * The verify page: the file is hashed here, in the browser, chunk by chunk
 * (it never leaves the machine); only its SHA-256 is sent to the service.
 */
import { Sha256 } from './sha256.js';

interface Check {
  result: 'VALID' | 'INVALID' | 'ERROR' | 'SKIPPED';
  reason: string;
}
interface HistoryEntry {
  by: { id: string; msp: string; role: string };
  status: string;
  timestamp: string;
  txId: string;
}
interface Verification {
  sha256: string;
  verdict: string;
  integrity: Check;
  status: Check;
  issuer: Check & {
    msp?: string;
    owner?: string;
    id?: string;
    transactionId?: string;
    blockNumber?: string;
    signer?: string;
    confirmedBy?: string;
  };
  provenance: Check;
  record?: {
    type: string;
    docId: string;
    status: string;
    issuerMsp: string;
    createdAt: string;
    updatedAt?: string;
    owner?: string;
  };
  history?: HistoryEntry[];
  access: 'public' | 'full';
}

const CHUNK = 4 * 1024 * 1024;
const TOKEN_KEY = 'swl.token';

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

function el(tag: string, text?: string, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toLocaleString()} (${iso})`;
}

/** Hashes a file a chunk at a time; only one chunk is in memory. */
async function hashFile(file: File, progress: (done: number) => void): Promise<string> {
  const sha = new Sha256();
  for (let offset = 0; offset < file.size; offset += CHUNK) {
    const chunk = new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer());
    sha.update(chunk);
    progress(Math.min(file.size, offset + CHUNK));
  }
  progress(file.size);
  return sha.digestHex();
}

/** The page's answers (SPEC §4), from the service's checks. */
function outcome(v: Verification): { word: string; cls: string; detail: string } {
  if (v.integrity.result === 'INVALID')
    return {
      word: 'TAMPERED-OR-UNKNOWN',
      cls: 'bad',
      detail:
        'No document with this fingerprint is on the ledger: the file was altered, or it was never registered.',
    };
  if (v.provenance.result === 'INVALID')
    return {
      word: 'FORGED',
      cls: 'bad',
      detail: `The ledger record was not made by the signed, entitled transactions it claims: ${v.provenance.reason}`,
    };
  if (
    v.integrity.result !== 'VALID' ||
    v.issuer.result === 'ERROR' ||
    v.provenance.result === 'ERROR'
  )
    return {
      word: 'NOT VERIFIED',
      cls: 'warn',
      detail: 'The ledger could not be asked; try again.',
    };
  if (v.status.result === 'INVALID')
    return {
      word: 'NOT-USABLE',
      cls: 'warn',
      detail: `The document is on the ledger but its status is ${v.record?.status ?? '?'}.`,
    };
  return {
    word: 'VALID',
    cls: 'good',
    detail:
      'The file is exactly the registered document, its status is usable, its issuer is known, and every change to its record was signed by someone entitled to make it.',
  };
}

function row(dl: HTMLElement, term: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  dl.append(el('dt', term), el('dd', value));
}

function render(v: Verification, file: File): void {
  const box = $('result');
  box.replaceChildren();
  const o = outcome(v);
  box.className = `result ${o.cls}`;
  const verdict = el('p', o.word, 'verdict');
  verdict.id = 'verdict';
  verdict.dataset.verdict = o.word;
  box.append(verdict, el('p', o.detail, 'detail'));
  if (o.word === 'NOT-USABLE' && v.record)
    box.append(el('p', `Status: ${v.record.status}`, 'status'));

  const dl = el('dl', undefined, 'facts');
  row(dl, 'File', `${file.name} (${formatBytes(file.size)})`);
  row(dl, 'SHA-256', v.sha256);
  if (v.record) {
    row(dl, 'Document', `${v.record.type} ${v.record.docId}`);
    row(dl, 'Status', v.record.status);
    row(dl, 'Issuer', v.issuer.msp ?? v.record.issuerMsp);
    row(dl, 'Enterprise', v.issuer.owner ?? v.record.owner);
    row(dl, 'Issued by', v.issuer.id);
    row(dl, 'Signed with key', v.issuer.signer);
    row(dl, 'Key bound by', v.issuer.confirmedBy);
    row(dl, 'Registered', formatTime(v.record.createdAt));
    if (v.record.updatedAt) row(dl, 'Last change', formatTime(v.record.updatedAt));
    row(dl, 'Transaction', v.issuer.transactionId);
    row(dl, 'Block', v.issuer.blockNumber);
  }
  box.append(dl);

  const checks = el('ul', undefined, 'checks');
  for (const [name, c] of [
    ['Integrity', v.integrity],
    ['Status', v.status],
    ['Issuer', v.issuer],
    ['Provenance', v.provenance],
  ] as const) {
    const li = el('li');
    li.append(
      el('span', c.result, `badge ${c.result.toLowerCase()}`),
      el('span', ` ${name}: ${c.reason}`),
    );
    checks.append(li);
  }
  box.append(el('h3', 'Checks'), checks);

  if (v.record) {
    box.append(el('h3', 'History'));
    if (v.history && v.history.length > 0) {
      const table = el('table');
      const head = el('tr');
      for (const h of ['When', 'Status', 'By', 'Transaction']) {
        const th = el('th', h);
        th.setAttribute('scope', 'col');
        head.append(th);
      }
      const thead = el('thead');
      thead.append(head);
      const tbody = el('tbody');
      for (const e of v.history) {
        const tr = el('tr');
        tr.append(
          el('td', formatTime(e.timestamp)),
          el('td', e.status),
          el('td', `${e.by.msp} ${e.by.role}`),
          el('td', e.txId.slice(0, 16) + '…'),
        );
        tbody.append(tr);
      }
      table.append(thead, tbody);
      box.append(table);
    } else {
      box.append(
        el(
          'p',
          v.access === 'public'
            ? 'The full history is shown to the parties of the document, customs and banks: add an API token below to see it.'
            : 'No history available.',
          'note',
        ),
      );
    }
  }
  box.hidden = false;
  box.focus();
}

async function verifyFile(file: File): Promise<void> {
  const status = $('progress-text');
  const bar = $('progress') as HTMLProgressElement;
  const box = $('result');
  box.hidden = true;
  bar.hidden = false;
  bar.max = Math.max(file.size, 1);
  bar.value = 0;
  status.textContent = `Hashing ${file.name} in your browser…`;
  try {
    const sha256 = await hashFile(file, (done) => {
      bar.value = done;
    });
    status.textContent = 'Asking the ledger…';
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`/api/v1/verify/${sha256}`, { headers });
    const body = (await res.json()) as Verification | { error: { code: string; message: string } };
    if ('error' in body) throw new Error(`${body.error.code}: ${body.error.message}`);
    status.textContent = `Checked ${file.name}.`;
    render(body, file);
  } catch (err) {
    status.textContent = `Could not verify: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    bar.hidden = true;
  }
}

type ProofModule = typeof import('./proof.js');

/** A dropped proof bundle: a JSON file of format swledger-proof/1. */
async function bundleOf(file: File): Promise<unknown> {
  if (!file.name.endsWith('.json') || file.size > 1024 * 1024) return undefined;
  try {
    const parsed = JSON.parse(await file.text()) as { format?: unknown };
    return parsed.format === 'swledger-proof/1' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A file and its proof bundle dropped together: checked here against the EVM chain, with nothing sent to this service. */
async function verifyWithProof(file: File, bundle: unknown): Promise<void> {
  const status = $('progress-text');
  const box = $('result');
  box.hidden = true;
  try {
    status.textContent = `Hashing ${file.name} in your browser…`;
    const sha256 = await hashFile(file, () => undefined);
    const rpc = ($('rpc') as HTMLInputElement).value.trim();
    if (rpc === '') throw new Error('enter the EVM RPC URL of the chain the proof names');
    status.textContent = `Checking the proof against ${rpc}…`;
    // Loaded only for proofs: the page's other checks need no EVM library.
    const { verifyInBrowser } = (await import('./proof.js')) as ProofModule;
    const v = await verifyInBrowser(
      sha256,
      bundle as Parameters<ProofModule['verifyInBrowser']>[1],
      rpc,
    );
    box.replaceChildren();
    box.className = `result ${v.verdict === 'VALID' ? 'good' : v.verdict === 'INVALID' ? 'bad' : 'warn'}`;
    const verdict = el('p', v.verdict === 'ERROR' ? 'NOT VERIFIED' : v.verdict, 'verdict');
    verdict.id = 'verdict';
    verdict.dataset.verdict = v.verdict;
    const checks = el('ul', undefined, 'checks');
    checks.id = 'proof-checks';
    for (const [name, c] of [
      ['Integrity', v.integrity],
      ['Proof', v.proof],
      ['Anchor', v.anchor],
      ['Status', v.status],
    ] as const) {
      const li = el('li');
      li.dataset.check = name.toLowerCase();
      li.dataset.result = c.result;
      li.append(
        el('span', c.result, `badge ${c.result.toLowerCase()}`),
        el('span', ` ${name}: ${c.reason}`),
      );
      checks.append(li);
    }
    box.append(
      verdict,
      el(
        'p',
        `Checked against the EVM chain (${rpc}); nothing was sent to this service.`,
        'detail',
      ),
      checks,
    );
    box.hidden = false;
    status.textContent = `Checked ${file.name} with its proof.`;
    box.focus();
  } catch (err) {
    status.textContent = `Could not verify: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** One file: the ledger check; a file and its bundle: the proof check. */
async function verifyDropped(files: readonly File[]): Promise<void> {
  if (files.length === 2) {
    const [a, b] = files as [File, File];
    const bundleA = await bundleOf(a);
    const bundleB = bundleA === undefined ? await bundleOf(b) : undefined;
    if (bundleA !== undefined) return verifyWithProof(b, bundleA);
    if (bundleB !== undefined) return verifyWithProof(a, bundleB);
  }
  const f = files[0];
  if (f) await verifyFile(f);
}

/** Prefills the EVM RPC URL with the service's anchoring chain, when it has one. */
async function prefillRpc(): Promise<void> {
  try {
    const res = await fetch('/api/v1/proofs', { headers: { Accept: 'application/json' } });
    const body = (await res.json()) as { rpcUrl?: string };
    const input = $('rpc') as HTMLInputElement;
    if (typeof body.rpcUrl === 'string' && input.value === '') input.value = body.rpcUrl;
  } catch {
    /* no anchoring here: the user types an RPC URL */
  }
}

function setup(): void {
  const input = $('file') as HTMLInputElement;
  const zone = $('drop');
  input.addEventListener('change', () => {
    void verifyDropped([...(input.files ?? [])]);
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    void verifyDropped([...(e.dataTransfer?.files ?? [])]);
  });
  const tokenInput = $('token') as HTMLInputElement;
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  tokenInput.addEventListener('change', () => {
    const t = tokenInput.value.trim();
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  });
  void prefillRpc().finally(() => {
    document.body.dataset.ready = 'true';
  });
}

setup();
