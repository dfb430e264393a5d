import type { ErrorCode } from './error-codes.js';

export interface AppErrorOptions {
  readonly cause?: unknown;
  /** For VALIDATION_ERROR: the request field at fault. */
  readonly field?: string;
  /** Response headers that go with the error (e.g. `WWW-Authenticate`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The one error type of Handoff. `message` is for developers and is sent to the client, so it
 * must never contain a token, a hash or a secret; `cause` goes to the log only.
 */
export class AppError extends Error {
  readonly field: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.field = options.field;
    this.headers = options.headers ?? {};
  }
}
