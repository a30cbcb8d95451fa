import { z } from 'zod';
import {
  DocType as SdkDocType,
  DocumentInput,
  SwlClient,
  domainOf,
  registrationArgs,
  transitionArgs,
} from '@swledger/sdk';
import { ApiRouter, enterpriseAuth, idempotencyKey, parse } from '../api';
import { Caller, callerOf, requireOwnEntity } from '../auth';
import { ServiceContext, sendWrite } from '../context';
import { HttpError } from '../errors';
import { hashUpload } from '../upload';
import { KeyedWrite } from '../writes';
import {
  Committed,
  History,
  ListQuery,
  Page,
  PreparedWrite,
  RecordPath,
  RecordView,
  Registration,
  RegistrationMeta,
  Transition,
} from '../schemas';

type Meta = z.infer<typeof RegistrationMeta>;

/** The owner a registration is for: the given one, or the enterprise caller's own. */
function ownerFor(caller: Caller, owner: string | undefined): string {
  const o = owner ?? caller.entity;
  if (!o)
    throw new HttpError(400, 'INVALID_ARGUMENT', 'body.owner: required for non-enterprise callers');
  requireOwnEntity(caller, o);
  return o;
}

/** The SDK's submit options plus the caller's own authorisation, when it sent one. */
function withAuth<T extends object>(options: T, auth: string | undefined): T {
  return auth === undefined ? options : { ...options, enterpriseAuth: auth };
}

/**
 * What an enterprise caller signs for a write (`fn`, its USCC, the exact
 * argument strings) and the network's EIP-712 domain.
 */
async function prepared(
  client: SwlClient,
  owner: string,
  fn: string,
  args: string[],
): Promise<z.infer<typeof PreparedWrite>> {
  const settings = await client.connection.signingSettings();
  return {
    fn,
    owner,
    args,
    domain: settings === undefined ? null : { ...domainOf(settings, client.connection.channel) },
  };
}

/** The USCC an enterprise caller signs for. @throws HttpError 403 FORBIDDEN for any other caller */
function signingEntity(caller: Caller): string {
  if (!caller.entity)
    throw new HttpError(403, 'FORBIDDEN', 'only enterprise users sign their writes');
  return caller.entity;
}

/** A keyed registration write; `auth` is the caller's own signature, if it sent one. */
export function registerWrite(
  ctx: ServiceContext,
  input: DocumentInput,
  sha256: string,
  auth?: string,
): KeyedWrite {
  return {
    request: { op: 'document.register', input, sha256 },
    run: async (client, options) => {
      const c = await ctx.ledger.submit('document.register', () =>
        client.documents.register(input, { sha256 }, withAuth(options, auth)),
      );
      return { status: 201, body: { record: c.value, transactionId: c.transactionId } };
    },
    recover: async (client, transactionId) => ({
      status: 201,
      body: { record: await client.documents.get(input.type, input.docId), transactionId },
    }),
  };
}

function inputOf(caller: Caller, meta: Meta): DocumentInput {
  return {
    type: meta.type as SdkDocType,
    docId: meta.docId,
    owner: ownerFor(caller, meta.owner),
    links: meta.links ?? [],
    facts: meta.facts,
  };
}

const WRITE_ERRORS = [400, 401, 403, 404, 409, 413, 422, 429, 503];
const READ_ERRORS = [400, 401, 403, 404, 429, 503];

