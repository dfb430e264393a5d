import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PrivateMariadb } from '../support/private-mariadb.js';
import { type FaultyDatabase, PrivatePostgres } from '../support/private-postgres.js';
import { KEY_ENCRYPTION_SECRET, type TestDatabase } from '../support/test-databases.js';
import { ADMIN_TOKEN, eventually, TestServer } from '../support/test-server.js';

// Issue 12: the database stopped, frozen or crashed under load. Every request is answered — 503
// DATABASE_UNAVAILABLE with Retry-After while the database cannot be read, never a 401 for a valid
// token nor a 200 for a revoke that was not stored — within a bound, and the server recovers by
// itself. The server is the test's own (initdb / mariadb-install-db on a free port): the shared
// servers are never touched.

const QUERY_TIMEOUT_MS = 1_000;
/** Far above what the configured bounds allow (connect 5 s, statement 1 s + 1 s): no request may take longer. */
const ANSWER_BOUND_MS = 20_000;
const PUBLIC_URL = 'http://handoff-faults.test';

/** The servers a fault test starts for itself; missing binaries skip it locally and fail it under CI. */
const KINDS = [
  { kind: 'postgres', start: (): Promise<FaultyDatabase> => PrivatePostgres.start(), unavailable: await PrivatePostgres.unavailable() },
  { kind: 'mariadb', start: (): Promise<FaultyDatabase> => PrivateMariadb.start(), unavailable: await PrivateMariadb.unavailable() },
] as const;

interface Answer {
  readonly status: number;
  readonly code: unknown;
  readonly retryAfter: string | null;
}

