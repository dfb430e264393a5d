import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { SignJWT } from 'jose';
import { AuthUserToken } from '../../src/access-tokens/auth-user-token.entity.js';
import { sha256Hex } from '../../src/common/crypto.js';
import { SigningKeysService } from '../../src/signing-keys/signing-keys.service.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { ADMIN_TOKEN, TestServer } from '../support/test-server.js';

const basic = (id: string, secret: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

/** A token signed by Handoff's key, with its registry row, whose `exp` is an hour ago. */
async function registeredButExpired(server: TestServer): Promise<string> {
  const { kid, algorithm, privateKey } = await server.server.app.get(SigningKeysService).signingKey();
  const now = Math.floor(Date.now() / 1000);
  const [user] = await server.dataSource.query("SELECT id FROM users WHERE email = 'iris@example.com'");
  const jti = randomUUID();
  const token = await new SignJWT({ sub: String(user.id), aud: 'handoff', iss: server.url, iat: now - 7200, exp: now - 3600, jti })
    .setProtectedHeader({ alg: algorithm, kid })
    .sign(privateKey);
  await server.dataSource.getRepository(AuthUserToken).insert({
    userId: user.id,
    accessToken: sha256Hex(token),
    jti,
    expiresAt: new Date((now - 3600) * 1000),
    disabled: false,
  });
  return token;
}

describeEachDatabase('OAuth: introspection (RFC 7662), revocation (RFC 7009), metadata (RFC 8414)', (database) => {
  let server: TestServer;
  let secret: string;
  let otherSecret: string;
  let token: string;

  before(async () => {
    server = await TestServer.start(database());
    secret = await server.app('hi-events');
    otherSecret = await server.app('tuvens');
    ({ token } = await server.userWithToken('iris@example.com'));
  });
  after(async () => {
    await server?.close();
  });

  const introspect = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    server.request('POST', '/oauth/introspect', { form, headers });

  test('the metadata names the endpoints, and its issuer is the URL it is served under', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const metadata = await server.request('GET', path);
      assert.equal(metadata.status, 200);
      assert.equal(metadata.body.issuer, server.url);
      assert.equal(metadata.body.jwks_uri, `${server.url}/.well-known/jwks.json`);
      assert.equal(metadata.body.introspection_endpoint, `${server.url}/oauth/introspect`);
      assert.equal(metadata.body.revocation_endpoint, `${server.url}/oauth/revoke`);
      assert.deepEqual(metadata.body.introspection_endpoint_auth_methods_supported, [
        'client_secret_basic',
        'client_secret_post',
      ]);
    }
  });

  test('introspection of an active token, with client_secret_basic and client_secret_post', async () => {
    for (const [form, headers] of [
      [{ token }, basic('hi-events', secret)],
      [{ token, client_id: 'hi-events', client_secret: secret }, {}],
    ] as const) {
      const result = await introspect(form, headers);
      assert.equal(result.status, 200);
      assert.equal(result.headers.get('cache-control'), 'no-store');
      assert.equal(result.body.active, true);
      assert.equal(result.body.username, 'iris@example.com');
      assert.equal(result.body.iss, server.url);
      for (const claim of ['sub', 'exp', 'iat', 'jti']) assert.ok(result.body[claim] !== undefined, claim);
    }
  });

  test('introspection requires valid client credentials', async () => {
    const cases: Array<[string, Record<string, string>, Record<string, string>, boolean]> = [
      ['none', { token }, {}, false],
      ['wrong secret', { token }, basic('hi-events', 'f'.repeat(64)), true],
      ['unknown client', { token }, basic('nobody', secret), true],
      ['another client\'s secret', { token }, basic('hi-events', otherSecret), true],
      ['client_id without secret', { token, client_id: 'hi-events' }, {}, false],
      ['two methods at once', { token, client_id: 'hi-events', client_secret: secret }, basic('hi-events', secret), true],
    ];
    for (const [name, form, headers, challenged] of cases) {
      const result = await introspect(form, headers);
      assert.equal(result.status, 401, name);
      assert.equal(result.body.error, 'invalid_client', name);
      assert.equal(result.body.code, 'INVALID_CLIENT', name);
      assert.equal(result.headers.get('www-authenticate') !== null, challenged, `${name}: Basic challenge`);
    }
    const noToken = await introspect({}, basic('hi-events', secret));
    assert.equal(noToken.status, 400);
    assert.equal(noToken.body.error, 'invalid_request');
    assert.equal(noToken.body.field, 'token');
  });

  test('anything not active is exactly {"active": false}', async () => {
    const { token: disabled } = await server.userWithToken('iris@example.com');
    assert.equal((await server.request('POST', '/api/tokens/revoke-all', { token: disabled })).status, 200);
    const { token: forTuvens } = await server.userWithToken('iris@example.com', { audience: 'tuvens' });
    const expired = await registeredButExpired(server);
    for (const [name, candidate] of Object.entries({
      disabled,
      'another audience': forTuvens,
      expired,
      'bad signature': forTuvens.replace(/\.[^.]+$/, '.AAAA'),
      unknown: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.AAAA',
      garbage: 'garbage',
    })) {
      const result = await introspect({ token: candidate }, basic('hi-events', secret));
      assert.equal(result.status, 200, name);
      assert.equal(result.text, '{"active":false}', name);
    }
    const own = await introspect({ token: forTuvens }, basic('tuvens', otherSecret));
    assert.equal(own.body.active, true, 'the audience it was issued for sees it active');
  });

  test('revocation answers exactly 200 for any token, and a revoked token is refused at once', async () => {
    for (const candidate of ['garbage', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.AAAA', 'x'.repeat(8192)]) {
      const result = await server.request('POST', '/oauth/revoke', { form: { token: candidate }, headers: basic('hi-events', secret) });
      assert.equal(result.status, 200);
      assert.equal(result.text, '');
    }
    const { token: victim } = await server.userWithToken('iris@example.com', { audience: 'hi-events' });
    const introspectVictim = () => server.request('POST', '/oauth/introspect', { form: { token: victim }, headers: basic('hi-events', secret) });
    assert.equal((await introspectVictim()).body.active, true);
    const revoked = await server.request('POST', '/oauth/revoke', {
      form: { token: victim, token_type_hint: 'access_token' },
      headers: basic('hi-events', secret),
    });
    assert.equal(revoked.status, 200);
    assert.equal((await introspectVictim()).text, '{"active":false}');
    const unauthenticated = await server.request('POST', '/oauth/revoke', { form: { token: victim } });
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.body.error, 'invalid_client');
  });

  // Issue 12: RFC 7009 revocation by a target app only revokes tokens issued to that app.
  test("a token for Handoff's own API cannot be revoked by a target app", async () => {
    const { token: forHandoff } = await server.userWithToken('iris@example.com');
    const answer = await server.request('POST', '/oauth/revoke', { form: { token: forHandoff }, headers: basic('hi-events', secret) });
    assert.equal(answer.status, 200, 'RFC 7009: 200 whatever the token');
    assert.equal((await server.request('GET', '/api/me', { token: forHandoff })).status, 200, 'still valid');
  });

  test('a token meant for another app cannot be revoked by this one', async () => {
    const { token: forTuvens } = await server.userWithToken('iris@example.com', { audience: 'tuvens' });
    await server.request('POST', '/oauth/revoke', { form: { token: forTuvens }, headers: basic('hi-events', secret) });
    const still = await server.request('POST', '/oauth/introspect', { form: { token: forTuvens }, headers: basic('tuvens', otherSecret) });
    assert.equal(still.body.active, true);
  });

  test('the admin API needs the admin token', async () => {
    assert.equal((await server.request('GET', '/api/admin/users')).status, 401);
    const wrong = await server.request('GET', '/api/admin/users', { token: `${ADMIN_TOKEN}x` });
    assert.deepEqual([wrong.status, wrong.body.code], [401, 'ADMIN_UNAUTHORIZED']);
    const userToken = await server.request('GET', '/api/admin/users', { token });
    assert.equal(userToken.status, 401, 'a user JWT is not an admin credential');
    assert.equal((await server.admin('GET', '/users')).status, 200);
  });

  test('no secret appears in any log line', async () => {
    const logs = server.logs.join('\n');
    for (const value of [secret, otherSecret, token, ADMIN_TOKEN]) assert.ok(!logs.includes(value));
  });
});

describeEachDatabase(
  'failure is never success',
  (database) => {
    test('with the database gone, revocation answers 503 and no token is accepted', async () => {
      const server = await TestServer.start(database());
      try {
        const secret = await server.app('hi-events');
        const { token } = await server.userWithToken('zoe@example.com');
        assert.equal((await server.request('GET', '/api/me', { token })).status, 200);

        await database().drop();
        const me = await server.request('GET', '/api/me', { token });
        assert.equal(me.status, 503);
        assert.equal(me.body.code, 'DATABASE_UNAVAILABLE');
        const revoke = await server.request('POST', '/oauth/revoke', {
          form: { token },
          headers: basic('hi-events', secret),
        });
        assert.equal(revoke.status, 503, 'never 200 when the revocation could not be written');
        assert.equal(revoke.body.error, 'temporarily_unavailable');
        const introspection = await server.request('POST', '/oauth/introspect', {
          form: { token, client_id: 'hi-events', client_secret: secret },
        });
        assert.equal(introspection.status, 503);
      } finally {
        await server.close().catch(() => undefined);
      }
    });
  },
  ['postgres', 'mariadb'],
);
