import { Injectable, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { type ZodType, z } from 'zod';
import { UserAuthGuard } from '../access-tokens/user-auth.guard.js';
import { AdminGuard } from '../admin/admin.guard.js';
import { UserOrAdminGuard } from '../admin/user-or-admin.guard.js';
import { type ErrorCode, ERROR_CODES } from '../common/errors/error-codes.js';
import { PublicUrl } from '../config/public-url.js';
import { MetricsGuard } from '../metrics/metrics.guard.js';
import { TargetAppGuard } from '../target-apps/target-app.guard.js';
import { API_DOC_METADATA, type ApiDocOptions, NOT_API_METADATA } from './api-doc.decorator.js';

const GUARDS_METADATA = '__guards__';
const BODY = 3;
const QUERY = 4;
const PARAM = 5;
const HEADERS = 6;

/** What each guard demands of the caller, and the errors it answers with. */
const GUARD_SECURITY = new Map<unknown, { security: Array<Record<string, string[]>>; errors: ErrorCode[] }>([
  [UserAuthGuard, { security: [{ userJwt: [] }], errors: ['AUTH_REQUIRED', 'TOKEN_INVALID', 'IDENTITY_CONFLICT', 'ISSUER_UNAVAILABLE'] }],
  [TargetAppGuard, { security: [{ sharedSecret: [] }], errors: ['INVALID_CLIENT'] }],
  [AdminGuard, { security: [{ adminToken: [] }], errors: ['ADMIN_UNAUTHORIZED'] }],
  [UserOrAdminGuard, { security: [{ userJwt: [] }, { adminToken: [] }], errors: ['AUTH_REQUIRED', 'TOKEN_INVALID'] }],
  // Open unless HANDOFF_METRICS_TOKEN is set.
  [MetricsGuard, { security: [{}, { metricsToken: [] }], errors: ['METRICS_UNAUTHORIZED'] }],
]);

type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

/**
 * The OpenAPI 3.1 document of the running service, generated from the code: routes and their
 * guards from Nest's metadata, request bodies, query and path parameters from the zod schemas
 * the routes validate with, error codes from the one error table.
 */
@Injectable()
export class OpenApiService {
  private document: OpenApiDocument | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly publicUrl: PublicUrl,
  ) {}

  build(): OpenApiDocument {
    this.document ??= this.generate();
    return this.document;
  }

  private generate(): OpenApiDocument {
    const paths: OpenApiDocument['paths'] = {};
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!controller || Reflect.getMetadata(NOT_API_METADATA, controller)) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const prototype = controller.prototype as Record<string, unknown>;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[methodName] as object;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const path = toOpenApiPath(prefix, String(Reflect.getMetadata(PATH_METADATA, handler) ?? ''));
        paths[path] ??= {};
        paths[path][RequestMethod[method].toLowerCase()] = this.operation(controller, methodName, handler, method);
      }
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Handoff',
        version: '1',
        license: { name: 'MIT', identifier: 'MIT' },
        description:
          'Cross-application authentication tokens. Every error has one shape (components.schemas.Error); ' +
          'clients branch on its stable `code`.',
      },
      servers: [{ url: this.publicUrl.origin }],
      tags: TAGS.map(({ name, description }) => ({ name, description })),
      paths,
      components: {
        securitySchemes: {
          userJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A Handoff JWT or a configured external issuer's" },
          sharedSecret: { type: 'apiKey', in: 'header', name: 'x-shared-secret', description: "A target app's shared secret" },
          adminToken: { type: 'http', scheme: 'bearer', description: 'HANDOFF_ADMIN_TOKEN' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'HANDOFF_METRICS_TOKEN, when it is set' },
          oauthClient: { type: 'http', scheme: 'basic', description: 'client_id = app name, client_secret = its shared secret (or both in the form)' },
        },
        schemas: { Error: errorSchema() },
      },
    };
  }

  private operation(controller: object, methodName: string, handler: object, method: RequestMethod): Record<string, unknown> {
    const doc = Reflect.getMetadata(API_DOC_METADATA, handler) as ApiDocOptions | undefined;
    const guards = [
      ...((Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[] | undefined) ?? []),
      ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined) ?? []),
    ];
    const guardInfo = guards.map((guard) => GUARD_SECURITY.get(guard)).filter((info) => info !== undefined);
    const args = Object.entries(
      (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodName) as Record<string, { data?: string; schema?: ZodType }> | undefined) ?? {},
    ).map(([key, value]) => ({ type: Number(key.split(':')[0]), ...value }));

    const parameters: unknown[] = [];
    let requestBody: unknown;
    for (const arg of args) {
      if (arg.type === BODY && arg.schema) {
        requestBody = {
          required: true,
          content: { [doc?.form ? 'application/x-www-form-urlencoded' : 'application/json']: { schema: jsonSchema(arg.schema) } },
        };
      } else if (arg.type === QUERY && arg.schema) {
        const schema = jsonSchema(arg.schema) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, property] of Object.entries(schema.properties ?? {})) {
          parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property });
        }
      } else if (arg.type === PARAM && arg.data) {
        parameters.push({ name: arg.data, in: 'path', required: true, schema: arg.schema ? jsonSchema(arg.schema) : { type: 'string' } });
      } else if (arg.type === HEADERS && arg.data) {
        parameters.push({ name: arg.data, in: 'header', required: false, schema: { type: 'string' } });
      }
    }
    const errors = new Set<ErrorCode>([
      ...guardInfo.flatMap((info) => info.errors),
      ...(requestBody || parameters.length > 0 ? (['VALIDATION_ERROR'] as const) : []),
      ...(doc?.errors ?? []),
      'DATABASE_UNAVAILABLE',
      'INTERNAL_ERROR',
    ]);
    return {
      operationId: `${(controller as { name: string }).name.replace(/Controller$/, '')}.${methodName}`,
      summary: doc?.summary ?? methodName,
      ...(doc?.description ? { description: doc.description } : {}),
      tags: [tagOf((controller as { name: string }).name)],
      ...(doc?.security
        ? { security: doc.security }
        : guardInfo.length > 0
          ? { security: guardInfo.flatMap((info) => info.security) }
          : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: {
        // Nest's default: 201 for POST, 200 otherwise, unless @HttpCode says.
        [String(Reflect.getMetadata(HTTP_CODE_METADATA, handler) ?? (method === RequestMethod.POST ? 201 : 200))]: {
          description: 'Success',
          ...(doc?.response ? { content: { 'application/json': { schema: jsonSchema(doc.response, 'output') } } } : {}),
          ...(doc?.produces ? { content: { [doc.produces.type]: { schema: doc.produces.schema } } } : {}),
        },
        ...errorResponses(errors),
      },
    };
  }
}

