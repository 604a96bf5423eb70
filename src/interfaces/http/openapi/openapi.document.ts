import { z, type ZodType } from 'zod';
import type { NestRoute, RouteArg } from './nest-routes.js';

type Schema = Record<string, unknown>;
type Operation = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
  [key: string]: unknown;
};

/** The request's shape (what a client sends: before defaults and transforms), as JSON Schema 2020-12. */
export function jsonSchema(schema: ZodType): Schema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest as Schema;
}

/** /api/v1/projects/:id → /api/v1/projects/{id} */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

const envelope = (data: Schema): Schema => ({
  type: 'object',
  required: ['code', 'message', 'data'],
  properties: {
    code: { type: 'integer', const: 0, description: '0 on success' },
    message: { type: 'string', examples: ['success'] },
    data,
  },
});

const ERROR_ENVELOPE: Schema = {
  type: 'object',
  required: ['code', 'message', 'data'],
  properties: {
    code: { type: 'integer', description: 'the HTTP status', examples: [400] },
    message: { type: 'string', description: 'what went wrong, naming the offending field' },
    data: {
      anyOf: [
        {
          type: 'object',
          properties: {
            error: { type: 'string', description: 'stable error code', examples: ['REQUEST.INVALID'] },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'message'],
                properties: { field: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
          additionalProperties: true,
        },
        { type: 'null' },
      ],
    },
  },
};

const ERRORS: Record<string, string> = {
  '400': 'Invalid request: the message and `data.errors` name every bad field',
  '401': 'Missing, invalid or expired bearer token',
  '403': 'Not allowed',
  '404': 'No such resource (or not yours)',
  '409': 'Conflict with the current state',
  '412': 'If-Match does not match the current version',
  '413': 'Request body larger than 1 MiB',
  '429': 'Rate limit spent: see Retry-After',
  '500': 'Internal error, logged with the correlation id (X-Correlation-Id)',
};
const errorRef = (status: string) => ({ $ref: `#/components/responses/Error${status}` });

const CORRELATION_HEADER = {
  name: 'X-Correlation-Id',
  in: 'header',
  required: false,
  description: 'Carried through every event, job and log line this request causes; echoed in the response',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,100}$' },
};

/** Parameters of one kind: a whole-object schema is spread into one parameter per property. */
function parameters(args: RouteArg[], kind: 'query' | 'param' | 'header', pathNames: string[]) {
  const location = kind === 'param' ? 'path' : kind;
  const result: Schema[] = [];
  for (const arg of args.filter((a) => a.kind === kind)) {
    const schema = arg.schema ? jsonSchema(arg.schema) : { type: 'string' };
    if (arg.name !== undefined) {
      result.push({
        name: arg.name,
        in: location,
        required: location === 'path',
        schema,
      });
      continue;
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      result.push({
        name,
        in: location,
        required: location === 'path' || required.has(name),
        schema: property,
      });
    }
  }
  if (kind === 'param') {
    for (const name of pathNames) {
      if (!result.some((p) => p.name === name)) {
        result.push({ name, in: 'path', required: true, schema: { type: 'string' } });
      }
    }
  }
  return result;
}

function operation(route: NestRoute): Operation {
  const pathNames = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const body = route.args.find((a) => a.kind === 'body');
  const params = [
    ...parameters(route.args, 'param', pathNames),
    ...parameters(route.args, 'query', pathNames),
    ...parameters(route.args, 'header', pathNames),
    CORRELATION_HEADER,
  ];
  const errors = new Set<string>(['500']);
  if (body || params.length > 1) errors.add('400');
  if (body) errors.add('413');
  if (!route.isPublic) errors.add('401');
  if (pathNames.length > 0) errors.add('404');
  if (route.method === 'put' || route.method === 'delete') errors.add('412');
  if (route.rateLimited) errors.add('429');
  return {
    operationId: `${route.controller.replace(/Controller$/, '')}_${route.handler}`,
    tags: [route.controller.replace(/Controller$/, '')],
    summary: `${route.method.toUpperCase()} ${route.path}`,
    security: route.isPublic ? [] : [{ bearerAuth: [] }],
    parameters: params,
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: body.schema ? jsonSchema(body.schema) : {} } },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: {
        description: 'Success: the result is in `data`',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Envelope' } } },
      },
      ...Object.fromEntries([...errors].sort().map((status) => [status, errorRef(status)])),
    },
  };
}

