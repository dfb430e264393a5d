import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describeEachDatabase } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';

const HS_ISSUER = 'tuvens';
const HS_SECRET = 'tuvens-shares-this-secret-with-handoff-0123456789';
const JWKS_ISSUER = 'https://idp.example.test';
const DOWN_ISSUER = 'https://down.example.test';

describeEachDatabase('external issuers: users arrive with their own JWTs', (database) => {
  let server: TestServer;
  let jwksServer: Server;
  let jwksUrl: string;
  let idpKey: CryptoKey;

  before(async () => {
    const pair = await generateKeyPair('RS256');
    idpKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    // The identity provider's JWKS, on loopback.
    jwksServer = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks`;
    server = await TestServer.start(database(), {
      HANDOFF_EXTERNAL_ISSUERS: JSON.stringify([
        { issuer: HS_ISSUER, audience: 'handoff', secret: HS_SECRET },
        { issuer: JWKS_ISSUER, audience: 'handoff', jwks_uri: jwksUrl },
        // Nothing listens there: its keys can never be fetched.
        { issuer: DOWN_ISSUER, audience: 'handoff', jwks_uri: 'http://127.0.0.1:1/jwks' },
      ]),
    });
  });
  after(async () => {
    await server?.close();
    jwksServer?.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const hs256 = (claims: Record<string, unknown>, secret = HS_SECRET) =>
    new SignJWT({ iss: HS_ISSUER, aud: 'handoff', exp: now() + 300, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
  const rs256 = (claims: Record<string, unknown>) =>
    new SignJWT({ iss: JWKS_ISSUER, aud: 'handoff', exp: now() + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .sign(idpKey);

  test('an HS256 issuer\'s user is created on first sight from sub, email and name, then recognised', async () => {
    const token = await hs256({ sub: 'tuvens-42', email: 'Mia@Example.com', name: 'Mia' });
    const first = await server.request('GET', '/api/me', { token });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual({ email: first.body.email, name: first.body.name }, { email: 'mia@example.com', name: 'Mia' });
    const again = await server.request('GET', '/api/me', { token: await hs256({ sub: 'tuvens-42', email: 'mia@example.com' }) });
    assert.equal(again.body.id, first.body.id, 'the same user, found by issuer and subject');
    const rows = await server.dataSource.query("SELECT external_issuer, external_subject FROM users WHERE email = 'mia@example.com'");
    assert.deepEqual(rows, [{ external_issuer: HS_ISSUER, external_subject: 'tuvens-42' }]);
  });

  test('a JWKS issuer\'s user is accepted with the keys fetched from its JWKS URL', async () => {
    const result = await server.request('GET', '/api/me', { token: await rs256({ sub: 'idp|7', email: 'noor@example.com' }) });
    assert.equal(result.status, 200, result.text);
    assert.equal(result.body.email, 'noor@example.com');
  });

  test('refuses external tokens that are wrong in any way', async () => {
    const stranger = await generateKeyPair('RS256');
    const cases: Record<string, string> = {
      'wrong secret': await hs256({ sub: 's', email: 's@example.com' }, 'x'.repeat(48)),
      'wrong audience': await hs256({ sub: 's', email: 's@example.com', aud: 'other' }),
      expired: await hs256({ sub: 's', email: 's@example.com', exp: now() - 600 }),
      'no email': await hs256({ sub: 's' }),
      'unknown issuer': await hs256({ sub: 's', email: 's@example.com', iss: 'https://unknown.example' }),
      'HS256 under the JWKS issuer': await hs256({ sub: 's', email: 's@example.com', iss: JWKS_ISSUER }),
      'a key not in the JWKS': await new SignJWT({ iss: JWKS_ISSUER, aud: 'handoff', sub: 's', email: 's@example.com', exp: now() + 60 })
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
        .sign(stranger.privateKey),
      'alg none': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ iss: HS_ISSUER, aud: 'handoff', sub: 's', email: 's@example.com', exp: now() + 60 }),
      ).toString('base64url')}.`,
    };
    for (const [name, token] of Object.entries(cases)) {
      const result = await server.request('GET', '/api/me', { token });
      assert.equal(result.status, 401, name);
      assert.equal(result.body.code, 'TOKEN_INVALID', name);
    }
    const users = await server.admin<{ users: Array<{ email: string }> }>('GET', '/users');
    assert.ok(!users.body.users.some((user) => user.email === 's@example.com'), 'no user was created by a refused token');
  });

  test('an email that belongs to another user is not taken over', async () => {
    await server.admin('POST', '/users', { email: 'owner@example.com' });
    const result = await server.request('GET', '/api/me', { token: await hs256({ sub: 'impostor', email: 'owner@example.com' }) });
    assert.equal(result.status, 401);
    assert.equal(result.body.code, 'IDENTITY_CONFLICT');
  });

  test('an address the issuer marks unverified is refused', async () => {
    const token = await rs256({ sub: 'idp|unverified', email: 'ceo@example.com', email_verified: false });
    const result = await server.request('GET', '/api/me', { token });
    assert.deepEqual([result.status, result.body.code], [401, 'TOKEN_INVALID']);
    const verified = await rs256({ sub: 'idp|verified', email: 'vera@example.com', email_verified: true });
    assert.equal((await server.request('GET', '/api/me', { token: verified })).status, 200);
  });

  // Issue 12: on MariaDB these subjects were one user under utf8mb4_unicode_ci (and pad-x one
  // under any PAD SPACE collation): a token for one signed in as the other.
  test('subjects that differ only by case, accent or a trailing space are different users', async () => {
    const pairs = [
      ['Victim-x', 'victim-x'],
      ['pad-x', 'pad-x '],
      ['acc-e-x', 'acc-\u00e9-x'],
      ['stra-ss-x', 'stra-\u00df-x'],
    ];
    for (const [index, [first, second]] of pairs.entries()) {
      const a = await server.request('GET', '/api/me', { token: await hs256({ sub: first, email: `exact-${index}-a@example.com` }) });
      const b = await server.request('GET', '/api/me', { token: await hs256({ sub: second, email: `exact-${index}-b@example.com` }) });
      assert.equal(a.status, 200, a.text);
      assert.equal(b.status, 200, `${JSON.stringify(second)}: ${b.text}`);
      assert.notEqual(a.body.id, b.body.id, `${JSON.stringify(first)} and ${JSON.stringify(second)} are two users`);
      assert.equal(b.body.email, `exact-${index}-b@example.com`);
    }
    const subjects = await server.dataSource.query(
      "SELECT external_subject FROM users WHERE email LIKE 'exact-%' ORDER BY email",
    );
    assert.deepEqual(
      subjects.map((row: { external_subject: string }) => row.external_subject),
      pairs.flat(),
    );
  });

  test("a deleted user's tombstone does not bury a subject that differs only by case", async () => {
    const buried = await server.request('GET', '/api/me', { token: await hs256({ sub: 'Tomb-x', email: 'tomb-a@example.com' }) });
    assert.equal((await server.admin('DELETE', `/users/${String(buried.body.id)}`)).status, 200);
    const other = await server.request('GET', '/api/me', { token: await hs256({ sub: 'tomb-x', email: 'tomb-b@example.com' }) });
    assert.equal(other.status, 200, other.text);
    const again = await server.request('GET', '/api/me', { token: await hs256({ sub: 'Tomb-x', email: 'tomb-a@example.com' }) });
    assert.deepEqual([again.status, again.body.code], [401, 'TOKEN_INVALID']);
  });

  test('a deleted external user stays deleted: its next token does not create it again', async () => {
    const token = await hs256({ sub: 'to-delete', email: 'deleted@example.com' });
    const me = await server.request('GET', '/api/me', { token });
    assert.equal(me.status, 200);
    assert.equal((await server.admin('DELETE', `/users/${String(me.body.id)}`)).status, 200);
    const again = await server.request('GET', '/api/me', { token });
    assert.deepEqual([again.status, again.body.code], [401, 'TOKEN_INVALID']);
    const users = await server.admin<{ users: Array<{ email: string }> }>('GET', '/users');
    assert.ok(!users.body.users.some((user) => user.email === 'deleted@example.com'));
  });

  test('a disabled external user is refused', async () => {
    const token = await hs256({ sub: 'to-disable', email: 'gone@example.com' });
    const me = await server.request('GET', '/api/me', { token });
    await server.admin('POST', `/users/${String(me.body.id)}/disable`);
    const refused = await server.request('GET', '/api/me', { token });
    assert.deepEqual([refused.status, refused.body.code], [401, 'TOKEN_INVALID']);
  });

  test('an issuer whose JWKS cannot be fetched gets 503, not a 401 or a 200', async () => {
    const token = await new SignJWT({ iss: DOWN_ISSUER, aud: 'handoff', sub: 'd', email: 'd@example.com', exp: now() + 60 })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .sign(idpKey);
    const result = await server.request('GET', '/api/me', { token });
    assert.equal(result.status, 503);
    assert.equal(result.body.code, 'ISSUER_UNAVAILABLE');
  });

  test('no secret or token appears in any log line', async () => {
    const logs = server.logs.join('\n');
    assert.ok(!logs.includes(HS_SECRET));
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\./.test(logs), 'no JWT-looking string in the logs');
  });
});
