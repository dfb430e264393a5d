import { type FetchLike, Transport } from './transport.js';
import type { Introspection, UserAccount, ValidatedSession } from './types.js';

export interface TargetClientOptions {
  /** Handoff's base URL, e.g. `https://auth.example.com`. */
  readonly baseUrl: string;
  /** This target app's shared secret (`handoff apps add` printed it). Server-side only. */
  readonly sharedSecret: string;
  /** This target app's registered name: its OAuth `client_id`, needed by `introspect` only. */
  readonly appName?: string;
  /** Milliseconds one attempt may take. Default 10 000. */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error, for the calls that are safe to repeat. Default 2. */
  readonly retries?: number;
  readonly fetch?: FetchLike;
}

/**
 * The target app's backend: trades the handoff token a browser brought for the user's identity,
 * accounts and permissions (SPEC §4), and introspects Handoff access tokens (RFC 7662).
 * Never use it in a browser: it holds the app's secret.
 */
export class TargetClient {
  private readonly transport: Transport;

  constructor(private readonly options: TargetClientOptions) {
    if (!options.sharedSecret) throw new TypeError('sharedSecret is required');
    this.transport = new Transport(options);
  }

  /**
   * Spends the handoff token (it is good once) and returns who the user is. Never retried: a
   * repeat after a lost answer would find the token spent. Errors: SESSION_INVALID (unknown,
   * expired, used, revoked or another app's token), VALIDATION_ERROR (malformed), INVALID_CLIENT,
   * RATE_LIMITED.
   */
  validateSession(sessionToken: string, signal?: AbortSignal): Promise<ValidatedSession> {
    return this.transport.send({
      method: 'POST',
      path: '/api/cross-app/validate-session',
      json: { session_token: sessionToken },
      headers: this.secretHeader(),
      retry: 'never',
      signal,
    });
  }

  /**
   * The session user's accounts with role and permissions; works after `validateSession` until the
   * session expires or is revoked. Errors as `validateSession`.
   */
  async getUserAccounts(sessionToken: string, signal?: AbortSignal): Promise<UserAccount[]> {
    const answer = await this.transport.send<{ accounts: UserAccount[] }>({
      method: 'GET',
      path: '/api/cross-app/user-accounts',
      // In a header, not the query string: query strings end up in access logs.
      headers: { ...this.secretHeader(), 'x-session-token': sessionToken },
      retry: 'network',
      signal,
    });
    return answer.accounts;
  }

  /**
   * Whether the session user holds `permission` in the session's account (and, with
   * `resourceId`, on that resource of the account). Errors as `validateSession`.
   */
  async validatePermission(sessionToken: string, permission: string, resourceId?: string | number, signal?: AbortSignal): Promise<boolean> {
    const answer = await this.transport.send<{ has_permission: boolean }>({
      method: 'POST',
      path: '/api/cross-app/validate-permission',
      json: { session_token: sessionToken, permission, ...(resourceId === undefined ? {} : { resource_id: resourceId }) },
      headers: this.secretHeader(),
      retry: 'network',
      signal,
    });
    return answer.has_permission;
  }

  /**
   * RFC 7662: whether a Handoff access token (JWT) is good right now (signature, expiry, not
   * revoked, user active). Authenticates with `appName` and the shared secret as OAuth client
   * credentials. Errors: INVALID_CLIENT, VALIDATION_ERROR.
   */
  async introspect(token: string, signal?: AbortSignal): Promise<Introspection> {
    const { appName, sharedSecret } = this.options;
    if (!appName) throw new TypeError('introspect authenticates as an OAuth client: pass appName');
    return this.transport.send({
      method: 'POST',
      path: '/oauth/introspect',
      form: { token, client_id: appName, client_secret: sharedSecret },
      retry: 'network',
      signal,
    });
  }

  private secretHeader(): Record<string, string> {
    return { 'x-shared-secret': this.options.sharedSecret };
  }
}