for (const { kind, start, unavailable } of KINDS) {
const skip = unavailable && process.env.CI !== 'true' ? unavailable : undefined;
describe(`database faults on a private server [${kind}]`, { skip, timeout: 240_000 }, () => {
  let cluster: FaultyDatabase;
  let dataDir: string;
  /** Issues the tokens. */
  let first: TestServer;
  /** A second instance that has never read the signing keys: the first token it sees makes it read them. */
  let second: TestServer;
  let secret: string;
  let userToken: string;

  before(async () => {
    cluster = await start();
    dataDir = await mkdtemp(join(tmpdir(), 'handoff-faults-'));
    const env = {
      DATABASE_URL: cluster.url,
      HANDOFF_DATA_DIR: dataDir,
      HANDOFF_KEY_ENCRYPTION_SECRET: KEY_ENCRYPTION_SECRET,
      HANDOFF_PUBLIC_URL: PUBLIC_URL,
      DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      LOG_LEVEL: 'silent',
      // The load below is far above the default limits; the limits are not what is tested here.
      HANDOFF_RATE_LIMITS: JSON.stringify(
        Object.fromEntries(['generate', 'validate', 'qrCreate'].map((name) => [name, { points: 100_000, seconds: 60 }])),
      ),
    };
    const database = { env } as unknown as TestDatabase;
    first = await TestServer.start(database);
    second = await TestServer.start(database, { HANDOFF_MIGRATIONS_RUN: 'false' });
    secret = await first.app('hi-events');
    ({ token: userToken } = await first.userWithToken('faults@example.com'));
  });
  after(async () => {
    await second?.close().catch(() => undefined);
    await first?.close().catch(() => undefined);
    await cluster?.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** One request, answered within the bound or failed (an abort is a hang). */
  async function ask(server: TestServer, method: string, path: string, options: { token?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      signal: AbortSignal.timeout(ANSWER_BOUND_MS),
    });
    const text = await response.text();
    let code: unknown;
    try {
      code = (JSON.parse(text) as { code?: unknown }).code;
    } catch {
      code = undefined;
    }
    return { status: response.status, code, retryAfter: response.headers.get('retry-after') };
  }

  async function generateSessions(count: number): Promise<string[]> {
    const tokens: string[] = [];
    for (let index = 0; index < count; index++) {
      const generated = await first.request<{ session_token: string }>('POST', '/api/cross-app/generate-session', { token: userToken, json: {} });
      assert.equal(generated.status, 200, generated.text);
      tokens.push(generated.body.session_token);
    }
    return tokens;
  }

  const validate = (server: TestServer, token: string) =>
    ask(server, 'POST', '/api/cross-app/validate-session', { json: { session_token: token }, headers: { 'x-shared-secret': secret } });
  const adminRevoke = (token: string) => ask(first, 'POST', '/api/cross-app/revoke', { token: ADMIN_TOKEN, json: { session_token: token } });

  /** Every answer while the database is away: a 503 DATABASE_UNAVAILABLE with Retry-After. */
  function assertUnavailable(answer: Answer, what: string): void {
    assert.equal(answer.status, 503, `${what}: ${answer.status} ${String(answer.code)}`);
    assert.equal(answer.code, 'DATABASE_UNAVAILABLE', what);
    assert.ok(Number(answer.retryAfter) > 0, `${what}: Retry-After`);
  }

  /** Requests on every kind of path, against the instance that has not read its keys yet. */
  async function assertEveryPathUnavailable(): Promise<void> {
    const answers = await Promise.all([
      ask(second, 'GET', '/api/tokens', { token: userToken }).then((answer) => ['GET /api/tokens (unseen token)', answer] as const),
      ask(first, 'POST', '/api/cross-app/generate-session', { token: userToken, json: {} }).then((answer) => ['generate', answer] as const),
      validate(first, 'a'.repeat(64)).then((answer) => ['validate', answer] as const),
      adminRevoke('b'.repeat(64)).then((answer) => ['admin revoke', answer] as const),
      ask(first, 'GET', '/health/ready').then((answer) => ['ready', answer] as const),
      ask(first, 'POST', '/api/qr-auth/sessions', { json: {} }).then((answer) => ['qr create', answer] as const),
    ]);
    for (const [what, answer] of answers) assertUnavailable(answer, what);
    assert.equal((await ask(first, 'GET', '/health/live')).status, 200);
  }

  async function assertRecovered(): Promise<void> {
    await eventually(async () => (await ask(first, 'GET', '/health/ready')).status === 200, 'ready again', 400);
    await eventually(async () => (await ask(second, 'GET', '/api/tokens', { token: userToken })).status === 200, 'the second instance accepts the token', 400);
  }

  /**
   * Validates and revokes sessions from several workers while `fault` happens, then again after
   * recovery: no session validated twice, no revoke answered 200 that did not stick.
   */
  async function underLoad(fault: () => Promise<void>, recover: () => Promise<void>): Promise<void> {
    const sessions = await generateSessions(40);
    const validations = new Map<string, number>();
    const revokedOk: string[] = [];
    const statuses = new Set<number>();
    let running = true;
    const worker = async (offset: number) => {
      for (let round = 0; running; round++) {
        const token = sessions[(offset + round * 4) % sessions.length]!;
        const answer = (offset + round) % 5 === 0 ? await adminRevoke(token) : await validate(first, token);
        statuses.add(answer.status);
        assert.ok([200, 404, 503].includes(answer.status), `unexpected ${answer.status} ${String(answer.code)}`);
        if (answer.status === 503) assertUnavailable(answer, 'under load');
        if (answer.status === 200 && (offset + round) % 5 === 0) revokedOk.push(token);
        else if (answer.status === 200) validations.set(token, (validations.get(token) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const failures: unknown[] = [];
    // A failed worker stops the load and fails the test at the end, not as an unhandled rejection.
    const workers = [0, 1, 2, 3].map((offset) =>
      worker(offset).catch((error: unknown) => {
        failures.push(error);
        running = false;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await fault();
    await assertEveryPathUnavailable();
    await recover();
    await assertRecovered();
    running = false;
    await Promise.all(workers);
    if (failures.length > 0) throw failures[0];
    assert.ok(statuses.has(503), 'the outage was seen under load');
    // After recovery: every session answers once more, and none is valid a second time.
    for (const token of sessions) {
      const answer = await validate(first, token);
      if (answer.status === 200) validations.set(token, (validations.get(token) ?? 0) + 1);
    }
    for (const [token, count] of validations) assert.ok(count <= 1, `session ${token.slice(0, 8)} validated ${count} times`);
    for (const token of revokedOk) {
      assert.equal((await validate(first, token)).status, 404, 'a revoke answered 200 was stored');
    }
  }

  test('stopped (fast shutdown) under load: 503 on every path, then recovery without a restart', async () => {
    await underLoad(
      () => cluster.stop('fast'),
      () => cluster.startServer(),
    );
  });

  test('frozen (SIGSTOP) under load: every request answered within the bound, then recovery', async () => {
    await underLoad(
      () => cluster.signal('SIGSTOP'),
      () => cluster.signal('SIGCONT'),
    );
  });

  test('crashed (immediate shutdown) under load: the process lives on, then recovery', async () => {
    await underLoad(
      () => cluster.stop('immediate'),
      () => cluster.startServer(),
    );
  });
});
}
