import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { describeEachDatabase, needsRedis, REDIS_URL, type TestDatabase } from '../support/test-databases.js';
import { type HttpResult, TestServer } from '../support/test-server.js';

/** Tests share their suite's database: each registers a target app of its own. */
let appCounter = 0;
async function newApp(server: TestServer): Promise<string> {
  const name = `app-${++appCounter}`;
  await server.app(name);
  return name;
}

function generate(server: TestServer, token: string, app: string): Promise<HttpResult> {
  return server.request('POST', '/api/cross-app/generate-session', { token, json: { target_app: app } });
}

/** Generates from alternating instances until `count` requests have been made; returns the statuses. */
async function generateAcross(servers: TestServer[], token: string, app: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index++) statuses.push((await generate(servers[index % servers.length]!, token, app)).status);
  return statuses;
}

/**
 * Two instances on one database (PGlite cannot: it is single-process), behind one public URL as
 * in a real deployment, so that a token issued by one is accepted by the other.
 */
async function twoInstances(database: TestDatabase, env: Record<string, string> = {}): Promise<[TestServer, TestServer]> {
  const shared = { HANDOFF_PUBLIC_URL: 'https://handoff.example.test', ...env };
  const first = await TestServer.start(database, shared);
  const second = await TestServer.start(database, shared);
  return [first, second];
}

describeEachDatabase('rate limits', (database) => {
  test('generate: 10 a minute per user, with X-RateLimit headers, then 429 with Retry-After', async () => {
    const server = await TestServer.start(database());
    try {
      const app = await newApp(server);
      const { token } = await server.userWithToken('rl@example.com');
      const { token: other } = await server.userWithToken('other@example.com');
      for (let index = 1; index <= 10; index++) {
        const result = await generate(server, token, app);
        assert.equal(result.status, 200, result.text);
        assert.equal(result.headers.get('x-ratelimit-limit'), '10');
        assert.equal(result.headers.get('x-ratelimit-remaining'), String(10 - index));
        const reset = Number(result.headers.get('x-ratelimit-reset'));
        assert.ok(reset > Date.now() / 1000 && reset <= Date.now() / 1000 + 61, `reset ${reset}`);
      }
      const refused = await generate(server, token, app);
      assert.equal(refused.status, 429);
      assert.equal(refused.body.code, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
      assert.equal((await generate(server, other, app)).status, 200, 'another user has a budget of its own');
      assert.ok(server.logs.some((line) => line.includes('"type":"rate_limit.refused"') && line.includes('"reason":"generate"')));
    } finally {
      await server.close();
    }
  });

  test('validate per target app, user-accounts and validate-permission per session', async () => {
    const limits = { validate: { points: 2, seconds: 60 }, userAccounts: { points: 2, seconds: 60 }, validatePermission: { points: 2, seconds: 60 } };
    const server = await TestServer.start(database(), { HANDOFF_RATE_LIMITS: JSON.stringify(limits) });
    try {
      const [appA, appB, appC] = [`limited-${++appCounter}`, `limited-${++appCounter}`, `limited-${++appCounter}`];
      const secret = await server.app(appA);
      const otherSecret = await server.app(appB);
      const thirdSecret = await server.app(appC);
      const { token } = await server.userWithToken('rl2@example.com');
      const session = async (app = appA) =>
        String((await server.request('POST', '/api/cross-app/generate-session', { token, json: { target_app: app } })).body.session_token);
      const validate = (sessionToken: string, appSecret = secret) =>
        server.request('POST', '/api/cross-app/validate-session', { json: { session_token: sessionToken }, headers: { 'x-shared-secret': appSecret } });
      assert.equal((await validate(await session())).status, 200);
      assert.equal((await validate(await session())).status, 200);
      assert.equal((await validate(await session())).status, 429, 'the third validation of the app in a minute');
      assert.equal((await validate(await session(appB), otherSecret)).status, 200, 'another app is not limited by it');

      // user-accounts and validate-permission answer for validated sessions.
      const [first, second] = [await session(appC), await session(appC)];
      assert.equal((await validate(first, thirdSecret)).status, 200);
      assert.equal((await validate(second, thirdSecret)).status, 200);
      const accounts = (sessionToken: string) =>
        server.request('GET', '/api/cross-app/user-accounts', { headers: { 'x-shared-secret': thirdSecret, 'x-session-token': sessionToken } });
      assert.deepEqual([(await accounts(first)).status, (await accounts(first)).status, (await accounts(first)).status], [200, 200, 429]);
      assert.equal((await accounts(second)).status, 200, 'per session');
      const permission = (sessionToken: string) =>
        server.request('POST', '/api/cross-app/validate-permission', {
          json: { session_token: sessionToken, permission: 'create_events' },
          headers: { 'x-shared-secret': thirdSecret },
        });
      assert.deepEqual([(await permission(first)).status, (await permission(first)).status, (await permission(first)).status], [200, 200, 429]);
    } finally {
      await server.close();
    }
  });
});

describeEachDatabase('rate limits counted with the write', (database) => {
  test('a refused generate writes no session; a refused validation leaves the token valid for later', async () => {
    const limits = { generate: { points: 2, seconds: 60 }, validate: { points: 1, seconds: 1 } };
    const server = await TestServer.start(database(), { HANDOFF_RATE_LIMITS: JSON.stringify(limits) });
    try {
      const app = await newApp(server);
      const secret = await server.app(`${app}-v`);
      const { token } = await server.userWithToken('counted@example.com');
      const sessions = async () => (await server.request<{ sessions: unknown[] }>('GET', '/api/cross-app/sessions', { token })).body.sessions.length;
      const tokens = [];
      for (const status of [200, 200]) {
        const result = await server.request('POST', '/api/cross-app/generate-session', { token, json: { target_app: `${app}-v` } });
        assert.equal(result.status, status, result.text);
        tokens.push(String(result.body.session_token));
      }
      assert.equal((await generate(server, token, app)).status, 429);
      assert.equal(await sessions(), 2, 'the refused generate inserted nothing');

      const validate = (sessionToken: string) =>
        server.request('POST', '/api/cross-app/validate-session', { json: { session_token: sessionToken }, headers: { 'x-shared-secret': secret } });
      assert.equal((await validate(tokens[0]!)).status, 200);
      const refused = await validate(tokens[1]!);
      assert.equal(refused.status, 429, refused.text);
      // The window is one second: once it has passed, the refused token validates, once.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.equal((await validate(tokens[1]!)).status, 200, 'the refused validation did not consume the token');
    } finally {
      await server.close();
    }
  });

  for (const counters of ['database', 'redis'] as const) {
    test(`a revoked access token gets 401, before the target app or the limit is told, and spends none of its user's limit, nor does a 403 (counters in ${counters})`, counters === 'redis' ? needsRedis() : {}, async () => {
      const limits = { generate: { points: 3, seconds: 60 } };
      const redis: Record<string, string> = counters === 'redis' ? { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}` } : {};
      const server = await TestServer.start(database(), { HANDOFF_RATE_LIMITS: JSON.stringify(limits), ...redis });
      try {
        const app = await newApp(server);
        const email = `revoked-${counters}@example.com`;
        const { token: revoked } = await server.userWithToken(email);
        assert.equal((await server.request('POST', '/api/tokens/revoke-all', { token: revoked })).status, 200);
        const { token } = await server.userWithToken(email);
        const refusedAsRevoked = async (when: string) => {
          for (const target of [app, app, app, app, 'no-such-app']) {
            const result = await server.request('POST', '/api/cross-app/generate-session', { token: revoked, json: { target_app: target } });
            assert.deepEqual([result.status, result.body.code], [401, 'TOKEN_INVALID'], `${when}, ${target}: ${result.text}`);
            assert.equal(result.headers.get('x-ratelimit-remaining'), null, `${when}: the user's limit is not shown`);
          }
        };
        await refusedAsRevoked('before the user generates');
        const notMember = await server.request('POST', '/api/cross-app/generate-session', { token, json: { target_app: app, account_id: 987_654 } });
        assert.deepEqual([notMember.status, notMember.body.code], [403, 'ACCOUNT_FORBIDDEN'], notMember.text);
        const statuses = [];
        for (let index = 0; index < 3; index++) {
          const result = await generate(server, token, app);
          statuses.push(result.status);
          assert.equal(result.headers.get('x-ratelimit-remaining'), String(2 - index), 'the revoked token and the refused account spent none of the limit');
        }
        assert.deepEqual(statuses, [200, 200, 200]);
        assert.equal((await generate(server, token, app)).status, 429);
        await refusedAsRevoked('once the user has spent the limit');
        const mine = await server.request<{ sessions: unknown[] }>('GET', '/api/cross-app/sessions', { token });
        assert.equal(mine.body.sessions.length, 3, 'the revoked token wrote nothing');
      } finally {
        await server.close();
      }
    });
  }
});

