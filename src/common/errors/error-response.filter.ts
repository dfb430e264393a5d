import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../../database/database-errors.js';
import { LOGGER } from '../logger.js';
import { AppError } from './app-error.js';
import { type ErrorCode, errorSpec } from './error-codes.js';

/** SPEC §8: the single shape of every error response. */
export interface ErrorResponseBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  field?: string;
  timestamp: string;
  path: string;
  requestId: string;
  /** OAuth endpoints only (RFC 6749 §5.2), for standard client libraries. */
  error?: string;
  error_description?: string;
}

const OAUTH_PATH = /^(?:\/[^/]+)*\/oauth\//;

/** The standalone server's route table, for 405 answers (a host's routes are its own). */
export const ALLOWED_METHODS = Symbol('HANDOFF_ALLOWED_METHODS');
/** Retry-After of a 503: about the time a database restart or failover takes. */
const RETRY_AFTER_SECONDS = 5;

/** Errors raised by Nest or Fastify before Handoff's code runs, by HTTP status. */
const FRAMEWORK_ERRORS: Record<number, { code: ErrorCode; message: string }> = {
  400: { code: 'VALIDATION_ERROR', message: 'Malformed request body' },
  404: { code: 'NOT_FOUND', message: 'No such route' },
  405: { code: 'METHOD_NOT_ALLOWED', message: 'Method not allowed' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content type' },
};

/**
 * Renders every error in the SPEC §8 shape. Anything that is not an AppError or a known
 * framework error becomes a generic 500 (or a 503 when the database cannot be reached): the
 * details go to the log, never to the client. Framework messages are replaced by fixed wording,
 * since they can echo request content.
 */
@Catch()
@Injectable()
export class ErrorResponseFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    /** Methods that another route at the same path answers: a wrong method is a 405, not a 404. */
    @Optional() @Inject(ALLOWED_METHODS) private readonly allowedMethods: (path: string) => readonly string[] = () => [],
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.send(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }

  /** Renders `exception` on `reply`: also used for errors Fastify raises before any route runs. */
  send(request: FastifyRequest, reply: FastifyReply, exception: unknown): void {
    const error = toAppError(exception, request, this.allowedMethods);
    const spec = errorSpec(error.code);
    const requestPath = request.url.split('?')[0] ?? '/';
    const body: ErrorResponseBody = {
      statusCode: spec.status,
      code: error.code,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      timestamp: new Date().toISOString(),
      path: shownPath(request),
      requestId: String(request.id),
    };
    // Under a host's route prefix too (`/auth/oauth/token`).
    if (OAUTH_PATH.test(requestPath)) {
      body.error = spec.oauthError ?? 'invalid_request';
      body.error_description = error.message;
    }
    this.logger[spec.level](
      { requestId: body.requestId, code: body.code, path: requestPath, ...(error.field ? { field: error.field } : {}), err: error.cause },
      error.message,
    );
    // A database outage is temporary: clients and proxies are told when to try again (issue 12).
    if (spec.status === 503 && !error.headers['retry-after']) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    // An error is about one request: never kept by a cache.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    void reply.headers(error.headers).status(spec.status).send(body);
  }
}

/**
 * The route that answered, as declared (`/api/tokens/:id/revoke`), never the URL as sent: the
 * URL is the client's input (an attacker's markup, a token in a path) and is not echoed back.
 */
function shownPath(request: FastifyRequest): string {
  return request.routeOptions?.url ?? '*';
}

function toAppError(exception: unknown, request: FastifyRequest, allowedMethods: (path: string) => readonly string[]): AppError {
  if (exception instanceof AppError) return exception;
  const status = statusOf(exception);
  if (status === 404 && request.routeOptions?.url === undefined) {
    const allowed = allowedMethods(request.url.split('?')[0] ?? '/');
    if (allowed.length > 0) {
      return new AppError('METHOD_NOT_ALLOWED', `Method not allowed: use ${allowed.join(', ')}`, { headers: { allow: allowed.join(', ') } });
    }
  }
  const fastifyCode = (exception as { code?: unknown } | null)?.code;
  if (fastifyCode === 'FST_ERR_BAD_URL') return new AppError('VALIDATION_ERROR', 'Malformed URL (bad percent-encoding)');
  if (fastifyCode === 'FST_ERR_MAX_PARAM_LENGTH') return new AppError('URI_TOO_LONG', 'A path parameter is too long');
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type: send application/json');
  const framework = FRAMEWORK_ERRORS[status ?? 0];
  if (framework) return new AppError(framework.code, framework.message);
  if (isDatabaseUnavailable(exception)) {
    return new AppError('DATABASE_UNAVAILABLE', 'Database is unavailable', { cause: exception });
  }
  return new AppError('INTERNAL_ERROR', 'Internal server error', { cause: exception });
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}
