import { HandoffError, isServerErrorCode } from './errors.js';

/** The `fetch` the SDK calls: the global one by default, or any with the same shape. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** Handoff's base URL, e.g. `https://auth.example.com` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Milliseconds one attempt may take, answer body included. Default 10 000. */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error, for calls that are safe to repeat. Default 2. */
  readonly retries?: number;
  /** Default: `globalThis.fetch`. */
  readonly fetch?: FetchLike;
}

/**
 * When a failed attempt may be sent again:
 * - `network`: after any network error (reads, and calls whose repetition changes nothing);
 * - `unsent`: only when the request provably never reached Handoff (connection refused, DNS),
 *   for calls that create something: a repeat after a lost answer would create it twice;
 * - `never`: calls that spend a single-use secret (validate a handoff token, exchange a QR
 *   exchange token): the caller decides, since a repeat after a lost answer always fails.
 * Timeouts and HTTP errors are never retried: the server may be slow, or has answered.
 */
export type RetryPolicy = 'network' | 'unsent' | 'never';

export interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly retry: RetryPolicy;
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const BACKOFF_BASE_MS = 200;
/** Node's (undici's) codes for a connection that was never made: nothing was sent. */
const UNSENT_CAUSES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** JSON over `fetch`, with a timeout per attempt, retries by policy, and Handoff's errors mapped. */
export class Transport {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly fetch: FetchLike;

  constructor(options: TransportOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('baseUrl must be an http(s) URL');
    this.baseUrl = base.href.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    if (!options.fetch && typeof globalThis.fetch !== 'function') throw new TypeError('no global fetch: pass options.fetch');
    // Called through globalThis: a browser's fetch refuses to run as a method of another object.
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  }

  async send<T>(call: Call): Promise<T> {
    const requestId = newRequestId();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt<T>(call, requestId);
      } catch (error) {
        if (attempt >= this.retries || !mayRetry(error, call.retry)) throw error;
        await sleep(BACKOFF_BASE_MS * 2 ** attempt, call.signal);
      }
    }
  }

  private async attempt<T>(call: Call, requestId: string | undefined): Promise<T> {
    if (call.signal?.aborted) throw aborted(requestId);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const forward = () => controller.abort();
    call.signal?.addEventListener('abort', forward, { once: true });
    try {
      const response = await this.fetch(this.urlOf(call), { ...this.initOf(call, requestId), signal: controller.signal });
      // Read under the same timer: a body that never ends is a timeout too.
      const text = await response.text();
      return parse<T>(response, text, requestId);
    } catch (error) {
      if (error instanceof HandoffError) throw error;
      if (timedOut) throw new HandoffError('TIMEOUT', `Handoff did not answer within ${this.timeoutMs} ms`, { requestId, cause: error });
      if (call.signal?.aborted) throw aborted(requestId, error);
      throw new HandoffError('NETWORK_ERROR', `Handoff could not be reached: ${describe(error)}`, { requestId, cause: error });
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', forward);
    }
  }

  private urlOf(call: Call): string {
    const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
    return `${this.baseUrl}${call.path}${query}`;
  }

  private initOf(call: Call, requestId: string | undefined): RequestInit {
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (requestId) headers['x-request-id'] = requestId;
    let body: string | undefined;
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    } else if (call.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(call.form).toString();
    }
    return { method: call.method, headers, body };
  }
}

function parse<T>(response: Response, text: string, sentId: string | undefined): T {
  const requestId = response.headers.get('x-request-id') ?? sentId;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) {
    if (body === undefined) throw new HandoffError('UNEXPECTED_RESPONSE', `Handoff answered ${response.status} without JSON`, { statusCode: response.status, requestId });
    return body as T;
  }
  const error = (body ?? {}) as { code?: unknown; message?: unknown; field?: unknown; requestId?: unknown };
  const details = {
    statusCode: response.status,
    requestId: typeof error.requestId === 'string' ? error.requestId : requestId,
    field: typeof error.field === 'string' ? error.field : undefined,
    retryAfterSeconds: retryAfter(response.headers.get('retry-after')),
  };
  const message = typeof error.message === 'string' ? error.message : `HTTP ${response.status}`;
  if (isServerErrorCode(error.code)) throw new HandoffError(error.code, message, details);
  // A proxy's error page, or a code newer than this SDK: the status and message still tell.
  const code = typeof error.code === 'string' ? ` (code ${error.code})` : '';
  throw new HandoffError('UNEXPECTED_RESPONSE', `Unexpected answer ${response.status}${code}: ${message}`, details);
}

function mayRetry(error: unknown, policy: RetryPolicy): boolean {
  if (!(error instanceof HandoffError) || error.code !== 'NETWORK_ERROR') return false;
  if (policy === 'network') return true;
  return policy === 'unsent' && wasUnsent(error.cause);
}

/** Only Node says why a fetch failed; a browser's TypeError never proves that nothing was sent. */
function wasUnsent(cause: unknown): boolean {
  const reason = (cause as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof reason?.code === 'string' && UNSENT_CAUSES.has(reason.code);
}

function describe(error: unknown): string {
  const reason = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const text = error instanceof Error ? error.message : String(error);
  return typeof reason === 'string' ? `${text} (${reason})` : text;
}

function retryAfter(value: string | null): number | undefined {
  const seconds = value === null ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function aborted(requestId: string | undefined, cause?: unknown): HandoffError {
  return new HandoffError('ABORTED', 'The call was aborted', { requestId, cause });
}

/** Sent as `x-request-id`, so that a call that failed on the way can still be found in Handoff's logs. */
function newRequestId(): string | undefined {
  // randomUUID exists in Node and in browsers' secure contexts; elsewhere Handoff makes the id.
  return typeof globalThis.crypto?.randomUUID === 'function' ? globalThis.crypto.randomUUID() : undefined;
}

/** Waits `ms`, or rejects with ABORTED as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(aborted(undefined));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(undefined));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
