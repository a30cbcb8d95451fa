/**
 * Request and response schemas: the service validates every input with
 * them and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { DOC_TYPES } from '@swledger/sdk';
import { isAmount, PATTERNS } from '@swledger/protocol/validate';

export const DocId = z
  .string()
  .regex(PATTERNS.docId, '1-64 of letters, digits and . _ / -')
  .describe('Business number of the document');
export const Sha256 = z
  .string()
  .regex(PATTERNS.sha256, '64 lowercase hex characters')
  .describe('SHA-256 of the exact file bytes, 64 lowercase hex');
export const Uscc = z
  .string()
  .regex(PATTERNS.uscc, 'an 18-character USCC')
  .describe('Unified Social Credit Code of an enterprise');
export const Amount = z
  .string()
  .max(21)
  .regex(PATTERNS.amount, 'a decimal with at most 2 fraction digits and no leading zeros')
  .refine(isAmount, 'must be positive')
  .describe('Amount as a decimal string, e.g. "1000.00"');
export const DocType = z.enum(DOC_TYPES as [string, ...string[]]).describe('Document family');
export const Facts = z
  .record(z.string(), z.string().max(256))
  .describe('Key facts of the document family (all strings); see the chaincode README');
export const Links = z.array(DocId).max(20).describe('docIds of related documents');

/** A registration without its fingerprint (the upload's hash supplies it). */
export const RegistrationMeta = z
  .object({
    type: DocType,
    docId: DocId,
    owner: Uscc.optional().describe("Owner enterprise's USCC; default the caller's own entity"),
    links: Links.optional(),
    facts: Facts,
  })
  .strict();

export const Registration = RegistrationMeta.extend({ sha256: Sha256 }).strict();

export const RecordPath = z.object({ type: DocType, docId: DocId }).strict();
export const DocIdPath = z.object({ docId: DocId }).strict();
export const HashPath = z.object({ sha256: Sha256 }).strict();

export const ListQuery = z
  .object({
    owner: Uscc.optional().describe("Owner enterprise; default the caller's own entity"),
    type: DocType.optional(),
    status: z
      .string()
      .regex(/^[A-Z_]{1,32}$/)
      .optional()
      .describe('Only records in this status (EXPIRED works)'),
    pageSize: z.coerce.number().int().min(1).max(100).default(50).describe('Records per page'),
    bookmark: z
      .string()
      .max(2048)
      .default('')
      .describe('Bookmark from the previous page; empty for the first'),
  })
  .strict();

export const DOCUMENT_ACTIONS = [
  'accept',
  'reject',
  'release',
  'assessDuty',
  'payDuty',
  'terminate',
  'supersede',
  'cancel',
] as const;

export const Transition = z
  .object({
    action: z.enum(DOCUMENT_ACTIONS).describe('The status change'),
    args: z
      .object({ amount: Amount.optional(), byDocId: DocId.optional() })
      .strict()
      .default({})
      .describe('assessDuty: {amount}; supersede: {byDocId}; otherwise empty'),
  })
  .strict();

export const Financing = z
  .object({
    financingId: DocId.describe('Id of this financing, unique per invoice'),
    amount: Amount,
  })
  .strict();
export const FinancingPath = z.object({ docId: DocId, financingId: DocId }).strict();

export const GuaranteeApplication = z
  .object({
    docId: DocId,
    sha256: Sha256.describe("SHA-256 of the guarantee letter's file"),
    bankMsp: z
      .string()
      .regex(/^[A-Z][A-Za-z0-9]{0,30}MSP$/, 'an MSP ID such as BankAMSP')
      .describe('MSP ID of the bank asked to issue the guarantee (a bank of the network)'),
    customsOffice: z
      .string()
      .regex(/^[0-9]{4}$/, '4 digits')
      .describe('Beneficiary customs office'),
    amount: Amount.describe('Amount in CNY'),
    validFrom: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'ISO 8601 UTC'),
    validTo: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'ISO 8601 UTC'),
    links: Links.optional(),
  })
  .strict();

export const GUARANTEE_ACTIONS = ['issue', 'reject', 'accept', 'release', 'claim'] as const;
export const GuaranteeTransition = z
  .object({ action: z.enum(GUARANTEE_ACTIONS).describe('The status change') })
  .strict();

