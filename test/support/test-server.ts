import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config/config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import type { TestDatabase } from './test-databases.js';

export const ADMIN_TOKEN = `admin-${randomBytes(24).toString('hex')}`;

/** A port free right now, for a server that must keep its URL (its JWT issuer) across restarts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface HttpResult<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: T;
}

export interface RequestOptions {
  /** A Bearer token for the Authorization header. */
  readonly token?: string;
  readonly json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

/** Handoff's server, in this process, on a free port, with every log line kept for inspection. */
export class TestServer {
  private constructor(
    readonly server: RunningServer,
    private readonly logLines: string[],
  ) {}

  static async start(database: TestDatabase, env: Record<string, string> = {}): Promise<TestServer> {
    // Scheduled jobs stay off unless a test turns them on: they would move a test's old sessions.
    // The demo seed stays off too (it registers the default target app, which tests register).
    const config = loadConfig({
      ...database.env,
      PORT: '0',
      HANDOFF_ADMIN_TOKEN: ADMIN_TOKEN,
      HANDOFF_SCHEDULER: 'false',
      HANDOFF_SEED_DEMO: 'false',
      ...env,
    });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger('trace', sink);
    return new TestServer(await startServer(config, logger), lines);
  }

  get url(): string {
    return this.server.url;
  }

  get dataSource() {
    return this.server.dataSource;
  }

  /** Everything logged so far, one JSON line each. */
  get logs(): readonly string[] {
    return this.logLines;
  }

  async request<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }

  /** The admin API, authenticated with the test admin token. */
  admin<T = Record<string, unknown>>(method: string, path: string, json?: unknown): Promise<HttpResult<T>> {
    return this.request<T>(method, `/api/admin${path}`, { token: ADMIN_TOKEN, json });
  }

  /** Creates a user and issues it a token through the admin API. */
  async userWithToken(email: string, options: { ttl?: number; audience?: string } = {}): Promise<{ userId: number; token: string }> {
    let user = await this.admin<{ id: number }>('POST', '/users', { email, name: email.split('@')[0] });
    if (user.status === 409) {
      const list = await this.admin<{ users: Array<{ id: number; email: string }> }>('GET', '/users');
      user = { ...user, body: list.body.users.find((candidate) => candidate.email === email)! };
    } else if (user.status !== 201) {
      throw new Error(`creating ${email}: ${user.status} ${user.text}`);
    }
    const issued = await this.admin<{ access_token: string }>('POST', '/tokens', { email, ...options });
    if (issued.status !== 201) throw new Error(`issuing for ${email}: ${issued.status} ${issued.text}`);
    return { userId: user.body.id, token: issued.body.access_token };
  }

  /** Registers a target app; returns its secret. */
  async app(name: string, origins: string[] = []): Promise<string> {
    const created = await this.admin<{ secret: string }>('POST', '/apps', { name, origins });
    if (created.status !== 201) throw new Error(`registering ${name}: ${created.status} ${created.text}`);
    return created.body.secret;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/**
 * Waits for something the server does after answering (a replay's revocation, an audit line):
 * polls `check` until it holds, failing after a bound. Not a timing assertion: only the outcome
 * is checked.
 */
export async function eventually(check: () => Promise<boolean>, description: string, attempts = 100): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${description}`);
}
