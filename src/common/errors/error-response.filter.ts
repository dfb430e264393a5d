import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppError } from './app-error.js';
import { type ErrorCode, ERROR_CODES } from './error-codes.js';

/** SPEC §8: the single shape of every error response. */
export interface ErrorResponseBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  field?: string;
  timestamp: string;
  path: string;
  requestId: string;
}

/** Errors raised by Nest or Fastify before Handoff's code runs, by HTTP status. */
const FRAMEWORK_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Renders every error in the SPEC §8 shape. Anything that is not an AppError or a known
 * framework error becomes a generic 500: its details go to the log, never to the client.
 */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = toAppError(exception);
    const spec = ERROR_CODES[error.code];
    const body: ErrorResponseBody = {
      statusCode: spec.status,
      code: error.code,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      timestamp: new Date().toISOString(),
      path: request.url.split('?')[0] ?? '/',
      requestId: String(request.id),
    };
    this.logger[spec.level](
      { requestId: body.requestId, code: body.code, path: body.path, err: error.cause ?? undefined },
      error.message,
    );
    void reply.status(spec.status).send(body);
  }
}

function toAppError(exception: unknown): AppError {
  if (exception instanceof AppError) return exception;
  const status = statusOf(exception);
  const code = status === undefined ? undefined : FRAMEWORK_STATUS_CODES[status];
  if (code) return new AppError(code, frameworkMessage(code));
  return new AppError('INTERNAL_ERROR', 'Internal server error', { cause: exception });
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/** Fixed wording: framework messages can echo request content (paths, parser excerpts). */
function frameworkMessage(code: ErrorCode): string {
  switch (code) {
    case 'NOT_FOUND':
      return 'No such route';
    case 'METHOD_NOT_ALLOWED':
      return 'Method not allowed';
    case 'PAYLOAD_TOO_LARGE':
      return 'Request body is too large';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'Unsupported content type';
    case 'UNAUTHORIZED':
      return 'Authentication required';
    default:
      return 'Invalid request';
  }
}