/** Routes served outside Nest (plain handlers and upgrades), described by hand. */
export const HAND_WRITTEN_PATHS: Record<string, Record<string, Operation>> = {
  '/media/{key}': {
    get: {
      operationId: 'Media_get',
      tags: ['Media'],
      summary: 'A stored media file (MP4, SRT, VTT, image, audio) by the signed link the API handed out',
      description:
        'No bearer token: the signature is the authorisation. Supports `Range` (206) and `If-None-Match` (304). HEAD is served too.',
      security: [],
      parameters: [
        { name: 'key', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'expires', in: 'query', required: true, schema: { type: 'integer' } },
        { name: 'signature', in: 'query', required: true, schema: { type: 'string' } },
        { name: 'Range', in: 'header', required: false, schema: { type: 'string', examples: ['bytes=0-'] } },
      ],
      responses: {
        '200': {
          description: 'The whole file',
          content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
        },
        '206': { description: 'The requested byte range' },
        '304': { description: 'Not modified' },
        '400': { description: 'Malformed key' },
        '403': { description: 'Invalid or expired signature' },
        '404': { description: 'No such media' },
        '416': { description: 'Range not satisfiable' },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'Metrics_get',
      tags: ['Operations'],
      summary: 'Prometheus metrics (text format 0.0.4), outside /api/v1 and the envelope',
      description:
        'Open unless METRICS_TOKEN is set; then `Authorization: Bearer <METRICS_TOKEN>` is required (not a user JWT).',
      security: [{}, { metricsToken: [] }],
      responses: {
        '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
        '401': { description: 'METRICS_TOKEN is set and was not sent' },
      },
    },
  },
  '/ws/projects/{id}/progress': {
    get: {
      operationId: 'Progress_websocket',
      tags: ['Realtime'],
      summary: 'WebSocket (upgrade): live progress of a project, each change with its global position',
      description:
        'Connect with `ws://…/ws/projects/{id}/progress` and the bearer token; reconnect with `since=<position>` to catch up without gaps.',
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        { name: 'since', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
      ],
      security: [{ bearerAuth: [] }],
      responses: {
        '101': { description: 'Switching protocols: JSON progress messages follow' },
        '401': errorRef('401'),
        '404': errorRef('404'),
      },
    },
  },
  '/api/docs-json': {
    get: {
      operationId: 'Docs_json',
      tags: ['Operations'],
      summary: 'This OpenAPI document',
      security: [],
      responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } },
    },
  },
  '/api/docs': {
    get: {
      operationId: 'Docs_ui',
      tags: ['Operations'],
      summary: 'Swagger UI for this document',
      security: [],
      responses: { '200': { description: 'HTML', content: { 'text/html': {} } } },
    },
  },
};

/**
 * The OpenAPI 3.1 document of the API, generated from the Nest routes' metadata and the zod schemas
 * their pipes validate with, plus the hand-written routes served outside Nest.
 */
export function buildOpenApiDocument(
  routes: readonly NestRoute[],
  info: { title: string; version: string; description?: string },
  extraPaths: Record<string, Record<string, Operation>> = HAND_WRITTEN_PATHS,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    (paths[path] ??= {})[route.method] = operation(route);
  }
  // Hand-written entries never replace a route Nest serves (e.g. once a plain handler becomes a controller).
  for (const [path, methods] of Object.entries(extraPaths)) {
    for (const [method, op] of Object.entries(methods)) (paths[path] ??= {})[method] ??= op;
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
      },
      schemas: { Envelope: envelope({}), ErrorEnvelope: ERROR_ENVELOPE },
      responses: Object.fromEntries(
        Object.entries(ERRORS).map(([status, description]) => [
          `Error${status}`,
          {
            description,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
          },
        ]),
      ),
    },
  };
}
