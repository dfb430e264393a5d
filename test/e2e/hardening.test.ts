import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { type CryptoKey, SignJWT } from 'jose';
import { AccessTokensService } from '../../src/access-tokens/access-tokens.service.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { ADMIN_TOKEN, TestServer } from '../support/test-server.js';

// Issue 12: the bad inputs that still got through (a 500, a URL echoed back), the headers every
// response carries, and operators' mistakes answered with what to fix.

const HS_ISSUER = 'tuvens';
const HS_SECRET = 'tuvens-shares-this-secret-with-handoff-0123456789';

/** Sends raw bytes (what fetch refuses to send) and returns the whole answer. */
function rawRequest(url: string, text: string): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head: head.toLowerCase(), body });
    });
  });
}

describeEachDatabase('hardening: no 500 from input, the headers on every response, clear errors', (database) => {
  let server: TestServer;
  let secret: string;
  let userToken: string;
  let userId: number;

  before(async () => {
    server = await TestServer.start(database(), {
      HANDOFF_TRUSTED_PROXIES: '127.0.0.1',
      HANDOFF_EXTERNAL_ISSUERS: JSON.stringify([{ issuer: HS_ISSUER, audience: 'handoff', secret: HS_SECRET }]),
    });
    secret = await server.app('hi-events', ['https://hi.events.test']);
    ({ token: userToken, userId } = await server.userWithToken('hardening@example.com'));
  });
  after(async () => {
    await server?.close();
  });

  const basic = (id: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}` });

  test('a NUL byte in an OAuth client_id (form or Basic) is an unknown client, not a 500', async () => {
    for (const path of ['/oauth/revoke', '/oauth/introspect']) {
      const form = await server.request('POST', path, { form: { token: 'x', client_id: 'hi\u0000events', client_secret: secret } });
      assert.deepEqual([form.status, form.body.code], [401, 'INVALID_CLIENT'], `${path} form`);
      const viaBasic = await server.request('POST', path, { form: { token: 'x' }, headers: basic('hi%00events', secret) });
      assert.deepEqual([viaBasic.status, viaBasic.body.code], [401, 'INVALID_CLIENT'], `${path} Basic`);
    }
  });

  test("a NUL byte in an external token's sub is an invalid token, not a 500", async () => {
    const token = await new SignJWT({ iss: HS_ISSUER, aud: 'handoff', sub: 'nul\u0000sub', email: 'nul@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(HS_SECRET));
    const answer = await server.request('GET', '/api/me', { token });
    assert.deepEqual([answer.status, answer.body.code], [401, 'TOKEN_INVALID']);
  });

  test('a JWT issued in the future (beyond the clock tolerance) is refused, Handoff\'s own or an external one', async () => {
    const external = await new SignJWT({ iss: HS_ISSUER, aud: 'handoff', sub: 'future-1', email: 'future@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(Date.now() / 1000) + 3600)
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(HS_SECRET));
    assert.equal((await server.request('GET', '/api/me', { token: external })).status, 401, 'external');
    // Handoff's own key signs a registered token whose iat is an hour ahead.
    const tokens = server.server.app.get(AccessTokensService);
    const signed = await tokens.sign(userId);
    const [header, payload] = signed.accessToken.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    const jti = randomUUID();
    const future = await resign(tokens, { ...payload, jti, iat: Number(payload!.iat) + 3600, exp: Number(payload!.exp) + 3600 }, header!);
    await tokens.record(signed);
    await tokens.record({ ...signed, jti, accessToken: future });
    assert.equal((await server.request('GET', '/api/me', { token: signed.accessToken })).status, 200, 'the same, issued now');
    assert.equal((await server.request('GET', '/api/me', { token: future })).status, 401, 'own');
  });

  test('an IPv6 zone id in a trusted X-Forwarded-For is dropped, not a 500', async () => {
    const answer = await server.request('POST', '/api/cross-app/generate-session', {
      token: userToken,
      json: {},
      headers: { 'x-forwarded-for': 'fe80::1%eth0' },
    });
    assert.equal(answer.status, 200, answer.text);
  });

  test('callback_url: user info and backslashes are refused; the URL checked is returned normalised', async () => {
    for (const callback of [
      'https://evil.example@hi.events.test/',
      'https://user:pw@hi.events.test/',
      'https://hi.events.test\\@evil.example/',
      'https://hi.events.test\\evil.example',
      'https://hi.events.test/ x',
    ]) {
      const refused = await server.request('POST', '/api/cross-app/generate-session', { token: userToken, json: { callback_url: callback } });
      assert.deepEqual([refused.status, refused.body.field], [400, 'callback_url'], callback);
    }
    const allowed = await server.request('POST', '/api/cross-app/generate-session', {
      token: userToken,
      json: { callback_url: 'HTTPS://HI.events.test:443/a/../welcome?x=1' },
    });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(allowed.body.callback_url, 'https://hi.events.test/welcome?x=1');
  });

  test('errors Fastify and Node raise answer in the SPEC §8 shape with a requestId, never echoing the URL', async () => {
    const cases = [
      ['GET /api/admin/users/%zz<script> HTTP/1.1', 400],
      [`GET /api/admin/accounts/${'a'.repeat(400)}<b>/members HTTP/1.1`, 414],
      ['GET /nothing-here/<script>alert(1)</script> HTTP/1.1', 404],
    ] as const;
    for (const [line, status] of cases) {
      const answer = await rawRequest(server.url, `${line}\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nConnection: close\r\n\r\n`);
      assert.equal(answer.status, status, line);
      const body = JSON.parse(answer.body) as Record<string, unknown>;
      for (const field of ['statusCode', 'code', 'message', 'timestamp', 'path', 'requestId']) assert.ok(field in body, `${line}: ${field}`);
      assert.ok(!answer.body.includes('<script') && !answer.body.includes('<b>') && !answer.body.includes('%zz'), `${line}: echoed`);
      assert.match(answer.head, /x-content-type-options: nosniff/);
      assert.match(answer.head, /content-security-policy: default-src 'none';frame-ancestors 'none'/, line);
    }
    const badHeader = await rawRequest(server.url, 'GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header<x>: y\r\n\r\n');
    assert.equal(badHeader.status, 400);
    const body = JSON.parse(badHeader.body) as Record<string, unknown>;
    assert.equal(body.code, 'VALIDATION_ERROR');
    assert.equal(typeof body.requestId, 'string');
  });

  test('nosniff on every response, no-store on those that carry secrets, a CSP on /docs', async () => {
    const generated = await server.request('POST', '/api/cross-app/generate-session', { token: userToken, json: {} });
    const validated = await server.request('POST', '/api/cross-app/validate-session', {
      json: { session_token: generated.body.session_token },
      headers: { 'x-shared-secret': secret },
    });
    const issued = await server.admin('POST', '/tokens', { email: 'hardening@example.com' });
    const app = await server.admin('POST', '/apps', { name: 'nostore-app', origins: [] });
    const rotated = await server.admin('POST', '/apps/nostore-app/rotate-secret');
    for (const [name, answer] of Object.entries({ generated, validated, issued, app, rotated })) {
      assert.ok(answer.status < 300, `${name}: ${answer.status}`);
      assert.equal(answer.headers.get('cache-control'), 'no-store', name);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', name);
    }
    for (const path of ['/health/live', '/docs', '/.well-known/jwks.json', '/no-such-route', '/api/qr-auth/qr.svg?session_id=x']) {
      assert.equal((await server.request('GET', path)).headers.get('x-content-type-options'), 'nosniff', path);
    }
    const docs = await server.request('GET', '/docs');
    const csp = docs.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    // An HTML page gets helmet's headers for documents; a JSON answer only those for an API.
    assert.equal(docs.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(docs.headers.get('x-frame-options'), 'SAMEORIGIN');
    for (const [name, answer] of Object.entries({ generated, validated, missing: await server.request('GET', '/no-such-route') })) {
      assert.equal(answer.headers.get('content-security-policy'), "default-src 'none';frame-ancestors 'none'", name);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY', name);
      for (const header of ['referrer-policy', 'cross-origin-opener-policy', 'x-dns-prefetch-control', 'x-xss-protection']) {
        assert.equal(answer.headers.get(header), null, `${name}: ${header}`);
      }
    }
  });

  test('operators: a missing "Bearer " prefix says so; a wrong method is 405 with Allow; a non-JSON body is 415', async () => {
    const bare = await server.request('GET', '/api/me', { headers: { authorization: userToken } });
    assert.equal(bare.status, 401);
    assert.match(String(bare.body.message), /Bearer/);
    const bareAdmin = await server.request('GET', '/api/admin/users', { headers: { authorization: ADMIN_TOKEN } });
    assert.equal(bareAdmin.status, 401);
    assert.match(String(bareAdmin.body.message), /Bearer/);

    const wrongMethod = await server.request('GET', '/api/cross-app/generate-session', { token: userToken });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.body.code, 'METHOD_NOT_ALLOWED');
    assert.equal(wrongMethod.headers.get('allow'), 'POST');

    const text = await fetch(`${server.url}/api/cross-app/validate-session`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-shared-secret': secret },
      body: 'session_token=x',
    });
    assert.equal(text.status, 415);
    assert.equal(((await text.json()) as { code: string }).code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('operators: a path parameter error names the parameter; a role that grants nothing is refused with the known roles', async () => {
    const badId = await server.admin('POST', '/users/abc/disable');
    assert.deepEqual([badId.status, badId.body.code, badId.body.field], [400, 'VALIDATION_ERROR', 'id']);
    await server.admin('POST', '/accounts', { name: 'Roles', slug: 'roles' });
    const typo = await server.admin('PUT', '/accounts/roles/members', { email: 'hardening@example.com', role: 'admn' });
    assert.deepEqual([typo.status, typo.body.code, typo.body.field], [400, 'VALIDATION_ERROR', 'role']);
    assert.match(String(typo.body.message), /owner/);
    const members = await server.admin<{ members: unknown[] }>('GET', '/accounts/roles/members');
    assert.equal(members.body.members.length, 0, 'nothing written');
  });
});

/** Signs claims with Handoff's current key, as Handoff would (test only: a token from the future). */
async function resign(tokens: AccessTokensService, claims: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
  const { privateKey } = await (tokens as unknown as { signingKeys: { signingKey(): Promise<{ privateKey: CryptoKey }> } }).signingKeys.signingKey();
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(privateKey);
}
