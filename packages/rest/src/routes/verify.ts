import { Request } from 'express';
import { SwlClient, Verification as SdkVerification } from '@swledger/sdk';
import { ApiRouter } from '../api';
import { ServiceContext } from '../context';
import { HttpError } from '../errors';
import { HashPath, Verification } from '../schemas';
import { hashUpload } from '../upload';

/**
 * Verifies a fingerprint as the caller (full view when entitled) or, without
 * a token, as the organisation's read-only verifier (public view only).
 */
async function verify(ctx: ServiceContext, req: Request, sha256: string): Promise<object> {
  const client: SwlClient = await ctx.ledger.client(req.caller?.label ?? ctx.ledger.verifierLabel);
  const v: SdkVerification = await client.verifier.verify({ sha256 });
  if (v.integrity.result === 'ERROR')
    throw new HttpError(503, 'PEER_UNREACHABLE', 'the ledger is not reachable; retry later', {
      'Retry-After': '5',
    });
  const issuer =
    v.issuer.result === 'ERROR'
      ? { ...v.issuer, reason: 'the registering transaction could not be read from the ledger' }
      : v.issuer;
  return { ...v, issuer, access: v.record?.access ?? 'public' };
}

/** /api/v1/verify: the four checks of SPEC §4, by SHA-256 or by upload; no token needed. */
export function verifyRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/verify', 'verification');
  r.add(
    {
      method: 'get',
      path: '/{sha256}',
      operationId: 'verifyHash',
      summary: 'Verify a document by its SHA-256',
      description:
        "Integrity, status, issuer and provenance checks. Without a token: the public view (served with the organisation's read-only verifier identity); with a token: what that identity may see (facts and history for entitled callers).",
      auth: 'optional',
      params: HashPath,
      responses: { 200: { description: 'The verification', schema: Verification } },
      errors: [400, 401, 429, 503],
    },
    async ({ params }, req, res) => {
      res.json(await verify(ctx, req, params.sha256));
    },
  );
  r.add(
    {
      method: 'post',
      path: '/',
      operationId: 'verifyUpload',
      summary: 'Verify a document by uploading it (hashed while streaming, never stored)',
      description:
        'Without a token a file may be at most 25 MiB (SWL_REST_MAX_ANONYMOUS_UPLOAD), with one 1 GiB (SWL_REST_MAX_UPLOAD); larger is 413 PAYLOAD_TOO_LARGE. Hash a larger file locally and verify its SHA-256 instead.',
      auth: 'optional',
      multipart: { fields: {}, file: { name: 'file', description: 'The document to check' } },
      responses: { 200: { description: 'The verification', schema: Verification } },
      errors: [400, 401, 413, 429, 503],
    },
    async (_input, req, res) => {
      const upload = await hashUpload(req, {
        // Anyone may verify without a token: a smaller limit for anonymous uploads.
        maxFileBytes: req.caller ? ctx.config.maxUploadBytes : ctx.config.maxAnonymousUploadBytes,
        fileField: 'file',
      });
      res.json(await verify(ctx, req, upload.sha256));
    },
  );
  return r;
}