/** /api/v1/documents: register (JSON or upload), status changes, reads, listing. */
export function documentsRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/documents', 'documents');
  const client = (caller: Caller): Promise<SwlClient> => ctx.ledger.client(caller.label);

  r.add(
    {
      method: 'post',
      path: '/',
      operationId: 'registerDocument',
      summary: 'Register a document by its SHA-256',
      description:
        'Enterprise users register their own documents. The file stays with you: send its SHA-256. Accepts Idempotency-Key.',
      auth: 'required',
      body: Registration,
      idempotent: true,
      enterpriseAuth: true,
      responses: { 201: { description: 'Registered', schema: Committed } },
      errors: WRITE_ERRORS,
    },
    async ({ body }, req, res) => {
      const caller = callerOf(req);
      const { sha256, ...meta } = body;
      const write = registerWrite(ctx, inputOf(caller, meta), sha256, enterpriseAuth(req));
      sendWrite(res, await ctx.writes.execute(caller, idempotencyKey(req), write));
    },
  );

  r.add(
    {
      method: 'post',
      path: '/prepare',
      operationId: 'prepareDocumentRegistration',
      summary: 'What an enterprise signs to register a document itself',
      description:
        "The same body as registerDocument; nothing is written. Sign the answer with the SDK (signWrite(key, domain, fn, args, owner)) and send the registration with the result in X-Swl-Enterprise-Auth: the service passes it on unchanged, so the key stays with the enterprise. For an upload, prepare with the file's SHA-256.",
      auth: 'required',
      body: Registration,
      responses: { 200: { description: 'The write to sign', schema: PreparedWrite } },
      errors: READ_ERRORS,
    },
    async ({ body }, req, res) => {
      const caller = callerOf(req);
      const owner = signingEntity(caller);
      const { sha256, ...meta } = body;
      const args = registrationArgs(inputOf(caller, meta), sha256);
      res.json(await prepared(await client(caller), owner, 'document:register', args));
    },
  );

  r.add(
    {
      method: 'post',
      path: '/upload',
      operationId: 'registerDocumentUpload',
      summary: 'Register a document by uploading the file (hashed while streaming, never stored)',
      description:
        'multipart/form-data with a `metadata` field (the registration as JSON, without sha256) and a `file` part. Accepts Idempotency-Key.',
      auth: 'required',
      multipart: {
        fields: {
          metadata: { description: 'JSON: {type, docId, owner?, links?, facts}', required: true },
        },
        file: { name: 'file', description: 'The document; only its SHA-256 is kept' },
      },
      idempotent: true,
      enterpriseAuth: true,
      responses: { 201: { description: 'Registered', schema: Committed } },
      errors: WRITE_ERRORS,
    },
    async (_input, req, res) => {
      const caller = callerOf(req);
      const upload = await hashUpload(req, {
        maxFileBytes: ctx.config.maxUploadBytes,
        fileField: 'file',
      });
      let raw: unknown;
      try {
        raw = JSON.parse(upload.fields.metadata ?? '');
      } catch {
        throw new HttpError(400, 'INVALID_ARGUMENT', 'metadata: a JSON object is required');
      }
      const meta = parse(RegistrationMeta, raw, 'metadata')!;
      const write = registerWrite(ctx, inputOf(caller, meta), upload.sha256, enterpriseAuth(req));
      sendWrite(res, await ctx.writes.execute(caller, idempotencyKey(req), write));
    },
  );

  r.add(
    {
      method: 'get',
      path: '/',
      operationId: 'listDocuments',
      summary: "List an enterprise's records, a page at a time",
      description:
        'Enterprise users list their own records; customs and bank staff any owner. Continue with the returned bookmark while it is not empty (a status filter can leave a page short).',
      auth: 'required',
      query: ListQuery,
      responses: { 200: { description: 'One page', schema: Page } },
      errors: READ_ERRORS,
    },
    async ({ query }, req, res) => {
      const caller = callerOf(req);
      const owner = query.owner ?? caller.entity;
      if (!owner)
        throw new HttpError(
          400,
          'INVALID_ARGUMENT',
          'query.owner: required for non-enterprise callers',
        );
      requireOwnEntity(caller, owner);
      const page = await (
        await client(caller)
      ).documents.list(owner, {
        type: query.type as SdkDocType | undefined,
        status: query.status,
        pageSize: query.pageSize,
        bookmark: query.bookmark,
      });
      res.json({ records: page.records, bookmark: page.bookmark });
    },
  );

  r.add(
    {
      method: 'get',
      path: '/{type}/{docId}',
      operationId: 'getDocument',
      summary: 'A record (full view when entitled, public view otherwise)',
      auth: 'required',
      params: RecordPath,
      responses: { 200: { description: 'The record', schema: RecordView } },
      errors: READ_ERRORS,
    },
    async ({ params }, req, res) => {
      const c = await client(callerOf(req));
      res.json(await c.documents.get(params.type as SdkDocType, params.docId));
    },
  );

  r.add(
    {
      method: 'get',
      path: '/{type}/{docId}/history',
      operationId: 'getDocumentHistory',
      summary: "Every change of a record's status, newest first",
      auth: 'required',
      params: RecordPath,
      responses: { 200: { description: 'The history', schema: History } },
      errors: READ_ERRORS,
    },
    async ({ params }, req, res) => {
      const c = await client(callerOf(req));
      res.json({ history: await c.documents.history(params.type as SdkDocType, params.docId) });
    },
  );

  r.add(
    {
      method: 'post',
      path: '/{type}/{docId}/transitions',
      operationId: 'changeDocumentStatus',
      summary: 'Change the status of a declaration, contract or invoice',
      description:
        'Actions: accept, reject, release, assessDuty {amount}, payDuty (customs officers, declarations); terminate, supersede {byDocId} (owner, contracts); cancel (owner, invoices). Accepts Idempotency-Key.',
      auth: 'required',
      params: RecordPath,
      body: Transition,
      idempotent: true,
      enterpriseAuth: true,
      responses: { 200: { description: 'The record after the change', schema: Committed } },
      errors: WRITE_ERRORS,
    },
    async ({ params, body }, req, res) => {
      const caller = callerOf(req);
      const type = params.type as SdkDocType;
      const args = transitionArgsOf(body.args);
      const auth = enterpriseAuth(req);
      const write: KeyedWrite = {
        request: {
          op: 'document.transition',
          type,
          docId: params.docId,
          action: body.action,
          args,
        },
        run: async (c, options) => {
          const out = await ctx.ledger.submit(`document.transition.${body.action}`, () =>
            c.documents.transition(type, params.docId, body.action, args, withAuth(options, auth)),
          );
          return { status: 200, body: { record: out.value, transactionId: out.transactionId } };
        },
        recover: async (c, transactionId) => ({
          status: 200,
          body: { record: await c.documents.get(type, params.docId), transactionId },
        }),
      };
      sendWrite(res, await ctx.writes.execute(caller, idempotencyKey(req), write));
    },
  );

  r.add(
    {
      method: 'post',
      path: '/{type}/{docId}/transitions/prepare',
      operationId: 'prepareDocumentStatusChange',
      summary: 'What an enterprise signs to change a status itself',
      description:
        'The same body as changeDocumentStatus; nothing is written. Sign the answer with the SDK and send the change with the result in X-Swl-Enterprise-Auth.',
      auth: 'required',
      params: RecordPath,
      body: Transition,
      responses: { 200: { description: 'The write to sign', schema: PreparedWrite } },
      errors: READ_ERRORS,
    },
    async ({ params, body }, req, res) => {
      const caller = callerOf(req);
      const owner = signingEntity(caller);
      const args = transitionArgs(
        params.type as SdkDocType,
        params.docId,
        body.action,
        transitionArgsOf(body.args),
      );
      res.json(await prepared(await client(caller), owner, 'document:transition', args));
    },
  );
  return r;
}

/** A transition's arguments without the absent ones (as the SDK sends them). */
function transitionArgsOf(
  args: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined) out[k] = v;
  return out;
}
