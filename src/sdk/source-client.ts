import { type FetchLike, Transport } from './transport.js';
import type { GeneratedSession, GenerateSessionInput } from './types.js';
import { userAuthorization, type UserTokenOptions } from './user-token.js';

export interface SourceClientOptions extends UserTokenOptions {
  /** Handoff's base URL, e.g. `https://auth.example.com`. */
  readonly baseUrl: string;
  /** Milliseconds one attempt may take. Default 10 000. */
  readonly timeoutMs?: number;
  /** Extra attempts when a connection could not even be made. Default 2. */
  readonly retries?: number;
  readonly fetch?: FetchLike;
}

/** The source app (browser or backend), for a signed-in user: starts a handoff to a target app. */
export class SourceClient {
  private readonly transport: Transport;

  constructor(private readonly options: SourceClientOptions) {
    this.transport = new Transport(options);
  }

  /**
   * A single-use handoff token for the target app. Retried only when the request provably never
   * reached Handoff (connection refused, DNS): after a lost answer a repeat would create a second
   * session and spend another point of the user's rate limit. Errors: AUTH_REQUIRED,
   * TOKEN_INVALID, VALIDATION_ERROR, TARGET_APP_UNKNOWN, ACCOUNT_FORBIDDEN, CALLBACK_NOT_ALLOWED,
   * RATE_LIMITED (see `retryAfterSeconds`).
   */
  async generateSession(input: GenerateSessionInput = {}, signal?: AbortSignal): Promise<GeneratedSession> {
    return this.transport.send({
      method: 'POST',
      path: '/api/cross-app/generate-session',
      json: input,
      headers: await userAuthorization(this.options, 'generateSession'),
      retry: 'unsent',
      signal,
    });
  }

  /**
   * `targetUrl` with `session_token` (and `extra`) added to its query; what was there stays, and a
   * `session_token` already there is replaced. Only http(s) URLs: a `javascript:` URL is refused.
   */
  buildRedirectUrl(targetUrl: string, session: GeneratedSession | string, extra: Readonly<Record<string, string>> = {}): string {
    const url = new URL(targetUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('targetUrl must be an http(s) URL');
    for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
    url.searchParams.set('session_token', typeof session === 'string' ? session : session.session_token);
    return url.href;
  }
}
