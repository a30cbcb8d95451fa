import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { LedgerConnection, SubmitOptions } from './connection';
import { sha256OfBuffer, sha256OfFile, sha256OfStream } from './hash';
import {
  BatchResult,
  Committed,
  DocType,
  DocumentInput,
  DocumentRegistration,
  FullView,
  HistoryEntry,
  RecordPage,
  RecordView,
} from './types';

/** Where a document's bytes come from: a file path, a stream, a buffer, or an already computed SHA-256. */
export type DocumentSource =
  | { readonly path: string }
  | { readonly stream: Readable }
  | { readonly buffer: Uint8Array }
  | { readonly sha256: string };

/** Computes the fingerprint of a source, streaming files and streams. */
export async function fingerprint(source: DocumentSource): Promise<string> {
  if ('sha256' in source) return source.sha256;
  if ('path' in source) return sha256OfFile(source.path);
  if ('stream' in source) return sha256OfStream(source.stream);
  return sha256OfBuffer(source.buffer);
}

/**
 * The chaincode arguments of `document:register` for `input` and its
 * SHA-256: what the enterprise's signature covers (see `signWrite`).
 */
export function registrationArgs(input: DocumentInput, sha256: string): string[] {
  const registration: DocumentRegistration = { ...input, sha256 };
  return [JSON.stringify(registration)];
}

/** The chaincode arguments of `document:transition`: what the enterprise's signature covers. */
export function transitionArgs(
  type: DocType,
  docId: string,
  action: string,
  args: Readonly<Record<string, string>> = {},
): string[] {
  return [type, docId, action, JSON.stringify(args)];
}

/** Register, move and read documents of every family. */
export class DocumentsApi {
  constructor(private readonly connection: LedgerConnection) {}

  /**
   * Registers one document; the SHA-256 is computed from the source (streamed).
   * @throws DuplicateHashError, AlreadyExistsError, ForbiddenError, InvalidArgumentError
   */
  async register(
    input: DocumentInput,
    source: DocumentSource,
    options?: SubmitOptions,
  ): Promise<Committed<FullView>> {
    return this.submit('register', registrationArgs(input, await fingerprint(source)), options);
  }

  /**
   * Registers up to 500 documents in one transaction, all or nothing.
   * @throws the first failing entry's typed error (its detail names the entry)
   */
  async registerBatch(
    entries: readonly DocumentRegistration[],
    options?: SubmitOptions,
  ): Promise<BatchResult> {
    const res = await this.connection.submit(
      'document',
      'registerBatch',
      [JSON.stringify(entries)],
      options,
    );
    return JSON.parse(res.payload) as BatchResult;
  }

  /**
   * Moves a declaration, contract or invoice (`accept`, `reject`, `release`,
   * `assessDuty` {amount}, `payDuty`, `terminate`, `supersede` {byDocId}, `cancel`).
   * @throws InvalidTransitionError, ForbiddenError, NotFoundError, InvalidArgumentError
   */
  async transition(
    type: DocType,
    docId: string,
    action: string,
    args: Readonly<Record<string, string>> = {},
    options?: SubmitOptions,
  ): Promise<Committed<FullView>> {
    return this.submit('transition', transitionArgs(type, docId, action, args), options);
  }

  /**
   * Registers every regular file of a folder (sorted by name), in
   * transactions of up to `batchSize` (max 500) documents. `describe` gives
   * each file's registration (docId, type, owner, facts); files are hashed
   * streaming. Each chunk is all or nothing; `onProgress` reports after each.
   * @throws the first failing chunk's typed error; earlier chunks stay registered
   */
  async registerFolder(
    dir: string,
    describe: (fileName: string) => DocumentInput,
    options: SubmitOptions & {
      batchSize?: number;
      onProgress?: (done: number, total: number) => void;
    } = {},
  ): Promise<BatchResult[]> {
    const names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
    const size = Math.min(500, Math.max(1, options.batchSize ?? 500));
    const results: BatchResult[] = [];
    for (let i = 0; i < names.length; i += size) {
      const chunk: DocumentRegistration[] = [];
      for (const name of names.slice(i, i + size))
        chunk.push({ ...describe(name), sha256: await sha256OfFile(join(dir, name)) });
      results.push(await this.registerBatch(chunk, options));
      options.onProgress?.(Math.min(i + size, names.length), names.length);
    }
    return results;
  }

  /** A record by type and docId (full view when entitled, public otherwise). @throws NotFoundError, ForbiddenError */
  async get(type: DocType, docId: string, peerMsp?: string): Promise<RecordView> {
    return JSON.parse(
      await this.connection.evaluate('document', 'get', [type, docId], { peerMsp }),
    ) as RecordView;
  }

  /** The record holding a SHA-256 (with history when entitled). @throws NotFoundError */
  async getByHash(sha256: string, peerMsp?: string): Promise<RecordView> {
    return JSON.parse(
      await this.connection.evaluate('document', 'getByHash', [sha256], { peerMsp }),
    ) as RecordView;
  }

  /** Every version of a record's state, newest first. @throws ForbiddenError, NotFoundError */
  async history(type: DocType, docId: string, peerMsp?: string): Promise<HistoryEntry[]> {
    return JSON.parse(
      await this.connection.evaluate('document', 'history', [type, docId], { peerMsp }),
    ) as HistoryEntry[];
  }

  /** One page of an enterprise's records, optionally of one type and status. @throws ForbiddenError */
  async list(
    owner: string,
    filter: {
      type?: DocType;
      status?: string;
      pageSize?: number;
      bookmark?: string;
      /** Ask this organisation's peer. */
      peerMsp?: string;
    } = {},
  ): Promise<RecordPage> {
    const out = await this.connection.evaluate(
      'document',
      'listByOwner',
      [
        owner,
        filter.type ?? '',
        filter.status ?? '',
        String(filter.pageSize ?? 50),
        filter.bookmark ?? '',
      ],
      { peerMsp: filter.peerMsp },
    );
    const page = JSON.parse(out) as { records: FullView[]; bookmark: string };
    return { records: page.records, bookmark: page.bookmark };
  }

  private async submit(
    fn: string,
    args: string[],
    options?: SubmitOptions,
  ): Promise<Committed<FullView>> {
    const res = await this.connection.submit('document', fn, args, options);
    return { value: JSON.parse(res.payload) as FullView, transactionId: res.transactionId };
  }
}
