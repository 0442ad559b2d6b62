import { z } from 'zod';

/** One documented operation. `path` uses Express syntax (/tickets/:id). */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  auth: 'none' | 'user' | 'device';
  roles?: string; // who may call it, in words
  body?: z.ZodType;
  query?: z.ZodType;
  ok?: number; // success status, default 200
}

const ErrorSchema = {
  type: 'object',
  required: ['message', 'correlationId'],
  properties: {
    message: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
    correlationId: { type: 'string' },
  },
};

const jsonSchema = (s: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** Query parameters as OpenAPI parameters, from an object schema. */
function parameters(op: Operation): unknown[] {
  const params: unknown[] = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }));
  if (op.query) {
    const schema = jsonSchema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(schema.properties ?? {})) params.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s });
  }
  return params;
}

/** Builds an OpenAPI 3.1 document from the operation table (JSON Schema 2020-12 from zod). */
export function buildOpenApi(operations: Operation[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    const errors = Object.fromEntries(
      [['400', 'invalid request'], ...(op.auth === 'none' ? [] : [['401', 'not authenticated'], ['403', 'outside role or scope']]), ['404', 'not found'], ['409', 'conflict'], ['413', 'body too large'], ['422', 'refused by a rule']].map(([code, description]) => [
        code,
        { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      ]),
    );
    (paths[path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.roles ? { description: `Who: ${op.roles}` } : {}),
      security: op.auth === 'user' ? [{ bearer: [] }] : op.auth === 'device' ? [{ device: [] }] : [],
      parameters: parameters(op),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
      responses: { [String(op.ok ?? 200)]: { description: 'success', content: { 'application/json': {} } }, ...errors },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Haulproof API', version, description: 'Registry, signed ticket ledger and live events for municipal waste custody. Weights are integer kg.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: ErrorSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /api/v1/auth/login returns the token' },
        device: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Haulproof-Device device="CODE", ts="ISO time", sig="base64 ed25519 over METHOD\\nPATH\\nTS\\nsha256(body)"' },
      },
    },
  };
}