/** Operations grouped by capability, after the controller that serves them. */
const TAGS = [
  { name: 'cross-app', description: 'The cross-app handoff', controllers: ['CrossAppController'] },
  { name: 'qr-login', description: 'QR-code login and the OAuth 2.0 device grant', controllers: ['QrLoginController', 'DeviceGrantController'] },
  { name: 'access-tokens', description: "The caller's identity and tokens; OAuth introspection and revocation; published keys", controllers: ['TokensController', 'OAuthController', 'WellKnownController'] },
  { name: 'admin', description: "The operators' API (admin token)", controllers: ['AdminController', 'StatisticsController', 'DashboardApiController'] },
  { name: 'operations', description: 'Health and metrics', controllers: ['HealthController', 'MetricsController'] },
] as const;

function tagOf(controllerName: string): string {
  return TAGS.find((tag) => (tag.controllers as readonly string[]).includes(controllerName))?.name ?? 'other';
}

function toOpenApiPath(prefix: string, path: string): string {
  const joined = `/${[prefix, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function jsonSchema(schema: ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** One response per status, naming the codes that can come with it. */
function errorResponses(codes: Set<ErrorCode>): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, list]) => [
        String(status),
        {
          description: list.join(', '),
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, examples: Object.fromEntries(list.map((code) => [code, { value: errorExample(status, code) }])) } },
        },
      ]),
  );
}

/** A whole error body, so that the example matches the Error schema. */
function errorExample(status: number, code: ErrorCode): Record<string, unknown> {
  return {
    statusCode: status,
    code,
    message: `${code.toLowerCase().replace(/_/g, ' ')}`,
    timestamp: '2026-01-01T00:00:00.000Z',
    path: '/api/…',
    requestId: '5f0c6c1e-6f5a-4a8e-9a43-0d3c1f0b9e21',
  };
}

function errorSchema(): Record<string, unknown> {
  return {
    type: 'object',
    description: 'SPEC §8: the one shape of every error response.',
    required: ['statusCode', 'code', 'message', 'timestamp', 'path', 'requestId'],
    properties: {
      statusCode: { type: 'integer' },
      code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'Stable; see x-error-codes for each status.' },
      message: { type: 'string', description: 'For developers; never a token or a secret.' },
      field: { type: 'string', description: 'With VALIDATION_ERROR: the request field at fault.' },
      timestamp: { type: 'string', format: 'date-time' },
      path: { type: 'string' },
      requestId: { type: 'string', description: 'Also in the x-request-id header and the log line.' },
      error: { type: 'string', description: 'OAuth endpoints only: the RFC 6749 error.' },
      error_description: { type: 'string', description: 'OAuth endpoints only.' },
    },
    'x-error-codes': Object.fromEntries(Object.entries(ERROR_CODES).map(([code, spec]) => [code, spec.status])),
  };
}
