import { DocumentsApi, DocumentSource } from './documents';
import type { LedgerConnection, SubmitOptions } from './connection';
import { Committed, FullView } from './types';

/** What an enterprise applies for. */
export interface GuaranteeApplication {
  readonly docId: string;
  /** USCC of the applicant (the caller's own entity). */
  readonly applicant: string;
  /** MSP ID of the bank asked to issue it. */
  readonly bankMsp: string;
  /** Beneficiary customs office (4 digits). */
  readonly customsOffice: string;
  /** Amount in CNY, e.g. "50000.00". */
  readonly amount: string;
  /** Validity window, ISO 8601 timestamps. */
  readonly validFrom: string;
  readonly validTo: string;
  readonly links?: readonly string[];
}

/** The tariff guarantee flow: apply, issue/reject, accept, draw, settle, release/claim. */
export class GuaranteesApi {
  constructor(
    private readonly connection: LedgerConnection,
    private readonly documents: DocumentsApi,
  ) {}

  /** The enterprise applies (status APPLIED), registering the letter's fingerprint. */
  async apply(
    app: GuaranteeApplication,
    source: DocumentSource,
    options?: SubmitOptions,
  ): Promise<Committed<FullView>> {
    return this.documents.register(
      {
        type: 'TARIFF_GUARANTEE',
        docId: app.docId,
        owner: app.applicant,
        links: app.links,
        facts: {
          bankMsp: app.bankMsp,
          customsOffice: app.customsOffice,
          amount: app.amount,
          validFrom: app.validFrom,
          validTo: app.validTo,
        },
      },
      source,
      options,
    );
  }

  /** The named bank issues it (APPLIED → ISSUED). */
  issue(docId: string, options?: SubmitOptions): Promise<Committed<FullView>> {
    return this.move('issue', [docId], options);
  }
  /** The named bank rejects it (APPLIED → REJECTED). */
  reject(docId: string, options?: SubmitOptions): Promise<Committed<FullView>> {
    return this.move('reject', [docId], options);
  }
  /** Customs verifies and accepts it (ISSUED → ACTIVE). */
  accept(docId: string, options?: SubmitOptions): Promise<Committed<FullView>> {
    return this.move('accept', [docId], options);
  }
  /**
   * Customs draws on it for a declaration's duty; the balance falls.
   * @throws InsufficientBalanceError, ExpiredError, InvalidTransitionError, ForbiddenError
   */
  draw(
    docId: string,
    drawId: string,
    declarationDocId: string,
    amount: string,
    options?: SubmitOptions,
  ): Promise<Committed<FullView>> {
    return this.move('draw', [docId, drawId, declarationDocId, amount], options);
  }
  /** Customs settles a draw once the duty is paid; the balance is restored. */
  settleDraw(docId: string, drawId: string, options?: SubmitOptions): Promise<Committed<FullView>> {
    return this.move('settleDraw', [docId, drawId], options);
  }
  /** Customs releases it (ACTIVE → RELEASED). */
  release(docId: string, options?: SubmitOptions): Promise<Committed<FullView>> {
    return this.move('release', [docId], options);
  }
  /**
   * Customs claims it for the duty still owed (ACTIVE → CLAIMED): every open
   * draw becomes CLAIMED and its declaration's taxStatus PAID (by the bank);
   * the returned view's `state.claimed` is the claimed total, `draws` every draw.
   * @throws InvalidTransitionError when no draw is open (release it instead) or not ACTIVE,
   *   ForbiddenError unless a customs officer
   */
  claim(docId: string, options?: SubmitOptions): Promise<Committed<FullView>> {
    return this.move('claim', [docId], options);
  }

  private async move(
    fn: string,
    args: string[],
    options?: SubmitOptions,
  ): Promise<Committed<FullView>> {
    const res = await this.connection.submit('guarantee', fn, args, options);
    return { value: JSON.parse(res.payload) as FullView, transactionId: res.transactionId };
  }
}
