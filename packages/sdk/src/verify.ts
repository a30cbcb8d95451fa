import { isUsable, USABLE_STATUSES } from '@swledger/protocol/view';
import { DocumentsApi, DocumentSource, fingerprint } from './documents';
import { NotFoundError, LedgerError } from './errors';
import type { LedgerConnection } from './connection';
import { isSha256 } from './hash';
import { ProvenanceApi, type ProvenanceCheck, type TransactionCheck } from './provenance';
import { FullView, HistoryEntry, RecordView } from './types';

export { USABLE_STATUSES };

/** Outcome of one verification check. */
export type CheckResult = 'VALID' | 'INVALID' | 'ERROR' | 'SKIPPED';

/** One check with its reason. */
export interface Check {
  readonly result: CheckResult;
  readonly reason: string;
}

/** The answer to "is this file authentic, current, and issued by whom it claims?". */
export interface Verification {
  readonly sha256: string;
  /** VALID only when every check is VALID. */
  readonly verdict: CheckResult;
  readonly integrity: Check;
  readonly status: Check;
  readonly issuer: Check & {
    readonly msp?: string;
    /** USCC of the enterprise the record concerns (an enterprise document: the one that registered it). */
    readonly owner?: string;
    readonly id?: string;
    readonly transactionId?: string;
    /** Block of the registering transaction, read from the ledger (qscc), not from the chaincode's answer. */
    readonly blockNumber?: string;
    /** Address of the enterprise key that signed the registration (absent: registered unsigned). */
    readonly signer?: string;
    /** The bank that confirmed the signing key's binding to the enterprise. */
    readonly confirmedBy?: string;
  };
  /**
   * Every version of the record checked against the signed transactions on
   * the ledger (SPEC §4): SKIPPED when not asked for.
   */
  readonly provenance: Check & { readonly transactions?: readonly TransactionCheck[] };
  /** The record as the caller may see it. */
  readonly record?: RecordView;
  /** Full history, for callers entitled to it. */
  readonly history?: readonly HistoryEntry[];
}

/** Options of one verification. */
export interface VerifyOptions {
  /** Run the provenance check (extra reads: one per transaction of the record). Default true. */
  readonly provenance?: boolean;
}

/** Verification of files and fingerprints (SPEC §4). */
export class VerifyApi {
  constructor(
    private readonly connection: LedgerConnection,
    private readonly documents: DocumentsApi,
    private readonly provenanceApi: ProvenanceApi,
  ) {}

  /**
   * Verifies a file (hashed streaming), a stream, a buffer or a SHA-256:
   * integrity, status, issuer and (unless turned off) provenance. Never
   * throws for a ledger answer: failures become ERROR checks.
   */
  async verify(source: DocumentSource, options: VerifyOptions = {}): Promise<Verification> {
    const sha256 = await fingerprint(source);
    if (!isSha256(sha256)) {
      return integrityOnly(sha256, 'ERROR', 'not a SHA-256 (64 lowercase hex characters)');
    }
    let record: RecordView;
    try {
      record = await this.documents.getByHash(sha256);
    } catch (err) {
      if (err instanceof NotFoundError) {
        const reason =
          'no document with this fingerprint is on the ledger: the file was altered or never registered';
        return integrityOnly(sha256, 'INVALID', reason);
      }
      const reason = err instanceof LedgerError ? `${err.code}: ${err.message}` : String(err);
      return integrityOnly(sha256, 'ERROR', reason);
    }
    if (record.sha256 !== sha256) {
      const reason = `the ledger's hash index points this fingerprint at ${record.type} ${record.docId}, whose fingerprint is ${record.sha256}: the index was tampered with`;
      return integrityOnly(sha256, 'INVALID', reason);
    }
    const integrity: Check = {
      result: 'VALID',
      reason: `registered as ${record.type} ${record.docId}`,
    };
    const status: Check = isUsable(record.type, record.status)
      ? { result: 'VALID', reason: `status ${record.status} is usable for a ${record.type}` }
      : {
          result: 'INVALID',
          reason: `status ${record.status} is not usable for a ${record.type} (usable: ${(USABLE_STATUSES as Record<string, readonly string[]>)[record.type]?.join(', ') ?? 'none'})`,
        };
    const enterprise = record.owner === undefined ? '' : ` for enterprise ${record.owner}`;
    const signed =
      record.signer === undefined
        ? ', unsigned'
        : `, signed by key ${record.signer.address} (bound to it, confirmed by ${record.signer.bankMsp})`;
    const signer =
      record.signer === undefined
        ? {}
        : { signer: record.signer.address, confirmedBy: record.signer.bankMsp };
    let issuer: Verification['issuer'];
    try {
      const block = await this.connection.blockNumberOf(record.txId);
      issuer = {
        result: 'VALID',
        reason: `registered by ${record.issuerMsp}${enterprise}${signed} in transaction ${record.txId} (block ${block})`,
        msp: record.issuerMsp,
        owner: record.owner,
        id: record.access === 'full' ? record.issuerId : undefined,
        transactionId: record.txId,
        blockNumber: block.toString(),
        ...signer,
      };
    } catch (err) {
      issuer = {
        result: 'ERROR',
        reason: `the registering transaction could not be found on the ledger: ${(err as Error).message}`,
        msp: record.issuerMsp,
        owner: record.owner,
        transactionId: record.txId,
      };
    }
    const provenance: Verification['provenance'] =
      options.provenance === false
        ? { result: 'SKIPPED', reason: 'provenance was not asked for' }
        : withBinding(
            await this.provenanceApi.checkRecord(record.type, record.docId),
            record.signer === undefined
              ? undefined
              : await this.provenanceApi.checkBinding(record.signer.address),
          );
    const checks = [integrity.result, status.result, issuer.result, provenance.result];
    const verdict: CheckResult = checks.includes('INVALID')
      ? 'INVALID'
      : checks.includes('ERROR')
        ? 'ERROR'
        : 'VALID';
    const history = record.access === 'full' ? (record as FullView).history : undefined;
    return { sha256, verdict, integrity, status, issuer, provenance, record, history };
  }
}

/**
 * The record's provenance and, for a signed record, its signing key's
 * binding: INVALID or ERROR when either is, the binding's transactions
 * listed after the record's.
 */
function withBinding(
  record: ProvenanceCheck,
  binding: ProvenanceCheck | undefined,
): ProvenanceCheck {
  if (binding === undefined) return record;
  const transactions = [...record.transactions, ...binding.transactions];
  for (const worst of ['INVALID', 'ERROR'] as const) {
    if (record.result === worst) return { ...record, transactions };
    if (binding.result === worst) return { ...binding, transactions };
  }
  return { result: 'VALID', reason: `${record.reason}; ${binding.reason}`, transactions };
}

/** The answer when integrity did not pass: the other checks are skipped. */
function integrityOnly(sha256: string, result: 'INVALID' | 'ERROR', reason: string): Verification {
  return {
    sha256,
    verdict: result,
    integrity: { result, reason },
    status: skipped(),
    issuer: skipped(),
    provenance: skipped(),
  };
}

function skipped(): Check {
  return { result: 'SKIPPED', reason: 'integrity check did not pass' };
}
