import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../src/common/crypto.js';
import { execute } from '../../src/database/sql.js';
import { describeEachDatabase, needsRedis, REDIS_URL, type TestDatabase } from '../support/test-databases.js';
import { eventually, TestServer } from '../support/test-server.js';

/** Generous limits: this file tests the handoff; rate-limits.test.ts tests the limits. */
const HIGH_LIMITS = JSON.stringify({
  generate: { points: 100_000, seconds: 60 },
  validate: { points: 100_000, seconds: 60 },
  userAccounts: { points: 100_000, seconds: 60 },
  validatePermission: { points: 100_000, seconds: 60 },
});

interface Fixture {
  server: TestServer;
  secret: string;
  otherSecret: string;
  userToken: string;
  userId: number;
  accountId: number;
  otherAccountId: number;
}

/** A user who is organizer of `acme` (resource `evt-1`); `globex` (resource `evt-2`) is not theirs. */
async function fixture(server: TestServer): Promise<Fixture> {
  const secret = await server.app('hi-events', ['https://hi.events.test']);
  const otherSecret = await server.app('other-app');
  const { userId, token } = await server.userWithToken('olga@example.com');
  const acme = await server.admin<{ id: number }>('POST', '/accounts', { name: 'Acme', slug: 'acme' });
  const globex = await server.admin<{ id: number }>('POST', '/accounts', { name: 'Globex', slug: 'globex' });
  await server.admin('PUT', '/accounts/acme/members', { email: 'olga@example.com', role: 'organizer' });
  await server.admin('PUT', '/accounts/acme/resources/evt-1');
  await server.admin('PUT', '/accounts/globex/resources/evt-2');
  return { server, secret, otherSecret, userToken: token, userId, accountId: acme.body.id, otherAccountId: globex.body.id };
}

export function generate(f: Fixture, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return f.server.request('POST', '/api/cross-app/generate-session', { token: f.userToken, json: body, headers });
}

function asApp(f: Fixture, method: string, path: string, json?: unknown, secret = f.secret, headers: Record<string, string> = {}) {
  return f.server.request(method, `/api/cross-app/${path}`, { json, headers: { 'x-shared-secret': secret, ...headers } });
}