describeEachDatabase(
  'rate limits across instances',
  (database) => {
    test('two instances on one database share the generate limit', async () => {
      const [first, second] = await twoInstances(database());
      try {
        const app = await newApp(first);
        const { token } = await first.userWithToken('shared@example.com');
        const statuses = await generateAcross([first, second], token, app, 14);
        assert.equal(statuses.filter((status) => status === 200).length, 10, JSON.stringify(statuses));
        assert.equal(statuses.filter((status) => status === 429).length, 4);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    test('two instances with Redis share the generate limit', needsRedis(), async () => {
      const env = { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}` };
      const [first, second] = await twoInstances(database(), env);
      try {
        const app = await newApp(first);
        const { token } = await first.userWithToken('redis@example.com');
        const countRows = async () => Number((await first.dataSource.query('SELECT COUNT(*) AS n FROM rate_limits'))[0].n);
        const rowsBefore = await countRows();
        const statuses = await generateAcross([first, second], token, app, 14);
        assert.equal(statuses.filter((status) => status === 200).length, 10, JSON.stringify(statuses));
        assert.equal(await countRows(), rowsBefore, 'counted in Redis, not in the database');
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    test('with Redis unreachable, generate falls back to a per-instance limit and keeps answering', async () => {
      const env = { REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: 'unreachable' };
      const [first, second] = await twoInstances(database(), env);
      try {
        const app = await newApp(first);
        const { token } = await first.userWithToken('fallback@example.com');
        const statuses = await generateAcross([first], token, app, 11);
        assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200));
        assert.equal(statuses[10], 429, 'still limited, in memory');
        assert.equal((await generate(second, token, app)).status, 200, 'each instance counts on its own');
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });
  },
  ['postgres', 'mariadb'],
);
