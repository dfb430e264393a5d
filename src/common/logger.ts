import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

/**
 * Log lines are written in batches of about this many bytes, or every LOG_FLUSH_MS, whichever
 * comes first (and at exit): every request logs two lines (the request, its audit event), and a
 * write each would cost the hot path a thread-pool round trip per line (issue 11). A line thus
 * reaches stdout at most LOG_FLUSH_MS late; a crash flushes what is buffered, a SIGKILL loses it.
 */
const LOG_BUFFER_BYTES = 12_288;
const LOG_FLUSH_MS = 200;

/**
 * Structured JSON logs on stdout. Redaction is a safety net only: code must not put tokens,
 * hashes or secrets into log fields in the first place.
 */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'handoff' },
      timestamp: isoTime,
      serializers: { err: serializeError },
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          '*.headers.authorization',
          '*.headers["x-shared-secret"]',
          '*.headers["x-session-token"]',
          '*.headers.cookie',
          'password',
          '*.password',
          'secret',
          '*.secret',
          'token',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? batchedStdout(),
  );
}

/**
 * pino's `stdTimeFunctions.isoTime`, formatted once per millisecond: a busy server writes several
 * lines in each (two per request on the hot path), and `toISOString` was ~2 µs of a request.
 */
let lastMs = -1;
let lastTime = '';
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/**
 * pino's own destination (sonic-boom: flushed at exit, on a crash and by `logger.flush()`) in
 * its buffer mode, fed one Buffer per line. In its default string mode, sonic-boom measures the
 * batch so far (a string built by `+=`) on every line, which copies it each time: at a 12 KB
 * batch that was about 7 KB of garbage per line, the largest allocation of a request (issue 11).
 */
function batchedStdout(): pino.DestinationStream {
  const destination = pino.destination({ fd: 1, sync: false, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS, contentMode: 'buffer' });
  const writeBuffer = destination.write.bind(destination) as unknown as (chunk: Buffer) => boolean;
  destination.write = (line: string) => writeBuffer(Buffer.from(line));
  return destination;
}

/**
 * The same logger without redaction, for lines whose fields are fixed and typed scalars that
 * cannot hold a secret under any name (the audit trail, the request line): redaction walks every
 * line for its wildcard paths, and cost those two lines ~40 µs a request (issue 11's profile).
 */
export function unredacted(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}

/**
 * Errors in logs: name, code, message and stack, nothing else. A database error's message and
 * its other fields (bind parameters, `detail`, "Duplicate entry '…'") can hold the very hashes
 * and secrets Handoff stores, so only its code (and SQL text) is kept.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (typeof error === 'string') return { reason: error };
  if (!(error instanceof Error)) return { type: typeof error };
  const driverError = (error as { driverError?: unknown }).driverError;
  const code = (driverError as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown }).code;
  if (!isDatabaseError(error)) return { type: error.name, code, message: error.message, stack: error.stack };
  const message = `database error${code ? ` ${String(code)}` : ''}`;
  return {
    type: error.name,
    code,
    message,
    query: (error as { query?: unknown }).query,
    stack: error.stack?.replace(/^.*$/m, `${error.name}: ${message}`),
  };
}

/** One line for a terminal, with no database error detail (see serializeError). */
export function safeErrorMessage(error: unknown): string {
  return String(serializeError(error).message ?? serializeError(error).reason ?? 'unknown error');
}

function isDatabaseError(error: Error): boolean {
  const fields = error as unknown as Record<string, unknown>;
  return (
    'driverError' in fields ||
    'sqlState' in fields ||
    'sqlMessage' in fields ||
    error.name === 'QueryFailedError' ||
    (error.name === 'error' && typeof fields.severity === 'string') // pg's DatabaseError
  );
}

/**
 * Nest's own messages ("Mapped {/health/live, GET} route", module init) go to debug; Handoff's
 * code logs through pino directly.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, stack?: string, context?: string): void {
    this.logger.error({ context, stack }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

/** Injection token of the pino logger. */
export const LOGGER = Symbol('LOGGER');