export const Draw = z
  .object({
    drawId: DocId.describe('Id of this draw, unique per guarantee'),
    declarationDocId: DocId.describe('Declaration whose assessed duty is drawn'),
    amount: Amount.describe("The declaration's duty amount"),
  })
  .strict();
export const DrawPath = z.object({ docId: DocId, drawId: DocId }).strict();

export const EventsQuery = z
  .object({
    fromBlock: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Replay from this block (default: new events only; Last-Event-ID resumes)'),
  })
  .strict();

export const Empty = z.object({}).strict();

/* Responses (documentation; the chaincode owns the exact record shapes). */
export const RecordView = z
  .object({
    access: z.enum(['public', 'full']),
    type: DocType,
    docId: DocId,
    sha256: Sha256,
    status: z.string(),
    issuerMsp: z.string(),
    createdAt: z.string(),
    txId: z.string(),
    owner: Uscc.optional(),
    signer: z
      .object({ address: z.string(), bankMsp: z.string() })
      .optional()
      .describe(
        'The enterprise key that signed the registration and the bank that confirmed its binding',
      ),
    issuerId: z.string().optional(),
    links: z.array(z.string()).optional(),
    facts: z.record(z.string(), z.string()).optional(),
    state: z.record(z.string(), z.unknown()).optional(),
    updatedAt: z.string().optional(),
    history: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .describe('A record: the public view, or the full view for entitled callers');

export const Committed = z.object({
  record: RecordView,
  transactionId: z.string().describe('The transaction that made the change'),
});

export const PreparedWrite = z.object({
  fn: z.string().describe('The chaincode function, e.g. document:register'),
  owner: z.string().describe("The enterprise (USCC) the signature is made for: the caller's"),
  args: z
    .array(z.string())
    .describe('The argument strings the service will send, exactly (before the authorisation)'),
  domain: z
    .object({ name: z.string(), version: z.string(), chainId: z.number().int() })
    .nullable()
    .describe("The network's EIP-712 domain; null when the ledger has no signing settings"),
});

export const CommittedPair = z.object({
  result: z
    .record(z.string(), z.unknown())
    .describe('e.g. {financing, invoice} or {draw, guarantee}'),
  transactionId: z.string(),
});

export const Page = z.object({
  records: z.array(RecordView),
  bookmark: z.string().describe('Pass as ?bookmark= for the next page; empty at the end'),
});

export const History = z.object({
  history: z.array(
    z.object({
      by: z.object({ id: z.string(), msp: z.string(), role: z.string() }),
      state: z.record(z.string(), z.unknown()),
      status: z.string(),
      timestamp: z.string(),
      txId: z.string(),
    }),
  ),
});

const Check = z.object({
  result: z.enum(['VALID', 'INVALID', 'ERROR', 'SKIPPED']),
  reason: z.string(),
});

export const Verification = z.object({
  sha256: z.string(),
  verdict: z.enum(['VALID', 'INVALID', 'ERROR', 'SKIPPED']),
  integrity: Check,
  status: Check,
  issuer: Check.extend({
    msp: z.string().optional(),
    owner: z.string().optional().describe('USCC of the enterprise the record concerns'),
    id: z.string().optional(),
    transactionId: z.string().optional(),
    blockNumber: z.string().optional(),
    signer: z
      .string()
      .optional()
      .describe('Address of the enterprise key that signed the registration'),
    confirmedBy: z.string().optional().describe("The bank that confirmed the key's binding"),
  }),
  provenance: Check.extend({
    transactions: z
      .array(
        z.object({
          transactionId: z.string(),
          result: z.enum(['VALID', 'INVALID', 'ERROR']),
          reason: z.string(),
          fn: z.string().optional(),
          creator: z.string().optional(),
          endorsers: z.array(z.string()),
          keys: z.array(z.string()),
        }),
      )
      .optional(),
  }).describe(
    'Every version of the record checked against the signed transactions on the ledger: creator entitled, endorsements satisfying the rule, writes equal to what the chaincode writes for the signed request',
  ),
  record: RecordView.optional(),
  history: History.shape.history.optional(),
  access: z.enum(['public', 'full']).describe('public without a token (verifier identity)'),
});

export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('Stable code: a chaincode code or a service code'),
    message: z.string(),
  }),
});
