import { z } from 'zod';
import { ENTERPRISE_AUTH_HEADER, Operation } from './api';
import { ErrorBody } from './schemas';

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Invalid input (INVALID_ARGUMENT)',
  401: 'Missing, unknown or revoked API token (UNAUTHENTICATED)',
  403: 'The identity may not do this (FORBIDDEN)',
  404: 'No such record (NOT_FOUND)',
  409: 'Conflict: ALREADY_EXISTS, DUPLICATE_HASH, ALREADY_FINANCED, or a lost race (MVCC_READ_CONFLICT)',
  413: 'Body or upload too large (PAYLOAD_TOO_LARGE)',
  422: 'Not allowed in the current state: INVALID_TRANSITION, INSUFFICIENT_BALANCE, EXPIRED, IDEMPOTENCY_KEY_REUSED',
  429: 'Rate limit of the token exceeded (RATE_LIMITED); see Retry-After',
  503: 'Ledger unreachable or outcome not yet known (PEER_UNREACHABLE, COMMIT_UNKNOWN); see Retry-After',
};

/** JSON Schema (OpenAPI 3.0 dialect) of a zod schema, as the request arrives (inputs) or leaves. */
function schemaOf(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(s, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

function parameters(op: Operation): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', op.params],
    ['query', op.query],
  ] as const) {
    if (!schema) continue;
    const js = schemaOf(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = prop as { description?: string };
      out.push({
        name,
        in: where,
        required: where === 'path' || (js.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  if (op.idempotent)
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'A retry with the same key returns the first result and never makes a second transaction, also across a service restart.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    });
  if (op.enterpriseAuth)
    out.push({
      name: ENTERPRISE_AUTH_HEADER,
      in: 'header',
      required: false,
      description:
        "The enterprise's own EIP-712 authorisation of this write: the JSON the SDK's signWrite returns over the fn, owner and args the matching /prepare operation answers with. Passed to the chaincode unchanged instead of a signature by the service; without it the service signs only when it holds the enterprise's key. A bad, expired, unbound or replayed one is refused (403 BAD_SIGNATURE or KEY_NOT_BOUND, 422 EXPIRED, 409 REPLAYED).",
      schema: { type: 'string', maxLength: 1024 },
    });
  if (op.operationId === 'streamEvents')
    out.push({
      name: 'Last-Event-ID',
      in: 'header',
      required: false,
      description: 'Resume after this event id (<block>:<txId>:<index>)',
      schema: { type: 'string' },
    });
  return out;
}

function requestBody(op: Operation): JsonSchema | undefined {
  if (op.body)
    return {
      required: true,
      content: { 'application/json': { schema: schemaOf(op.body, 'input') } },
    };
  if (op.multipart) {
    const properties: Record<string, JsonSchema> = {
      [op.multipart.file.name]: {
        type: 'string',
        format: 'binary',
        description: op.multipart.file.description,
      },
    };
    const required = [op.multipart.file.name];
    for (const [name, f] of Object.entries(op.multipart.fields)) {
      properties[name] = { type: 'string', description: f.description };
      if (f.required) required.push(name);
    }
    return {
      required: true,
      content: { 'multipart/form-data': { schema: { type: 'object', properties, required } } },
    };
  }
  return undefined;
}

/** The OpenAPI 3 document of every operation, generated from the routers' schemas. */
export function openApiDocument(
  operations: readonly Operation[],
  info: { org: string; mspId: string },
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    const responses: Record<string, JsonSchema> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.schema
          ? {
              content: {
                [r.contentType ?? 'application/json']: { schema: schemaOf(r.schema, 'output') },
              },
            }
          : {}),
      };
    }
    for (const status of op.errors)
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    const body = requestBody(op);
    (paths[op.fullPath] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      security: op.auth === 'required' ? [{ bearer: [] }] : [{}, { bearer: [] }],
      parameters: parameters(op),
      ...(body ? { requestBody: body } : {}),
      responses,
    };
  }
  const plain = (summary: string, description: string, contentType = 'application/json') => ({
    get: {
      operationId: summary.replace(/\W/g, ''),
      summary,
      tags: ['operations'],
      security: [{}],
      responses: {
        200: {
          description,
          content: {
            [contentType]: {
              schema: { type: contentType === 'application/json' ? 'object' : 'string' },
            },
          },
        },
        ...(summary === 'readyz'
          ? {
              503: {
                description: 'The ledger is not reachable',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
              },
            }
          : {}),
      },
    },
  });
  paths['/healthz'] = plain('healthz', 'The process is up');
  paths['/readyz'] = plain('readyz', "The ledger answers the organisation's verifier");
  paths['/metrics'] = plain('metrics', 'Prometheus metrics', 'text/plain');
  paths['/api/v1/openapi.json'] = plain('openapi', 'This document');
  paths['/api/v1/docs'] = plain('docs', 'This document rendered as HTML', 'text/html');
  return {
    openapi: '3.0.3',
    info: {
      title: `swledger REST service (${info.org}, ${info.mspId})`,
      version: '1.0.0',
      description:
        'Trade documents on the swledger ledger: register fingerprints, change statuses, verify files, finance invoices, run tariff guarantees, follow events. Authenticate with `Authorization: Bearer <token>`; each token acts as one ledger identity. Errors are `{ "error": { "code", "message" } }`.',
    },
    servers: [{ url: '/' }],
    tags: [
      'documents',
      'verification',
      'invoices',
      'guarantees',
      'events',
      'identity',
      'operations',
    ].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token created with `swl user token create`',
        },
      },
      schemas: { Error: schemaOf(ErrorBody, 'output') },
    },
  };
}