describeEachDatabase('cross-app handoff', (database) => handoffSuite(database, {}));
// The same with the rate-limit counters in Redis: generate and validate count there, then write.
describeEachDatabase('cross-app handoff, counters in Redis', (database) => {
  const redis = needsRedis();
  if (redis.skip) test('the handoff with counters in Redis', redis, () => undefined);
  else handoffSuite(database, { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}` });
});

function handoffSuite(database: () => TestDatabase, env: Record<string, string>): void {
  let f: Fixture;

  before(async () => {
    f = await fixture(await TestServer.start(database(), { HANDOFF_RATE_LIMITS: HIGH_LIMITS, ...env }));
  });
  after(async () => {
    await f?.server.close();
  });

  test('the whole handoff: generate, validate, accounts, permissions, replay, revoke', async () => {
    const generated = await generate(f, { account_id: f.accountId });
    assert.equal(generated.status, 200, generated.text);
    const token = String(generated.body.session_token);
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal(generated.body.target_app, 'hi-events');
    assert.equal(generated.body.account_id, f.accountId);
    const minutes = (Date.parse(String(generated.body.expires_at)) - Date.now()) / 60_000;
    assert.ok(minutes > 14 && minutes <= 15.05, `15-minute lifetime, got ${minutes}`);

    const validated = await asApp(f, 'POST', 'validate-session', { session_token: token });
    assert.equal(validated.status, 200, validated.text);
    assert.deepEqual(
      { ...validated.body, expires_at: undefined },
      {
        valid: true,
        user_id: String(f.userId),
        email: 'olga@example.com',
        name: 'olga',
        account_id: f.accountId,
        permissions: ['create_events', 'manage_ticketing'],
        expires_at: undefined,
      },
    );

    const accounts = await asApp(f, 'GET', 'user-accounts', undefined, f.secret, { 'x-session-token': token });
    assert.equal(accounts.status, 200, accounts.text);
    assert.deepEqual(accounts.body, {
      accounts: [{ id: f.accountId, name: 'Acme', slug: 'acme', role: 'organizer', permissions: ['create_events', 'manage_ticketing'] }],
    });
    const byQuery = await f.server.request('GET', `/api/cross-app/user-accounts?session_token=${token}`, {
      headers: { 'x-shared-secret': f.secret },
    });
    assert.equal(byQuery.status, 200);

    const permission = async (body: Record<string, unknown>) =>
      (await asApp(f, 'POST', 'validate-permission', { session_token: token, ...body })).body.has_permission;
    assert.equal(await permission({ permission: 'create_events' }), true);
    assert.equal(await permission({ permission: 'create_events', resource_id: 'evt-1' }), true, "own account's resource");
    assert.equal(await permission({ permission: 'create_events', resource_id: 'evt-2' }), false, "another account's resource");
    assert.equal(await permission({ permission: 'create_events', resource_id: 'evt-404' }), false, 'unregistered resource');
    assert.equal(await permission({ permission: 'manage_members' }), false, 'not granted to organizers');

    const replay = await asApp(f, 'POST', 'validate-session', { session_token: token });
    assert.deepEqual([replay.status, replay.body.code], [404, 'SESSION_INVALID']);
    // The replay is classified and the session revoked after the 404 is sent.
    await eventually(
      async () => (await asApp(f, 'GET', 'user-accounts', undefined, f.secret, { 'x-session-token': token })).status === 404,
      'a replay revokes the session',
    );
    await eventually(async () => f.server.logs.some((line) => line.includes('"type":"handoff.replay_detected"')), 'replay_detected');

    const second = String((await generate(f, { account_id: f.accountId })).body.session_token);
    assert.equal((await asApp(f, 'POST', 'validate-session', { session_token: second })).status, 200);
    const revoked = await f.server.request('POST', '/api/cross-app/revoke', { token: f.userToken, json: { session_token: second } });
    assert.deepEqual([revoked.status, revoked.body], [200, { revoked: 1 }]);
    const gone = await asApp(f, 'GET', 'user-accounts', undefined, f.secret, { 'x-session-token': second });
    assert.deepEqual([gone.status, gone.body.code], [404, 'SESSION_INVALID']);

    // The audit trail: who, which app and account, from where, with what outcome; never a token.
    const events = f.server.logs
      .filter((line) => line.includes('"audit":true'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const generatedEvent = events.find((event) => event.type === 'handoff.generate' && event.outcome === 'success');
    assert.deepEqual(
      { userId: generatedEvent?.userId, app: generatedEvent?.app, accountId: generatedEvent?.accountId },
      { userId: f.userId, app: 'hi-events', accountId: f.accountId },
    );
    assert.match(String(generatedEvent?.ip), /127\.0\.0\.1/);
    assert.ok(events.some((event) => event.type === 'handoff.validate' && event.outcome === 'success' && event.userId === f.userId));
    assert.ok(
      f.server.logs.some((line) => line.includes('"type":"handoff.validate"') && line.includes('"reason":"replay"')),
      'the failed validation is audited with its reason',
    );
    assert.ok(events.some((event) => event.type === 'handoff.revoke' && event.count === 1));
    const everything = f.server.logs.join('\n');
    for (const secret of [token, second, sha256Hex(token), f.secret]) assert.ok(!everything.includes(secret), 'no token in the logs');
  });

  test('only SHA-256 hashes are stored; user agent and IP are recorded', async () => {
    const generated = await generate(f, {}, { 'user-agent': 'Agent/1.0 (Test; café)', 'x-forwarded-for': '203.0.113.9' });
    const token = String(generated.body.session_token);
    const rows = await f.server.dataSource.query(
      `SELECT token_hash, user_agent, ip_address FROM cross_app_sessions WHERE token_hash = '${sha256Hex(token)}'`,
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0].user_agent, 'Agent/1.0 (Test; café)');
    assert.match(String(rows[0].ip_address), /127\.0\.0\.1/, 'X-Forwarded-For is ignored without trusted proxies');
    const plaintext = await f.server.dataSource.query(`SELECT COUNT(*) AS n FROM cross_app_sessions WHERE token_hash = '${token}'`);
    assert.equal(Number(plaintext[0].n), 0);
  });

  test('unknown, expired, used, revoked and other-app tokens all get the same 404', async () => {
    const fresh = async () => String((await generate(f)).body.session_token);
    const expired = await fresh();
    const interval = f.server.dataSource.options.type === 'postgres' ? "INTERVAL '1 minute'" : 'INTERVAL 1 MINUTE';
    await f.server.dataSource.query(
      `UPDATE cross_app_sessions SET expires_at = CURRENT_TIMESTAMP - ${interval} WHERE token_hash = '${sha256Hex(expired)}'`,
    );
    const used = await fresh();
    await asApp(f, 'POST', 'validate-session', { session_token: used });
    const revoked = await fresh();
    await f.server.request('POST', '/api/cross-app/revoke', { token: f.userToken, json: { session_token: revoked } });
    const otherApps = await fresh();

    const answers: Array<Record<string, unknown>> = [];
    for (const [name, token, secret] of [
      ['unknown', 'a'.repeat(64), f.secret],
      ['expired', expired, f.secret],
      ['used', used, f.secret],
      ['revoked', revoked, f.secret],
      ["another app's", otherApps, f.otherSecret],
    ] as const) {
      const result = await asApp(f, 'POST', 'validate-session', { session_token: token }, secret);
      assert.equal(result.status, 404, name);
      answers.push({ ...result.body, timestamp: undefined, requestId: undefined });
    }
    assert.ok(answers.every((answer) => JSON.stringify(answer) === JSON.stringify(answers[0])), 'indistinguishable');
    assert.deepEqual(answers[0], {
      statusCode: 404,
      code: 'SESSION_INVALID',
      message: 'Session token is invalid or expired',
      timestamp: undefined,
      path: '/api/cross-app/validate-session',
      requestId: undefined,
    });
    const stillValid = await asApp(f, 'POST', 'validate-session', { session_token: otherApps });
    assert.equal(stillValid.status, 200, "another app's attempt does not consume the token");
  });

  test('generate checks the target app, the account and the callback URL', async () => {
    const cases: Array<[Record<string, unknown>, number, string, string | undefined]> = [
      [{ target_app: 'nope' }, 400, 'TARGET_APP_UNKNOWN', 'target_app'],
      [{ account_id: f.otherAccountId }, 403, 'ACCOUNT_FORBIDDEN', 'account_id'],
      [{ account_id: 999_999 }, 403, 'ACCOUNT_FORBIDDEN', 'account_id'],
      [{ callback_url: 'https://evil.example/steal' }, 400, 'CALLBACK_NOT_ALLOWED', 'callback_url'],
      [{ callback_url: 'https://hi.events.test.evil.example/' }, 400, 'CALLBACK_NOT_ALLOWED', 'callback_url'],
    ];
    for (const [body, status, code, field] of cases) {
      const result = await generate(f, body);
      assert.deepEqual([result.status, result.body.code, result.body.field], [status, code, field], JSON.stringify(body));
    }
    const allowed = await generate(f, { callback_url: 'https://hi.events.test/welcome?x=1', account_id: null });
    assert.equal(allowed.status, 200, allowed.text);
    const anonymous = await f.server.request('POST', '/api/cross-app/generate-session', { json: {} });
    assert.deepEqual([anonymous.status, anonymous.body.code], [401, 'AUTH_REQUIRED']);
  });

  test('a failed statement does not break the connection for the next requests', async () => {
    assert.equal((await generate(f)).status, 200);
    await assert.rejects(execute(f.server.dataSource, 'SELECT * FROM no_such_table'));
    for (let index = 0; index < 3; index++) assert.equal((await generate(f)).status, 200);
  });

  test('the sessions list shows the caller\'s sessions, newest first, without tokens', async () => {
    const result = await f.server.request<{ sessions: Array<Record<string, unknown>> }>('GET', '/api/cross-app/sessions', { token: f.userToken });
    assert.equal(result.status, 200);
    const ids = result.body.sessions.map((session) => Number(session.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    assert.ok(ids.length >= 5);
    for (const session of result.body.sessions) {
      assert.ok(!('token_hash' in session) && !('session_token' in session));
      assert.ok(['active', 'used', 'expired', 'revoked'].includes(String(session.status)));
    }
  });

  test('revoke: own sessions by id or all; another user\'s untouched; operators revoke anyone\'s', async () => {
    const { token: otherUser } = await f.server.userWithToken('pia@example.com');
    const theirs = await f.server.request('POST', '/api/cross-app/generate-session', { token: otherUser, json: {} });
    const [row] = await f.server.dataSource.query(
      `SELECT id, user_id FROM cross_app_sessions WHERE token_hash = '${sha256Hex(String(theirs.body.session_token))}'`,
    );
    const notMine = await f.server.request('POST', '/api/cross-app/revoke', { token: f.userToken, json: { session_id: row.id } });
    assert.deepEqual(notMine.body, { revoked: 0 });
    const forbidden = await f.server.request('POST', '/api/cross-app/revoke', {
      token: f.userToken,
      json: { all: true, user_id: row.user_id },
    });
    assert.deepEqual([forbidden.status, forbidden.body.code], [403, 'FORBIDDEN']);
    const byAdmin = await f.server.admin('POST', '/../cross-app/revoke', { all: true, user_id: row.user_id });
    assert.deepEqual([byAdmin.status, byAdmin.body], [200, { revoked: 1 }]);
    const all = await f.server.request('POST', '/api/cross-app/revoke', { token: f.userToken, json: { all: true } });
    assert.equal(all.status, 200);
    assert.ok(Number(all.body.revoked) >= 1);
  });
}

describeEachDatabase(
  'cross-app handoff behind a trusted proxy',
  (database) => {
    test('X-Forwarded-For from a trusted proxy is the recorded address, if it is one', async () => {
      const server = await TestServer.start(database(), { HANDOFF_TRUSTED_PROXIES: '127.0.0.1,::1,::ffff:127.0.0.1' });
      try {
        const f = await fixture(server);
        const recorded = async (forwarded: string): Promise<string> => {
          const generated = await generate(f, {}, { 'x-forwarded-for': forwarded });
          assert.equal(generated.status, 200, generated.text);
          const [row] = await server.dataSource.query(
            `SELECT ip_address FROM cross_app_sessions WHERE token_hash = '${sha256Hex(String(generated.body.session_token))}'`,
          );
          return String(row.ip_address);
        };
        assert.equal(await recorded('198.51.100.23'), '198.51.100.23');
        for (const forged of ['not-an-ip', "1.2.3.4'; DROP TABLE users; --", 'x'.repeat(100)]) {
          assert.match(await recorded(forged), /127\.0\.0\.1/, 'a forged value is not recorded: the peer is');
        }
      } finally {
        await server.close();
      }
    });

  },
);

describeEachDatabase(
  'single use under concurrency',
  (database) => {
    test('200 concurrent validations of one token, 20 times: exactly one 200 each time', async () => {
      const f = await fixture(await TestServer.start(database(), { HANDOFF_RATE_LIMITS: HIGH_LIMITS, DATABASE_POOL_SIZE: '20' }));
      try {
        for (let round = 0; round < 20; round++) {
          const token = String((await generate(f, { account_id: f.accountId })).body.session_token);
          const results = await Promise.all(
            Array.from({ length: 200 }, () => asApp(f, 'POST', 'validate-session', { session_token: token })),
          );
          const statuses = results.map((result) => result.status);
          assert.equal(statuses.filter((status) => status === 200).length, 1, `round ${round}: one winner`);
          assert.equal(statuses.filter((status) => status === 404).length, 199, `round ${round}: ${JSON.stringify(statuses.filter((s) => s !== 200 && s !== 404))}`);
          const [row] = await f.server.dataSource.query(
            `SELECT used_at, revoked_at FROM cross_app_sessions WHERE token_hash = '${sha256Hex(token)}'`,
          );
          assert.ok(row.used_at, 'used_at is set');
          // The 199 others are replays of a consumed token: the session is revoked.
          await eventually(async () => {
            const [after] = await f.server.dataSource.query(
              `SELECT revoked_at FROM cross_app_sessions WHERE token_hash = '${sha256Hex(token)}'`,
            );
            return Boolean(after.revoked_at);
          }, 'a concurrent duplicate counts as a replay');
        }
      } finally {
        await f.server.close();
      }
    });
  },
  ['postgres', 'mariadb'],
);
