import { type FetchLike, sleep, Transport } from './transport.js';
import type { ExchangedToken, PendingQrLogin, QrLoginRequest, QrPollOutcome, QrPollResult } from './types.js';
import { userAuthorization, type UserTokenOptions } from './user-token.js';

export interface QrLoginClientOptions extends UserTokenOptions {
  /** Handoff's base URL, e.g. `https://auth.example.com`. */
  readonly baseUrl: string;
  /** Milliseconds one attempt may take. Default 10 000. */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error, for the calls that are safe to repeat. Default 2. */
  readonly retries?: number;
  readonly fetch?: FetchLike;
}

export interface PollOptions {
  /** Stops polling: the promise rejects with ABORTED. */
  readonly signal?: AbortSignal;
  /** Called after each poll that is not final, with the interval the server asks for. */
  readonly onPending?: (update: { status: 'pending' | 'slow_down'; interval: number }) => void;
  /** Seconds before the first poll: the `interval` of `create()`. Default 5. */
  readonly interval?: number;
}

/** RFC 8628 §3.5: after slow_down, 5 seconds more, when the server does not say how long. */
const SLOW_DOWN_STEP_SECONDS = 5;
const DEFAULT_INTERVAL_SECONDS = 5;

/**
 * QR-code sign-in (SPEC §5). Desktop side, with no credentials: `create`, `pollUntilDone`,
 * `exchange`. Phone side, for a signed-in user (accessToken or getAccessToken): `lookup`,
 * `approve`, `deny`.
 */
export class QrLoginClient {
  private readonly transport: Transport;

  constructor(private readonly options: QrLoginClientOptions) {
    this.transport = new Transport(options);
  }

  /**
   * Starts a sign-in request: show `qr_svg_url` (or `user_code` and `verification_uri`), keep
   * `device_code` to poll with. Retried only when the request never left (it creates a row and
   * counts against the per-IP limit). Errors: RATE_LIMITED.
   */
  create(signal?: AbortSignal): Promise<QrLoginRequest> {
    return this.transport.send({ method: 'POST', path: '/api/qr-auth/sessions', retry: 'unsent', signal });
  }

  /**
   * One poll. The first poll after approval is the only one that gets the exchange token, so a
   * poll whose answer was lost cannot be made good by a repeat: retried only when it never left.
   * Errors: DEVICE_CODE_INVALID, VALIDATION_ERROR.
   */
  poll(deviceCode: string, signal?: AbortSignal): Promise<QrPollResult> {
    return this.transport.send({ method: 'POST', path: '/api/qr-auth/poll', json: { device_code: deviceCode }, retry: 'unsent', signal });
  }

  /**
   * Polls at the interval the server asks for (longer after each `slow_down`) until the request
   * is approved (with the exchange token), denied, expired, or issued to another poll.
   */
  async pollUntilDone(deviceCode: string, options: PollOptions = {}): Promise<QrPollOutcome> {
    let interval = options.interval ?? DEFAULT_INTERVAL_SECONDS;
    for (;;) {
      await sleep(interval * 1000, options.signal);
      const result = await this.poll(deviceCode, options.signal);
      if (result.status !== 'pending' && result.status !== 'slow_down') return result;
      const fallback = result.status === 'slow_down' ? interval + SLOW_DOWN_STEP_SECONDS : interval;
      interval = Number.isFinite(result.interval) && result.interval > 0 ? result.interval : fallback;
      options.onPending?.({ status: result.status, interval });
    }
  }

  /**
   * Trades the exchange token for an access token. Good once, so never retried: a repeat gets
   * EXCHANGE_TOKEN_USED. Errors: EXCHANGE_TOKEN_INVALID (unknown or expired),
   * EXCHANGE_TOKEN_USED, VALIDATION_ERROR.
   */
  exchange(exchangeToken: string, signal?: AbortSignal): Promise<ExchangedToken> {
    return this.transport.send({ method: 'POST', path: '/api/qr-auth/exchange', json: { exchange_token: exchangeToken }, retry: 'never', signal });
  }

  /**
   * Phone: what asks to be signed in (browser, IP, time), by the user code the QR carried.
   * Errors: USER_CODE_INVALID (no pending request: unknown, expired or decided), VALIDATION_ERROR,
   * AUTH_REQUIRED, TOKEN_INVALID, RATE_LIMITED (too many look-ups or wrong codes).
   */
  async lookup(userCode: string, signal?: AbortSignal): Promise<PendingQrLogin> {
    return this.transport.send({
      method: 'GET',
      path: '/api/qr-auth/pending',
      query: { user_code: userCode },
      headers: await userAuthorization(this.options, 'lookup'),
      retry: 'network',
      signal,
    });
  }

  /** Phone: signs the desktop in as this user. Errors as `lookup`, plus QR_REQUEST_DECIDED. */
  approve(userCode: string, signal?: AbortSignal): Promise<{ status: 'approved' }> {
    return this.decide(userCode, 'approve', signal) as Promise<{ status: 'approved' }>;
  }

  /** Phone: refuses the request; the desktop's polling ends with `denied`. Errors as `approve`. */
  deny(userCode: string, signal?: AbortSignal): Promise<{ status: 'denied' }> {
    return this.decide(userCode, 'deny', signal) as Promise<{ status: 'denied' }>;
  }

  /** A repeat after a lost answer would get QR_REQUEST_DECIDED: retried only when it never left. */
  private async decide(userCode: string, decision: 'approve' | 'deny', signal?: AbortSignal): Promise<{ status: 'approved' | 'denied' }> {
    return this.transport.send({
      method: 'POST',
      path: '/api/qr-auth/approve',
      json: { user_code: userCode, decision },
      headers: await userAuthorization(this.options, decision),
      retry: 'unsent',
      signal,
    });
  }
}

