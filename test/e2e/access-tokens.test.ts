import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  base64url,
  type CryptoKey,
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { AuthUserToken } from '../../src/access-tokens/auth-user-token.entity.js';
import { sha256Hex } from '../../src/common/crypto.js';
import { SigningKeysService } from '../../src/signing-keys/signing-keys.service.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { freePort, TestServer } from '../support/test-server.js';

const SECONDS = () => Math.floor(Date.now() / 1000);

describeEachDatabase('access tokens: issue, publish, verify, refuse', (database) => {
  let server: TestServer;
  const issued: string[] = [];
  /** Log lines of servers this suite has stopped, for the final scan. */
  const earlierLogs: string[] = [];
  // Fixed, so that the issuer stays the same when the server restarts.
  let port: string;

  before(async () => {
    port = String(await freePort());
    server = await TestServer.start(database(), { PORT: port });
  });
  after(async () => {
    await server?.close();
  });

  /**
   * Gives a crafted token the registry row an issued token would have (its hash and jti), so
   * that the only thing wrong with it is the one a case is about.
   */
  async function register(token: string): Promise<string> {
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { sub: string; jti: string };
    await server.dataSource.getRepository(AuthUserToken).insert({
      userId: Number(claims.sub),
      accessToken: sha256Hex(token),
      jti: claims.jti,
      expiresAt: new Date(Date.now() + 600_000),
      disabled: false,
    });
    return token;
  }

  /** Signs arbitrary claims with Handoff's current private key, as only Handoff can. */
  async function forge(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const { kid, algorithm, privateKey } = await server.server.app.get(SigningKeysService).signingKey();
    const now = SECONDS();
    return new SignJWT({ iss: server.url, aud: 'handoff', iat: now, exp: now + 600, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: algorithm, kid, ...header })
      .sign(privateKey);
  }

  test('an issued JWT verifies with a standard JOSE library against the published JWKS', async () => {
    const { userId, token } = await server.userWithToken('ada@example.com');
    issued.push(token);
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, 'ES256');
    assert.equal(typeof header.kid, 'string');

    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, { issuer: server.url, audience: 'handoff' });
    assert.equal(payload.sub, String(userId));
    for (const claim of ['iss', 'sub', 'aud', 'iat', 'exp', 'jti']) assert.ok(payload[claim] !== undefined, claim);
    assert.equal(payload.exp! - payload.iat!, 3600);

    const rows = await server.dataSource.query('SELECT user_id, access_token, jti, disabled FROM auth_user_tokens');
    assert.equal(rows.length, 1);
    assert.equal(rows[0].access_token, sha256Hex(token), 'the registry keeps the SHA-256, not the JWT');
    assert.equal(rows[0].jti, payload.jti);
    assert.equal(Boolean(rows[0].disabled), false);

    const me = await server.request('GET', '/api/me', { token });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { id: userId, email: 'ada@example.com', name: 'ada' });

    const [key] = await server.dataSource.query('SELECT private_key_encrypted FROM signing_keys');
    assert.match(key.private_key_encrypted, /^v1\./, 'the private key is stored encrypted');
    assert.ok(!key.private_key_encrypted.includes('PRIVATE KEY'));
  });

  test('GET /api/tokens lists the caller\'s tokens without the token or its hash', async () => {
    const token = issued[0]!;
    const listed = await server.request<{ tokens: Array<Record<string, unknown>> }>('GET', '/api/tokens', { token });
    assert.equal(listed.status, 200);
    assert.equal(listed.body.tokens.length, 1);
    const [listedToken] = listed.body.tokens;
    assert.deepEqual(Object.keys(listedToken!).sort(), ['created_at', 'disabled', 'expires_at', 'id', 'updated_at']);
    assert.equal(listedToken!.disabled, false);
    const hoursLeft = (Date.parse(String(listedToken!.expires_at)) - Date.now()) / 3_600_000;
    assert.ok(hoursLeft > 0.95 && hoursLeft <= 1, `expires in an hour, got ${hoursLeft}`);
    assert.ok(!listed.text.includes(token) && !listed.text.includes(sha256Hex(token)));
  });

  test('key rotation: old and new tokens both verify; a retired key stops verifying once it leaves the JWKS', async () => {
    const oldToken = issued[0]!;
    const oldKid = decodeProtectedHeader(oldToken).kid;
    const rotated = await server.admin<{ kid: string; retired: string[] }>('POST', '/keys/rotate');
    assert.equal(rotated.status, 200);
    assert.deepEqual(rotated.body.retired, [oldKid]);

    // Issue 12: the new key is published before anything is signed with it, so that no instance
    // and no client's cached JWKS refuses its tokens; until its lead has passed the old key signs.
    const { token: duringLead } = await server.userWithToken('ada@example.com');
    assert.equal(decodeProtectedHeader(duringLead).kid, oldKid, 'the old key signs during the lead');
    const jwksBody = await server.request<{ keys: JWK[] }>('GET', '/.well-known/jwks.json');
    assert.deepEqual(jwksBody.body.keys.map((key) => key.kid).sort(), [oldKid, rotated.body.kid].sort());
    // The lead passes (the key's creation moved back; a restart re-reads the key set at once).
    const minutes = server.dataSource.options.type === 'postgres' ? "INTERVAL '5 minutes'" : 'INTERVAL 5 MINUTE';
    await server.dataSource.query(`UPDATE signing_keys SET created_at = created_at - ${minutes} WHERE retired_at IS NULL`);
    earlierLogs.push(...server.logs);
    await server.close();
    server = await TestServer.start(database(), { PORT: port });
    const { token: newToken } = await server.userWithToken('ada@example.com');
    assert.equal(decodeProtectedHeader(newToken).kid, rotated.body.kid);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    for (const token of [oldToken, newToken]) {
      await jwtVerify(token, jwks, { issuer: server.url, audience: 'handoff' });
      assert.equal((await server.request('GET', '/api/me', { token })).status, 200);
    }

    // Time passes beyond the longest token lifetime: the retired key is no longer published. (The
    // server is restarted because instances cache the key set for 30 s; real time would too.)
    const interval = server.dataSource.options.type === 'postgres' ? "INTERVAL '1 second'" : 'INTERVAL 1 SECOND';
    await server.dataSource.query(
      `UPDATE signing_keys SET publish_until = CURRENT_TIMESTAMP - ${interval} WHERE retired_at IS NOT NULL`,
    );
    earlierLogs.push(...server.logs);
    await server.close();
    server = await TestServer.start(database(), { PORT: port });
    const after = await server.request<{ keys: JWK[] }>('GET', '/.well-known/jwks.json');
    assert.deepEqual(after.body.keys.map((key) => key.kid), [rotated.body.kid]);
    const freshJwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    await assert.rejects(jwtVerify(oldToken, freshJwks, { issuer: server.url, audience: 'handoff' }));
    const refused = await server.request('GET', '/api/me', { token: oldToken });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, 'TOKEN_INVALID');
    assert.equal((await server.request('GET', '/api/me', { token: newToken })).status, 200);
    issued.push(newToken);
  });

  test('refuses every bad credential with 401 and the same answer', async () => {
    const good = issued[1]!;
    const [header, payload] = good.split('.') as [string, string, string];
    void payload;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const kid = decodeProtectedHeader(good).kid;
    const publicJwk = (await server.request<{ keys: JWK[] }>('GET', '/.well-known/jwks.json')).body.keys.find(
      (key) => key.kid === kid,
    )!;
    const publicPem = await exportSPKI((await importJWK(publicJwk, 'ES256')) as CryptoKey);
    const now = SECONDS();
    const stranger = await generateKeyPair('ES256');

    // Each with a fresh jti and a registry row of its own: only the named defect can refuse it.
    const fresh = () => ({ ...claims, jti: randomUUID() });
    const cases: Record<string, string> = {
      'alg none': await register(`${base64url.encode(JSON.stringify({ alg: 'none', kid, typ: 'JWT' }))}.${base64url.encode(JSON.stringify(fresh()))}.`),
      'HS256 signed with the public key as secret': await register(
        await new SignJWT(fresh()).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(publicPem)),
      ),
      'unknown kid': await register(await new SignJWT(fresh()).setProtectedHeader({ alg: 'ES256', kid: 'not-a-key' }).sign(stranger.privateKey)),
      'a stranger key under a known kid': await register(
        await new SignJWT(fresh()).setProtectedHeader({ alg: 'ES256', kid }).sign(stranger.privateKey),
      ),
      'wrong iss': await register(await forge({ ...fresh(), iss: 'https://evil.example' })),
      'wrong aud': await register(await forge({ ...fresh(), aud: 'someone-else' })),
      expired: await register(await forge({ ...fresh(), iat: now - 7200, exp: now - 3600 })),
      'nbf in the future': await register(await forge({ ...fresh(), nbf: now + 3600 })),
      'tampered payload': await register(`${header}.${base64url.encode(JSON.stringify({ ...fresh(), sub: '999' }))}.${good.split('.')[2]}`),
      'validly signed but never issued (no registry row)': await forge({ sub: claims.sub }),
      'registry row of another token (same jti, other hash)': await forge({ sub: claims.sub, jti: claims.jti }),
      garbage: 'not-a-jwt',
      'a 10 kB token': 'a'.repeat(10 * 1024),
    };
    for (const [name, token] of Object.entries(cases)) {
      const result = await server.request('GET', '/api/me', { token });
      assert.equal(result.status, 401, name);
      assert.equal(result.body.code, 'TOKEN_INVALID', name);
      assert.equal(result.body.message, 'Access token is invalid or expired', name);
      assert.match(result.headers.get('www-authenticate') ?? '', /^Bearer /, name);
    }
    for (const [name, authorization] of Object.entries({
      empty: 'Bearer ',
      'wrong scheme': `Basic ${good}`,
      'a 10 kB header': `Bearer ${'x'.repeat(10 * 1024)}`,
    })) {
      const result = await server.request('GET', '/api/me', { headers: { authorization } });
      assert.equal(result.status, 401, name);
      assert.equal(result.body.code, 'TOKEN_INVALID', name);
    }
    const missing = await server.request('GET', '/api/me');
    assert.equal(missing.status, 401);
    assert.equal(missing.body.code, 'AUTH_REQUIRED');
    assert.equal((await server.request('GET', '/api/me', { token: good })).status, 200, 'the good token still works');
  });

  test('revoke-all disables every token of the caller and no other user\'s', async () => {
    const mine = await Promise.all([1, 2, 3].map(() => server.userWithToken('grace@example.com')));
    const other = await server.userWithToken('linus@example.com');
    const result = await server.request('POST', '/api/tokens/revoke-all', { token: mine[0]!.token });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { revoked: 3 });
    for (const { token } of mine) {
      const refused = await server.request('GET', '/api/me', { token });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.code, 'TOKEN_INVALID');
    }
    assert.equal((await server.request('GET', '/api/me', { token: other.token })).status, 200);
    const rows = await server.dataSource.query(
      server.dataSource.options.type === 'postgres'
        ? 'SELECT disabled FROM auth_user_tokens WHERE user_id = $1'
        : 'SELECT disabled FROM auth_user_tokens WHERE user_id = ?',
      [mine[0]!.userId],
    );
    assert.deepEqual(rows.map((row: { disabled: unknown }) => Boolean(row.disabled)), [true, true, true]);
  });

  test('a user revokes one token of its own, and only its own', async () => {
    // One after the other: the newer token (the higher id) is the one dropped.
    const kept = await server.userWithToken('tim@example.com');
    const dropped = await server.userWithToken('tim@example.com');
    const other = await server.userWithToken('ken@example.com');
    const listed = await server.request<{ tokens: Array<{ id: number }> }>('GET', '/api/tokens', { token: other.token });
    const othersId = listed.body.tokens[0]!.id;
    const mine = await server.request<{ tokens: Array<{ id: number }> }>('GET', '/api/tokens', { token: kept.token });
    const droppedId = Math.max(...mine.body.tokens.map((token) => token.id));

    assert.equal((await server.request('POST', `/api/tokens/${othersId}/revoke`, { token: kept.token })).status, 404);
    const bad = await server.request('POST', '/api/tokens/abc/revoke', { token: kept.token });
    assert.deepEqual([bad.status, bad.body.code], [400, 'VALIDATION_ERROR']);
    const revoked = await server.request('POST', `/api/tokens/${droppedId}/revoke`, { token: kept.token });
    assert.deepEqual([revoked.status, revoked.body], [200, { revoked: true }]);
    assert.equal((await server.request('GET', '/api/me', { token: dropped.token })).status, 401);
    assert.equal((await server.request('GET', '/api/me', { token: kept.token })).status, 200);
    assert.equal((await server.request('GET', '/api/me', { token: other.token })).status, 200);
  });

  test('disabling or deleting a user disables its tokens, and they are refused', async () => {
    const disabled = await server.userWithToken('disable-me@example.com');
    const deleted = await server.userWithToken('delete-me@example.com');
    const disable = await server.admin('POST', `/users/${disabled.userId}/disable`);
    assert.deepEqual([disable.status, disable.body], [200, { tokens_disabled: 1 }]);
    const remove = await server.admin('DELETE', `/users/${deleted.userId}`);
    assert.deepEqual([remove.status, remove.body], [200, { tokens_disabled: 1 }]);
    for (const { token } of [disabled, deleted]) {
      const refused = await server.request('GET', '/api/me', { token });
      assert.deepEqual([refused.status, refused.body.code], [401, 'TOKEN_INVALID']);
    }
    const again = await server.admin('POST', '/tokens', { email: 'disable-me@example.com' });
    assert.deepEqual([again.status, again.body.code], [409, 'USER_DISABLED'], 'a disabled user gets no new token');
  });

  test('no token, hash or secret appears in any log line', async () => {
    const secrets = [
      ...issued,
      ...issued.map(sha256Hex),
      database().env.HANDOFF_KEY_ENCRYPTION_SECRET!,
      (await import('../support/test-server.js')).ADMIN_TOKEN,
    ];
    const logs = [...earlierLogs, ...server.logs].join('\n');
    assert.ok(server.logs.length > 20, 'requests were logged');
    for (const secret of secrets) assert.ok(!logs.includes(secret), 'a secret leaked into the logs');
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\./.test(logs), 'no JWT-looking string in the logs');
  });
});
