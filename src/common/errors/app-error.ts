import { type ErrorCode, ERROR_CODES } from './error-codes.js';

/**
 * The one error type of Handoff. `message` is for developers and is sent to the client, so it
 * must never contain a token, a hash or a secret; `cause` goes to the log only.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.field = options?.field;
  }

  /** For VALIDATION_ERROR: the request field at fault. */
  readonly field: string | undefined;

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
