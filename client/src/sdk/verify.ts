import { DocumentsApi, DocumentSource, fingerprint } from './documents';
import { NotFoundError, LedgerError } from './errors';
import { LedgerConnection } from './fabric';
import { isSha256 } from './hash';
import { FullView, HistoryEntry, RecordView } from './types';

/** Outcome of one verification check. */
export type CheckResult = 'VALID' | 'INVALID' | 'ERROR' | 'SKIPPED';

/** One check with its reason. */
export interface Check {
  readonly result: CheckResult;
  readonly reason: string;
}

/** Statuses in which a record is not usable (SPEC §4). */
export const UNUSABLE_STATUSES: readonly string[] = [
  'REJECTED',
  'CANCELLED',
  'TERMINATED',
  'SUPERSEDED',
  'CLAIMED',
  'RELEASED',
  'EXPIRED',
];

/** The answer to "is this file authentic, current, and issued by whom it claims?". */
export interface Verification {
  readonly sha256: string;
  /** VALID only when every check is VALID. */
  readonly verdict: CheckResult;
  readonly integrity: Check;
  readonly status: Check;
  readonly issuer: Check & {
    readonly msp?: string;
    readonly id?: string;
    readonly transactionId?: string;
    /** Block of the registering transaction, read from the ledger (qscc), not from the chaincode's answer. */
    readonly blockNumber?: string;
  };
  /** The record as the caller may see it. */
  readonly record?: RecordView;
  /** Full history, for callers entitled to it. */
  readonly history?: readonly HistoryEntry[];
}

/** Verification of files and fingerprints (SPEC §4). */
export class VerifyApi {
  constructor(
    private readonly connection: LedgerConnection,
    private readonly documents: DocumentsApi,
  ) {}

  /** Verifies a file (hashed streaming), a stream, a buffer or a SHA-256. Never throws for a ledger answer: failures become ERROR checks. */
  async verify(source: DocumentSource): Promise<Verification> {
    const sha256 = await fingerprint(source);
    if (!isSha256(sha256)) {
      const reason = 'not a SHA-256 (64 lowercase hex characters)';
      return {
        sha256,
        verdict: 'ERROR',
        integrity: { result: 'ERROR', reason },
        status: skipped(),
        issuer: skipped(),
      };
    }
    let record: RecordView;
    try {
      record = await this.documents.getByHash(sha256);
    } catch (err) {
      if (err instanceof NotFoundError) {
        const reason =
          'no document with this fingerprint is on the ledger: the file was altered or never registered';
        return {
          sha256,
          verdict: 'INVALID',
          integrity: { result: 'INVALID', reason },
          status: skipped(),
          issuer: skipped(),
        };
      }
      const reason = err instanceof LedgerError ? `${err.code}: ${err.message}` : String(err);
      return {
        sha256,
        verdict: 'ERROR',
        integrity: { result: 'ERROR', reason },
        status: skipped(),
        issuer: skipped(),
      };
    }
    const integrity: Check = {
      result: 'VALID',
      reason: `registered as ${record.type} ${record.docId}`,
    };
    const unusable = UNUSABLE_STATUSES.includes(record.status);
    const status: Check = unusable
      ? { result: 'INVALID', reason: `status ${record.status} is not usable` }
      : { result: 'VALID', reason: `status ${record.status}` };
    let issuer: Verification['issuer'];
    try {
      const block = await this.connection.blockNumberOf(record.txId);
      issuer = {
        result: 'VALID',
        reason: `registered by ${record.issuerMsp} in transaction ${record.txId} (block ${block})`,
        msp: record.issuerMsp,
        id: record.access === 'full' ? record.issuerId : undefined,
        transactionId: record.txId,
        blockNumber: block.toString(),
      };
    } catch (err) {
      issuer = {
        result: 'ERROR',
        reason: `the registering transaction could not be found on the ledger: ${(err as Error).message}`,
        msp: record.issuerMsp,
        transactionId: record.txId,
      };
    }
    const checks = [integrity.result, status.result, issuer.result];
    const verdict: CheckResult = checks.includes('ERROR')
      ? 'ERROR'
      : checks.every((c) => c === 'VALID')
        ? 'VALID'
        : 'INVALID';
    const history = record.access === 'full' ? (record as FullView).history : undefined;
    return { sha256, verdict, integrity, status, issuer, record, history };
  }
}

function skipped(): Check {
  return { result: 'SKIPPED', reason: 'integrity check did not pass' };
}
