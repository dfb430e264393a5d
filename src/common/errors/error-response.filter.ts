import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../../database/database-errors.js';
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
export class ErrorResponseFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = toAppError(exception);
    const spec = errorSpec(error.code);
    const path = request.url.split('?')[0] ?? '/';
    const body: ErrorResponseBody = {
      statusCode: spec.status,
      code: error.code,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      timestamp: new Date().toISOString(),
      path,
      requestId: String(request.id),
    };
    if (path.startsWith('/oauth/')) {
      body.error = spec.oauthError ?? 'invalid_request';
      body.error_description = error.message;
      void reply.header('cache-control', 'no-store');
    }
    this.logger[spec.level](
      { requestId: body.requestId, code: body.code, path, ...(error.field ? { field: error.field } : {}), err: error.cause },
      error.message,
    );
    // A database outage is temporary: clients and proxies are told when to try again (issue 12).
    if (spec.status === 503 && !error.headers['retry-after']) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    void reply.headers(error.headers).status(spec.status).send(body);
  }
}

function toAppError(exception: unknown): AppError {
  if (exception instanceof AppError) return exception;
  const framework = FRAMEWORK_ERRORS[statusOf(exception) ?? 0];
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
