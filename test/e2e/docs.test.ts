import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ERROR_CODES } from '../../src/common/errors/error-codes.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';

describeEachDatabase(
  'the OpenAPI document at /docs',
  (database) => {
    let server: TestServer;
    before(async () => {
      server = await TestServer.start(database());
    });
    after(async () => {
      await server?.close();
    });

    test('documents every route with its request schema, security and error codes', async () => {
      const result = await server.request<{
        paths: Record<string, Record<string, Record<string, unknown>>>;
        components: { schemas: { Error: { properties: { code: { enum: string[] } } } } };
      }>('GET', '/docs/openapi.json');
      assert.equal(result.status, 200);
      const { paths, components } = result.body;
      for (const path of [
        '/api/cross-app/generate-session',
        '/api/cross-app/validate-session',
        '/api/cross-app/user-accounts',
        '/api/cross-app/validate-permission',
        '/api/cross-app/sessions',
        '/api/cross-app/revoke',
        '/oauth/introspect',
        '/oauth/revoke',
        '/api/admin/users/{id}',
        '/health/ready',
        '/api/qr-auth/sessions',
        '/api/qr-auth/qr.svg',
        '/api/qr-auth/pending',
        '/api/qr-auth/approve',
        '/api/qr-auth/poll',
        '/api/qr-auth/exchange',
        '/oauth/device_authorization',
        '/oauth/token',
      ]) {
        assert.ok(paths[path], `${path} is documented`);
      }
      for (const page of ['/qr', '/device', '/qr-login/assets/{file}', '/docs']) assert.equal(paths[page], undefined, `${page} is a page, not the API`);
      assert.ok(paths['/api/qr-auth/sessions']!.post!.responses, 'documented');
      assert.deepEqual(Object.keys(paths['/api/qr-auth/sessions']!.post!.responses as object)[0], '201', 'creating answers 201');
      assert.deepEqual(Object.keys(paths['/api/qr-auth/poll']!.post!.responses as object)[0], '200');
      const token = paths['/oauth/token']!.post! as { responses: Record<string, { description: string }> };
      for (const code of ['AUTHORIZATION_PENDING', 'SLOW_DOWN', 'ACCESS_DENIED', 'EXPIRED_TOKEN', 'INVALID_GRANT']) {
        assert.match(token.responses['400']!.description, new RegExp(code));
      }
      const validate = paths['/api/cross-app/validate-session']!.post! as {
        requestBody: { content: Record<string, { schema: { properties: Record<string, { pattern?: string }> } }> };
        responses: Record<string, { description: string }>;
        security: unknown[];
      };
      assert.equal(validate.requestBody.content['application/json']!.schema.properties.session_token!.pattern, '^[0-9a-f]{64}$');
      assert.match(validate.responses['404']!.description, /SESSION_INVALID/);
      assert.match(validate.responses['429']!.description, /RATE_LIMITED/);
      assert.match(validate.responses['401']!.description, /INVALID_CLIENT/);
      assert.match(validate.responses['400']!.description, /VALIDATION_ERROR/);
      assert.deepEqual(validate.security, [{ sharedSecret: [] }]);
      const introspect = paths['/oauth/introspect']!.post! as { requestBody: { content: Record<string, unknown> } };
      assert.ok(introspect.requestBody.content['application/x-www-form-urlencoded'], 'form-encoded');
      assert.deepEqual([...components.schemas.Error.properties.code.enum].sort(), Object.keys(ERROR_CODES).sort());
    });

    test('the page and its assets are served without any network', async () => {
      const page = await fetch(`${server.url}/docs`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /swagger-ui-bundle\.js/);
      const bundle = await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`);
      assert.equal(bundle.status, 200);
      assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
      assert.equal((await fetch(`${server.url}/docs/assets/..%2fpackage.json`)).status, 400);
    });
  },
  ['pglite'],
);
