import type { Level } from 'pino';

export interface ErrorSpec {
  /** HTTP status the code is answered with. */
  readonly status: number;
  /** Level of the log line written when the error is answered. */
  readonly level: Level;
}

/**
 * Every error code Handoff answers with, its HTTP status and its log level. Codes are stable:
 * clients branch on them, so a code is never renamed or reused. Capabilities add their own
 * tables here; `AppError` only accepts a code listed, so a new code cannot be thrown before it
 * is mapped.
 */
export const ERROR_CODES = {
  VALIDATION_ERROR: { status: 400, level: 'info' },
  UNAUTHORIZED: { status: 401, level: 'info' },
  NOT_FOUND: { status: 404, level: 'info' },
  METHOD_NOT_ALLOWED: { status: 405, level: 'info' },
  PAYLOAD_TOO_LARGE: { status: 413, level: 'info' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, level: 'info' },
  DATABASE_UNAVAILABLE: { status: 503, level: 'error' },
  INTERNAL_ERROR: { status: 500, level: 'error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;
