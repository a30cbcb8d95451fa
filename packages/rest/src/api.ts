import { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { HttpError } from './errors';

/** How an operation authenticates. */
export type AuthMode = 'required' | 'optional';

/** One documented response. */
export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Default application/json. */
  readonly contentType?: string;
}

/** A multipart/form-data request: text fields and one file part, streamed. */
export interface MultipartSpec {
  readonly fields: Readonly<
    Record<string, { readonly description: string; readonly required: boolean }>
  >;
  readonly file: { readonly name: string; readonly description: string };
}

/** An operation: its route, its schemas (validation and OpenAPI come from them), its handler. */
export interface OperationSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  readonly method: 'get' | 'post';
  /** OpenAPI-style path below the router's mount point, e.g. `/{type}/{docId}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly auth: AuthMode;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly multipart?: MultipartSpec;
  /** Accepts an Idempotency-Key header. */
  readonly idempotent?: boolean;
  /** An enterprise-signed write: accepts the caller's own signature in {@link ENTERPRISE_AUTH_HEADER}. */
  readonly enterpriseAuth?: boolean;
  /** Success responses; the error responses are added from `errors`. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Error statuses this operation can answer with. */
  readonly errors: readonly number[];
}

/** A request's validated inputs. */
export interface Input<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
}

/** A registered operation, for the OpenAPI document. */
export interface Operation extends OperationSpec {
  /** Full path, e.g. `/api/v1/documents/{type}/{docId}`. */
  readonly fullPath: string;
  readonly tag: string;
}

export function parse<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.infer<T> | undefined {
  if (!schema) return undefined;
  const res = schema.safeParse(value);
  if (!res.success) {
    const issue = res.error.issues[0];
    const at = issue?.path.length ? `${where}.${issue.path.join('.')}` : where;
    throw new HttpError(400, 'INVALID_ARGUMENT', `${at}: ${issue?.message ?? 'invalid'}`);
  }
  return res.data;
}

/** An Express router for one resource that records its operations for the OpenAPI document. */
export class ApiRouter {
  readonly router = Router();
  readonly operations: Operation[] = [];

  constructor(
    /** Mount point below /api/v1, e.g. `/documents`. */
    readonly mount: string,
    readonly tag: string,
  ) {}

  /** Adds an operation; the handler gets validated inputs and passes errors on. */
  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
    spec: OperationSpec<P, Q, B>,
    handler: (
      input: Input<z.infer<P>, z.infer<Q>, z.infer<B>>,
      req: Request,
      res: Response,
    ) => Promise<void>,
  ): void {
    this.operations.push({
      ...(spec as unknown as OperationSpec),
      fullPath: `/api/v1${this.mount}${spec.path === '/' ? '' : spec.path}`,
      tag: this.tag,
    });
    const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    this.router[spec.method](expressPath, (req: Request, res: Response, next: NextFunction) => {
      let input: Input<z.infer<P>, z.infer<Q>, z.infer<B>>;
      try {
        if (spec.auth === 'required' && !req.caller)
          throw new HttpError(
            401,
            'UNAUTHENTICATED',
            'this request needs an API token (Authorization: Bearer …)',
          );
        if (spec.body && !req.is('application/json'))
          throw new HttpError(400, 'INVALID_ARGUMENT', 'the body must be application/json');
        input = {
          params: parse(spec.params, req.params, 'path') as z.infer<P>,
          query: parse(spec.query, req.query, 'query') as z.infer<Q>,
          body: parse(spec.body, req.body, 'body') as z.infer<B>,
        };
        const key = req.get('idempotency-key');
        if (key !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(key))
          throw new HttpError(
            400,
            'INVALID_ARGUMENT',
            'header Idempotency-Key: 1-128 of letters, digits and . _ : -',
          );
        const auth = req.get(ENTERPRISE_AUTH_HEADER);
        if (spec.enterpriseAuth && auth !== undefined && auth.length > MAX_ENTERPRISE_AUTH)
          throw new HttpError(
            400,
            'INVALID_ARGUMENT',
            `header ${ENTERPRISE_AUTH_HEADER}: at most ${String(MAX_ENTERPRISE_AUTH)} characters`,
          );
      } catch (err) {
        next(err);
        return;
      }
      handler(input, req, res).catch(next);
    });
  }
}

/**
 * The header carrying an enterprise's own authorisation of a signed write:
 * the JSON the SDK's `signWrite` returns, passed to the chaincode unchanged
 * (the service then does not sign, even when it holds the enterprise's key).
 */
export const ENTERPRISE_AUTH_HEADER = 'X-Swl-Enterprise-Auth';

/** Longest accepted authorisation (a well-formed one is about 300 characters). */
const MAX_ENTERPRISE_AUTH = 1024;

/** The caller's own authorisation of a signed write, if it sent one (length checked by the router). */
export function enterpriseAuth(req: Request): string | undefined {
  return req.get(ENTERPRISE_AUTH_HEADER);
}

/** The Idempotency-Key header of a request, if any (validated by the router). */
export function idempotencyKey(req: Request): string | undefined {
  return req.get('idempotency-key');
}
