import type { Level } from 'pino';
import { ACCESS_TOKEN_ERRORS } from '../../access-tokens/access-tokens.errors.js';
import { BACKUP_ERRORS } from '../../backup/backup.errors.js';
import { CROSS_APP_ERRORS } from '../../cross-app/cross-app.errors.js';
import { DIRECTORY_ERRORS } from '../../directory/directory.errors.js';
import { METRICS_ERRORS } from '../../metrics/metrics.errors.js';
import { QR_LOGIN_ERRORS } from '../../qr-login/qr-login.errors.js';
import { TARGET_APP_ERRORS } from '../../target-apps/target-apps.errors.js';

export interface ErrorSpec {
  /** HTTP status the code is answered with. */
  readonly status: number;
  /** Level of the log line written when the error is answered. */
  readonly level: Level;
  /** On OAuth endpoints: the RFC 6749 §5.2 `error` value, added to the body. */
  readonly oauthError?: string;
}

export const COMMON_ERRORS = {
  VALIDATION_ERROR: { status: 400, level: 'info', oauthError: 'invalid_request' },
  NOT_FOUND: { status: 404, level: 'info' },
  METHOD_NOT_ALLOWED: { status: 405, level: 'info' },
  PAYLOAD_TOO_LARGE: { status: 413, level: 'info', oauthError: 'invalid_request' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, level: 'info', oauthError: 'invalid_request' },
  REQUEST_TIMEOUT: { status: 408, level: 'info' },
  URI_TOO_LONG: { status: 414, level: 'info' },
  HEADERS_TOO_LARGE: { status: 431, level: 'info' },
  ADMIN_UNAUTHORIZED: { status: 401, level: 'warn' },
  FORBIDDEN: { status: 403, level: 'info' },
  // RFC 8628's "slow down" is the nearest OAuth error for a client asking too often.
  RATE_LIMITED: { status: 429, level: 'warn', oauthError: 'slow_down' },
  DATABASE_UNAVAILABLE: { status: 503, level: 'error', oauthError: 'temporarily_unavailable' },
  // `migrate up` / start: an existing table is not what the design documents define (adoption).
  SCHEMA_MISMATCH: { status: 500, level: 'error' },
  INTERNAL_ERROR: { status: 500, level: 'error', oauthError: 'server_error' },
} as const satisfies Record<string, ErrorSpec>;

/**
 * Every error code Handoff answers with, its HTTP status and its log level. Codes are stable:
 * clients branch on them, so a code is never renamed or reused. Each capability lists its own;
 * `AppError` only accepts a listed code, so a new code cannot be thrown before it is mapped.
 */
export const ERROR_CODES = {
  ...COMMON_ERRORS,
  ...ACCESS_TOKEN_ERRORS,
  ...DIRECTORY_ERRORS,
  ...TARGET_APP_ERRORS,
  ...CROSS_APP_ERRORS,
  ...QR_LOGIN_ERRORS,
  ...BACKUP_ERRORS,
  ...METRICS_ERRORS,
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function errorSpec(code: ErrorCode): ErrorSpec {
  return ERROR_CODES[code];
}
