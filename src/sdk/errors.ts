/**
 * Every `code` a Handoff server answers with (src/common/errors/error-codes.ts). Copied, not
 * imported, so that the SDK pulls in no server code; test/sdk/sdk-contract.test.ts fails when
 * the two lists differ.
 */
export const SERVER_ERROR_CODES = [
  'VALIDATION_ERROR',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'REQUEST_TIMEOUT',
  'URI_TOO_LONG',
  'HEADERS_TOO_LARGE',
  'ADMIN_UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'DATABASE_UNAVAILABLE',
  'SCHEMA_MISMATCH',
  'INTERNAL_ERROR',
  'AUTH_REQUIRED',
  'TOKEN_INVALID',
  'IDENTITY_CONFLICT',
  'ISSUER_UNAVAILABLE',
  'USER_NOT_FOUND',
  'USER_EXISTS',
  'USER_DISABLED',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_EXISTS',
  'DIRECTORY_MANAGED_BY_HOST',
  'INVALID_CLIENT',
  'APP_NOT_FOUND',
  'APP_EXISTS',
  'SECRET_ROTATION_CONFLICT',
  'SESSION_INVALID',
  'ACCOUNT_FORBIDDEN',
  'TARGET_APP_UNKNOWN',
  'CALLBACK_NOT_ALLOWED',
  'USER_CODE_INVALID',
  'QR_REQUEST_DECIDED',
  'DEVICE_CODE_INVALID',
  'EXCHANGE_TOKEN_INVALID',
  'EXCHANGE_TOKEN_USED',
  'AUTHORIZATION_PENDING',
  'SLOW_DOWN',
  'ACCESS_DENIED',
  'EXPIRED_TOKEN',
  'INVALID_GRANT',
  'UNSUPPORTED_GRANT_TYPE',
  'BACKUP_INVALID',
  'RESTORE_CONFLICT',
  'RESTORE_KEY_UNREADABLE',
  'METRICS_UNAUTHORIZED',
] as const;

/**
 * Codes the SDK raises itself, when there is no answer from Handoff to report:
 * - `NETWORK_ERROR`: the request failed on the way (refused, reset, DNS, CORS refused in a browser);
 * - `TIMEOUT`: no complete answer within `timeoutMs`;
 * - `ABORTED`: the caller's `AbortSignal` fired;
 * - `UNEXPECTED_RESPONSE`: an answer that is not Handoff's (a proxy's HTML page, an unknown code).
 */
export const CLIENT_ERROR_CODES = ['NETWORK_ERROR', 'TIMEOUT', 'ABORTED', 'UNEXPECTED_RESPONSE'] as const;

export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
/** Every code a `HandoffError` can carry. */
export type HandoffErrorCode = ServerErrorCode | ClientErrorCode;

const SERVER_CODES: ReadonlySet<string> = new Set(SERVER_ERROR_CODES);

export function isServerErrorCode(value: unknown): value is ServerErrorCode {
  return typeof value === 'string' && SERVER_CODES.has(value);
}

export interface HandoffErrorDetails {
  /** HTTP status of Handoff's answer; undefined when there was none (network, timeout, abort). */
  readonly statusCode?: number;
  /** Handoff's request id (its log lines carry it), or the one the SDK sent. */
  readonly requestId?: string;
  /** For VALIDATION_ERROR: the request field at fault. */
  readonly field?: string;
  /** For RATE_LIMITED: seconds to wait, from `Retry-After`. */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/** The one error every SDK call rejects with. Branch on `code`, never on `message`. */
export class HandoffError extends Error {
  readonly statusCode: number | undefined;
  readonly requestId: string | undefined;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: HandoffErrorCode,
    message: string,
    details: HandoffErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HandoffError';
    this.statusCode = details.statusCode;
    this.requestId = details.requestId;
    this.field = details.field;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Whether `error` is a HandoffError (with one of `codes`, when given). */
export function isHandoffError(error: unknown, ...codes: HandoffErrorCode[]): error is HandoffError {
  return error instanceof HandoffError && (codes.length === 0 || codes.includes(error.code));
}
