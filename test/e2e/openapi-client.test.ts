import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import openapiTS from 'openapi-typescript';
import { run } from '../support/processes.js';
import { QR_HIGH_LIMITS } from '../support/qr-login.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { ADMIN_TOKEN, TestServer } from '../support/test-server.js';

interface Answer {
  readonly path: string;
  readonly method: string;
  readonly status: number;
  readonly body: unknown;
}

/**
 * A TypeScript client generated from the served OpenAPI document (openapi-typescript) must accept
 * the real answer of every operation: each answer becomes an object literal typed as that
 * operation's success body, and `tsc --strict` checks them (a missing schema types it `never`; a
 * field the schema lacks, or of another type, fails the excess-property and type checks).
 */
describeEachDatabase(
  'OpenAPI document against real answers',
  (database) => {
    let server: TestServer;
    let folder: string;
    const answers: Answer[] = [];

    before(async () => {
      server = await TestServer.start(database(), { HANDOFF_RATE_LIMITS: QR_HIGH_LIMITS });
      folder = await mkdtemp(join(tmpdir(), 'handoff-openapi-'));
    });
    after(async () => {
      await server?.close();
      await rm(folder, { recursive: true, force: true });
    });

    async function call(method: string, template: string, options: Parameters<TestServer['request']>[2] & { params?: Record<string, string | number>; query?: string } = {}) {
      const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(String(options.params?.[name])));
      const result = await server.request(method, `${path}${options.query ?? ''}`, options);
      assert.ok(result.status < 300, `${method} ${path}: ${result.status} ${result.text}`);
      const json = result.headers.get('content-type')?.startsWith('application/json');
      answers.push({ path: template, method: method.toLowerCase(), status: result.status, body: json ? result.body : 'not JSON' });
      return result;
    }

    test('every operation is exercised, and the generated client type-checks their answers', async () => {
      const admin = { token: ADMIN_TOKEN };
      const document = (await server.request<Record<string, unknown> & { paths: Record<string, Record<string, unknown>> }>('GET', '/docs/openapi.json')).body;

      await call('GET', '/metrics');
      await call('GET', '/health/live');
      await call('GET', '/health/ready');
      await call('GET', '/.well-known/jwks.json');
      await call('GET', '/.well-known/oauth-authorization-server');
      await call('GET', '/.well-known/openid-configuration');

      // Operators
      const user = await call('POST', '/api/admin/users', { ...admin, json: { email: 'oa@example.com', name: 'Oa' } });
      const userId = (user.body as { id: number }).id;
      await call('GET', '/api/admin/users', admin);
      const issued = await call('POST', '/api/admin/tokens', { ...admin, json: { email: 'oa@example.com' } });
      const token = (issued.body as { access_token: string }).access_token;
      const spare = (await call('POST', '/api/admin/tokens', { ...admin, json: { user_id: userId } })).body as { token_id: number };
      await call('POST', '/api/admin/accounts', { ...admin, json: { name: 'Oa Org', slug: 'oa-org' } });
      await call('GET', '/api/admin/accounts', admin);
      await call('PUT', '/api/admin/accounts/{slug}/members', { ...admin, params: { slug: 'oa-org' }, json: { email: 'oa@example.com', role: 'owner' } });
      await call('GET', '/api/admin/accounts/{slug}/members', { ...admin, params: { slug: 'oa-org' } });
      await call('PUT', '/api/admin/accounts/{slug}/resources/{resource}', { ...admin, params: { slug: 'oa-org', resource: 'event-1' } });
      await call('GET', '/api/admin/accounts/{slug}/resources', { ...admin, params: { slug: 'oa-org' } });
      const app = await call('POST', '/api/admin/apps', { ...admin, json: { name: 'hi-events', origins: ['https://hi.example.com'] } });
      let secret = (app.body as { secret: string }).secret;
      await call('GET', '/api/admin/apps', admin);
      secret = ((await call('POST', '/api/admin/apps/{name}/rotate-secret', { ...admin, params: { name: 'hi-events' } })).body as { secret: string }).secret;
      await call('POST', '/api/admin/apps/{name}/retire-secret', { ...admin, params: { name: 'hi-events' } });
      await call('GET', '/api/admin/keys', admin);
      await call('POST', '/api/admin/keys/rotate', admin);
      const basic = { authorization: `Basic ${Buffer.from(`hi-events:${secret}`).toString('base64')}` };

      // The user and the cross-app handoff
      await call('GET', '/api/me', { token });
      await call('GET', '/api/tokens', { token });
      await call('POST', '/api/tokens/{id}/revoke', { token, params: { id: spare.token_id } });
      const generated = await call('POST', '/api/cross-app/generate-session', { token, json: {} });
      const sessionToken = (generated.body as { session_token: string }).session_token;
      const asApp = { headers: { 'x-shared-secret': secret } };
      await call('POST', '/api/cross-app/validate-session', { ...asApp, json: { session_token: sessionToken } });
      await call('GET', '/api/cross-app/user-accounts', { headers: { ...asApp.headers, 'x-session-token': sessionToken } });
      await call('POST', '/api/cross-app/validate-permission', { ...asApp, json: { session_token: sessionToken, permission: 'view_reports' } });
      await call('GET', '/api/cross-app/sessions', { token });
      await call('GET', '/api/admin/sessions', { ...admin, query: '?email=oa' });
      await call('GET', '/api/admin/overview', admin);
      await call('GET', '/api/admin/stats', { ...admin, query: '?days=7' });
      await call('GET', '/api/admin/monitor', admin);
      await call('POST', '/api/cross-app/revoke', { token, json: { session_token: sessionToken } });
      await call('POST', '/oauth/introspect', { headers: basic, form: { token } });

      // QR login and the device grant
      const qr = (await call('POST', '/api/qr-auth/sessions')).body as { session_id: string; device_code: string; user_code: string };
      await call('GET', '/api/qr-auth/qr.svg', { query: `?session_id=${qr.session_id}` });
      await call('GET', '/api/qr-auth/qr.png', { query: `?session_id=${qr.session_id}` });
      await call('GET', '/api/qr-auth/pending', { token, query: `?user_code=${qr.user_code}` });
      await call('POST', '/api/qr-auth/approve', { token, json: { user_code: qr.user_code, decision: 'approve' } });
      const polled = (await call('POST', '/api/qr-auth/poll', { json: { device_code: qr.device_code } })).body as { exchange_token: string };
      await call('POST', '/api/qr-auth/exchange', { json: { exchange_token: polled.exchange_token } });
      const device = (await call('POST', '/oauth/device_authorization', { headers: basic, form: { client_id: 'hi-events' } })).body as { device_code: string; user_code: string };
      await server.request('POST', '/api/qr-auth/approve', { token, json: { user_code: device.user_code, decision: 'approve' } });
      await call('POST', '/oauth/token', {
        headers: basic,
        form: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code, client_id: 'hi-events' },
      });

      // Last: what ends the user's tokens and the user
      await call('GET', '/api/admin/users/{id}/tokens', { ...admin, params: { id: userId } });
      const third = (await server.admin<{ token_id: number }>('POST', '/tokens', { user_id: userId })).body;
      await call('POST', '/api/admin/users/{id}/tokens/{token_id}/revoke', { ...admin, params: { id: userId, token_id: third.token_id } });
      await call('POST', '/api/admin/users/{id}/tokens/revoke-all', { ...admin, params: { id: userId } });
      const own = (await server.admin<{ access_token: string }>('POST', '/tokens', { user_id: userId })).body.access_token;
      await call('POST', '/api/tokens/revoke-all', { token: own });
      await call('POST', '/oauth/revoke', { headers: basic, form: { token: own } });
      await call('DELETE', '/api/admin/accounts/{slug}/resources/{resource}', { ...admin, params: { slug: 'oa-org', resource: 'event-1' } });
      await call('DELETE', '/api/admin/accounts/{slug}/members/{email}', { ...admin, params: { slug: 'oa-org', email: 'oa@example.com' } });
      await call('POST', '/api/admin/users/{id}/disable', { ...admin, params: { id: userId } });
      await call('DELETE', '/api/admin/users/{id}', { ...admin, params: { id: userId } });

      const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
      const exercised = new Set(answers.map((answer) => `${answer.method} ${answer.path}`));
      assert.deepEqual(operations.filter((operation) => !exercised.has(operation)), [], 'every operation of the document is exercised');

      // Redocly's recommended rules: no error (warnings allowed: a JWKS route has no 4xx to describe).
      await writeFile(join(folder, 'openapi.json'), JSON.stringify(document));
      const lint = await run(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', '--format=summary', join(folder, 'openapi.json')], {});
      assert.equal(lint.code, 0, `redocly lint:\n${lint.stdout}${lint.stderr}`);
      assert.doesNotMatch(`${lint.stdout}${lint.stderr}`, /^error /m);

      await writeFile(join(folder, 'api.ts'), await openapiTS(document as never));
      const literal = (answer: Answer, index: number) =>
        `export const answer${index}: Success<'${answer.path}', '${answer.method}', ${answer.status}> = ${JSON.stringify(answer.body)};`;
      await writeFile(
        join(folder, 'answers.ts'),
        [
          "import type { paths } from './api.js';",
          '/** The body of an operation\'s success answer, as the generated client types it (never when it has none). */',
          'type Success<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends { responses: infer R }',
          '  ? S extends keyof R ? (R[S] extends { content: infer C } ? C[keyof C] : never) : never',
          '  : never;',
          ...answers.map(literal),
        ].join('\n'),
      );
      await writeFile(
        join(folder, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', skipLibCheck: false }, files: ['answers.ts'] }),
      );
      const checked = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', join(folder, 'tsconfig.json')], {});
      assert.equal(checked.code, 0, `the generated client rejects real answers:\n${checked.stdout}${checked.stderr}`);

      // The check can fail: an answer with a field the document does not describe is refused.
      await writeFile(join(folder, 'answers.ts'), `${'import type { paths } from \'./api.js\';'}\nexport const wrong: paths['/api/me']['get']['responses'][200]['content']['application/json'] = { id: 1, email: 'a@b.c', name: null, extra: true };\n`);
      const refused = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', join(folder, 'tsconfig.json')], {});
      assert.notEqual(refused.code, 0, 'an undescribed field fails the check');
    });
  },
);
