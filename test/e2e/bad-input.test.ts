import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../support/test-databases.js';
import { ADMIN_TOKEN, type HttpResult, TestServer } from '../support/test-server.js';

const TABLES = [
  'users',
  'accounts',
  'account_members',
  'account_resources',
  'cross_app_sessions',
  'auth_user_tokens',
  'target_apps',
  'target_app_secrets',
  'rate_limits',
];

/** Strings an attacker or a broken client sends. */
const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "x'; DROP TABLE users; --",
  '😀'.repeat(20),
  'nul\u0000byte',
  'x'.repeat(5000),
  '',
  ' ',
];

describeEachDatabase('bad input: the documented 4xx, never a 5xx, nothing written', (database) => {
  let server: TestServer;
  let userToken: string;
  let secret: string;
  let sessionToken: string;

  before(async () => {
    server = await TestServer.start(database());
    secret = await server.app('hi-events');
    ({ token: userToken } = await server.userWithToken('bad@example.com'));
    const generated = await server.request('POST', '/api/cross-app/generate-session', { token: userToken, json: {} });
    sessionToken = String(generated.body.session_token);
  });
  after(async () => {
    await server?.close();
  });

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = Number((await server.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    return counts;
  }

  /** Sends a raw body (any content type) to a path. */
  async function raw(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<HttpResult> {
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  function assertRefused(result: HttpResult, allowed: number[], context: string): void {
    assert.ok(result.status < 500, `${context}: ${result.status} ${result.text.slice(0, 200)}`);
    assert.ok(allowed.includes(result.status), `${context}: got ${result.status} ${result.text.slice(0, 200)}`);
    assert.equal(typeof result.body.code, 'string', `${context}: a code`);
    assert.ok(!result.text.includes(' at '), `${context}: no stack trace`);
  }

  const userEndpoints = (): Array<[string, string, Record<string, string>]> => [
    ['POST', '/api/cross-app/generate-session', { authorization: `Bearer ${userToken}` }],
    ['POST', '/api/cross-app/revoke', { authorization: `Bearer ${userToken}` }],
    ['POST', '/api/cross-app/validate-session', { 'x-shared-secret': secret }],
    ['POST', '/api/cross-app/validate-permission', { 'x-shared-secret': secret }],
    ['POST', '/api/admin/users', { authorization: `Bearer ${ADMIN_TOKEN}` }],
    ['POST', '/api/admin/tokens', { authorization: `Bearer ${ADMIN_TOKEN}` }],
    ['POST', '/api/admin/accounts', { authorization: `Bearer ${ADMIN_TOKEN}` }],
    ['POST', '/api/admin/apps', { authorization: `Bearer ${ADMIN_TOKEN}` }],
  ];

  test('malformed JSON, a 1 MB body, a wrong content type, a non-object body', async () => {
    const countsBefore = await rowCounts();
    for (const [method, path, headers] of userEndpoints()) {
      const json = { ...headers, 'content-type': 'application/json' };
      assertRefused(await raw(method, path, '{"session_token": ', json), [400], `${path} malformed JSON`);
      assertRefused(await raw(method, path, JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }), json), [413], `${path} 1 MB`);
      assertRefused(await raw(method, path, 'session_token=abc', { ...headers, 'content-type': 'text/plain' }), [400, 415], `${path} text/plain`);
      assertRefused(await raw(method, path, '[1,2,3]', json), [400], `${path} an array`);
      assertRefused(await raw(method, path, 'null', json), [400], `${path} null`);
    }
    assert.deepEqual(await rowCounts(), countsBefore);
  });

  test('wrong types, missing fields, hostile strings in every field', async () => {
    const countsBefore = await rowCounts();
    const bodies: Array<[string, string, Record<string, string>, Array<Record<string, unknown>>]> = [
      ['POST', '/api/cross-app/generate-session', { authorization: `Bearer ${userToken}` }, [
        { account_id: 'one' }, { account_id: -1 }, { account_id: 1.5 }, { account_id: 2 ** 40 }, { target_app: 42 },
        { callback_url: 'javascript:alert(1)' }, { unexpected: true },
        ...HOSTILE_STRINGS.flatMap((value) => [{ target_app: value }, { callback_url: value }]),
      ]],
      ['POST', '/api/cross-app/validate-session', { 'x-shared-secret': secret }, [
        {}, { session_token: 42 }, { session_token: 'A'.repeat(64) }, { session_token: 'a'.repeat(63) }, { session_token: 'a'.repeat(65) },
        { session_token: 'g'.repeat(64) }, { session_token: [sessionToken] },
        ...HOSTILE_STRINGS.map((value) => ({ session_token: value })),
      ]],
      ['POST', '/api/cross-app/validate-permission', { 'x-shared-secret': secret }, [
        { session_token: sessionToken }, { session_token: sessionToken, permission: 5 },
        ...HOSTILE_STRINGS.flatMap((value) => [
          { session_token: sessionToken, permission: value },
          { session_token: sessionToken, permission: 'create_events', resource_id: value },
        ]),
      ]],
      ['POST', '/api/cross-app/revoke', { authorization: `Bearer ${userToken}` }, [
        {}, { session_id: 'x' }, { all: false }, { session_token: 'short' }, { session_id: 1, all: true },
        ...HOSTILE_STRINGS.map((value) => ({ session_token: value })),
      ]],
      ['POST', '/api/admin/users', { authorization: `Bearer ${ADMIN_TOKEN}` }, [
        {}, { email: 42 }, { email: 'not-an-email' }, { email: 'a@example.com', name: 7 },
        ...HOSTILE_STRINGS.map((value) => ({ email: value })),
        // Names may hold quotes and emoji (see below); not NUL bytes, blanks or 5000 characters.
        ...['nul\u0000byte', 'x'.repeat(5000), '', ' '].map((name) => ({ email: 'ok@example.com', name })),
      ]],
      ['POST', '/api/admin/tokens', { authorization: `Bearer ${ADMIN_TOKEN}` }, [
        {}, { user_id: 'x' }, { email: 'bad@example.com', user_id: 1 }, { email: 'bad@example.com', ttl: 10 },
        { email: 'bad@example.com', ttl: 10 ** 9 }, ...HOSTILE_STRINGS.map((value) => ({ email: value })),
      ]],
      ['POST', '/api/admin/apps', { authorization: `Bearer ${ADMIN_TOKEN}` }, [
        {}, { name: 'UPPER' }, { name: 'ok-app', origins: ['https://x.example/path'] }, { name: 'ok-app', origins: 'https://x.example' },
        ...HOSTILE_STRINGS.map((value) => ({ name: value })),
      ]],
    ];
    for (const [method, path, headers, cases] of bodies) {
      for (const body of cases) {
        const result = await raw(method, path, JSON.stringify(body), { ...headers, 'content-type': 'application/json' });
        assertRefused(result, [400, 404, 409], `${path} ${JSON.stringify(body).slice(0, 80)}`);
        if (result.status === 400) assert.equal(result.body.code, 'VALIDATION_ERROR', `${path} ${JSON.stringify(body).slice(0, 80)}`);
      }
    }
    assert.deepEqual(await rowCounts(), countsBefore);
  });

  test('names with quotes and 4-byte characters are stored and read back whole', async () => {
    for (const name of ['Zoë 😀 𝔘𝔫𝔦', "x'; DROP TABLE users; --"]) {
      const created = await server.admin('POST', '/users', { email: `n${name.length}@example.com`, name });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.name, name);
    }
    const [row] = await server.dataSource.query('SELECT COUNT(*) AS n FROM users');
    assert.ok(Number(row.n) >= 3, 'the users table is still there');
  });

  test('target-app credentials: none, wrong of the right length, malformed, another header', async () => {
    const countsBefore = await rowCounts();
    const body = JSON.stringify({ session_token: sessionToken });
    for (const [name, headers] of Object.entries({
      none: {},
      'wrong secret of the right length': { 'x-shared-secret': 'f'.repeat(64) },
      'upper-case secret': { 'x-shared-secret': secret.toUpperCase() },
      'too short': { 'x-shared-secret': secret.slice(0, 10) },
      'injection': { 'x-shared-secret': "' OR '1'='1" },
      'as a bearer token': { authorization: `Bearer ${secret}` },
    })) {
      const result = await raw('POST', '/api/cross-app/validate-session', body, {
        ...(headers as Record<string, string>),
        'content-type': 'application/json',
      });
      assertRefused(result, [401], name);
      assert.equal(result.body.code, 'INVALID_CLIENT', name);
    }
    for (const limit of ['abc', '-1', '0', '100000', '1e309', "1' OR '1'='1"]) {
      const sessions = await raw('GET', `/api/cross-app/sessions?limit=${encodeURIComponent(limit)}`, undefined, {
        authorization: `Bearer ${userToken}`,
      });
      assertRefused(sessions, [400], `sessions?limit=${limit}`);
      assert.equal(sessions.body.field, 'limit');
    }
    for (const header of ['x'.repeat(64), sessionToken.toUpperCase(), 'a'.repeat(2000)]) {
      const result = await raw('GET', '/api/cross-app/user-accounts', undefined, { 'x-shared-secret': secret, 'x-session-token': header });
      assertRefused(result, [400, 404], 'user-accounts with a malformed X-Session-Token');
    }
    const accounts = await raw('GET', `/api/cross-app/user-accounts?session_token=${encodeURIComponent("' OR 1=1 --")}`, undefined, {
      'x-shared-secret': secret,
    });
    assertRefused(accounts, [400], 'user-accounts with an injection string');
    assert.equal(accounts.body.field, 'session_token');
    assert.deepEqual(await rowCounts(), countsBefore);
    const stillValid = await server.request('POST', '/api/cross-app/validate-session', {
      json: { session_token: sessionToken },
      headers: { 'x-shared-secret': secret },
    });
    assert.equal(stillValid.status, 200, 'none of this consumed the token');
  });
});
