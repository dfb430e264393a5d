import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { describeEachDatabase } from '../support/test-databases.js';
import { type HttpResult, TestServer } from '../support/test-server.js';

// Issue 10, item 6: browser routes answer allowed origins (HANDOFF_CORS_ORIGINS), nothing else does.
const ALLOWED = 'https://host-app.example';
const OTHER = 'https://elsewhere.example';

function preflight(server: TestServer, path: string, origin: string, method = 'POST'): Promise<HttpResult> {
  return server.request('OPTIONS', path, {
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  });
}

function allowedOrigin(result: HttpResult): string | null {
  return result.headers.get('access-control-allow-origin');
}

describeEachDatabase('CORS', (database) => {
  let server: TestServer | undefined;
  let token: string;
  let secret: string;

  after(async () => {
    await server?.close();
  });

  test('off by default: no preflight answer and no Access-Control-Allow-Origin anywhere', async () => {
    server = await TestServer.start(database());
    ({ token } = await server.userWithToken('cors-off@example.com'));
    await server.app('hi-events');
    const answered = await preflight(server, '/api/cross-app/generate-session', ALLOWED);
    // Not a CORS answer: a 405 with Allow, since the route takes no OPTIONS (issue 12).
    assert.equal(answered.status, 405);
    assert.equal(allowedOrigin(answered), null);
    const generated = await server.request('POST', '/api/cross-app/generate-session', { token, json: {}, headers: { origin: ALLOWED } });
    assert.equal(generated.status, 200, generated.text);
    assert.equal(allowedOrigin(generated), null);
    await server.close();
    server = undefined;
  });

  test('an allowed origin gets a 204 preflight and Access-Control-Allow-Origin on the browser routes', async () => {
    server = await TestServer.start(database(), { HANDOFF_CORS_ORIGINS: `${ALLOWED},http://localhost:5173`, QR_LOGIN_POLL_INTERVAL: '1' });
    ({ token } = await server.userWithToken('cors-on@example.com'));
    secret = await server.app('cors-target');

    for (const [path, method] of [
      ['/api/cross-app/generate-session', 'POST'],
      ['/api/qr-auth/sessions', 'POST'],
      ['/api/qr-auth/poll', 'POST'],
      ['/api/qr-auth/exchange', 'POST'],
      ['/api/qr-auth/qr.svg', 'GET'],
      ['/api/qr-auth/pending', 'GET'],
      ['/api/qr-auth/approve', 'POST'],
    ] as const) {
      const answered = await preflight(server, path, ALLOWED, method);
      assert.equal(answered.status, 204, `${path}: ${answered.text}`);
      assert.equal(allowedOrigin(answered), ALLOWED, path);
      assert.match(answered.headers.get('access-control-allow-methods') ?? '', new RegExp(method));
      assert.match(answered.headers.get('access-control-allow-headers') ?? '', /authorization/);
      assert.equal(answered.headers.get('access-control-allow-credentials'), null, 'no cookies across origins');
      assert.match(answered.headers.get('vary') ?? '', /Origin/);
    }

    const generated = await server.request('POST', '/api/cross-app/generate-session', { token, json: { target_app: 'cors-target' }, headers: { origin: ALLOWED } });
    assert.equal(generated.status, 200, generated.text);
    assert.equal(allowedOrigin(generated), ALLOWED);
    // The SDK reads the request id and Retry-After: the browser shows them only when exposed.
    assert.match(generated.headers.get('access-control-expose-headers') ?? '', /x-request-id.*retry-after/);

    const created = await server.request<{ session_id: string }>('POST', '/api/qr-auth/sessions', { headers: { origin: 'http://localhost:5173' } });
    assert.equal(created.status, 201);
    assert.equal(allowedOrigin(created), 'http://localhost:5173');
    const image = await server.request('GET', `/api/qr-auth/qr.svg?session_id=${created.body.session_id}`, { headers: { origin: ALLOWED } });
    assert.equal(allowedOrigin(image), ALLOWED);
  });

  test('another origin gets neither a preflight answer nor Access-Control-Allow-Origin', async () => {
    assert.ok(server, 'started by the test above');
    const answered = await preflight(server, '/api/cross-app/generate-session', OTHER);
    // Not a CORS answer: a 405 with Allow, since the route takes no OPTIONS (issue 12).
    assert.equal(answered.status, 405);
    assert.equal(allowedOrigin(answered), null);
    const generated = await server.request('POST', '/api/cross-app/generate-session', { token, json: { target_app: 'cors-target' }, headers: { origin: OTHER } });
    assert.equal(generated.status, 200, generated.text);
    assert.equal(allowedOrigin(generated), null);
    // A near miss is another origin: exact match only.
    const near = await preflight(server, '/api/qr-auth/sessions', `${ALLOWED}:8443`);
    assert.equal(allowedOrigin(near), null);
  });

  test('admin, target-app and OAuth routes never answer across origins, even an allowed one', async () => {
    assert.ok(server, 'started by the test above');
    for (const [path, method] of [
      ['/api/admin/users', 'GET'],
      ['/api/admin/apps', 'POST'],
      ['/api/admin/stats', 'GET'],
      ['/api/cross-app/validate-session', 'POST'],
      ['/api/cross-app/revoke', 'POST'],
      ['/oauth/introspect', 'POST'],
      ['/oauth/token', 'POST'],
    ] as const) {
      const answered = await preflight(server, path, ALLOWED, method);
      assert.notEqual(answered.status, 204, path);
      assert.equal(allowedOrigin(answered), null, path);
    }
    const listed = await server.admin('GET', '/users');
    assert.equal(listed.status, 200);
    const fromBrowser = await server.request('GET', '/api/admin/users', { headers: { origin: ALLOWED, authorization: 'Bearer x' } });
    assert.equal(allowedOrigin(fromBrowser), null);
    const validated = await server.request('POST', '/api/cross-app/validate-session', {
      json: { session_token: 'a'.repeat(64) },
      headers: { origin: ALLOWED, 'x-shared-secret': secret },
    });
    assert.equal(validated.status, 404);
    assert.equal(allowedOrigin(validated), null);
  });
});
