import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';

describeEachDatabase('target apps: shared secrets and their rotation', (database) => {
  let server: TestServer;
  let userToken: string;

  before(async () => {
    server = await TestServer.start(database());
    ({ token: userToken } = await server.userWithToken('rot@example.com'));
  });
  after(async () => {
    await server?.close();
  });

  async function validateWith(secret: string): Promise<number> {
    const generated = await server.request('POST', '/api/cross-app/generate-session', { token: userToken, json: { target_app: 'rotating' } });
    const result = await server.request('POST', '/api/cross-app/validate-session', {
      json: { session_token: generated.body.session_token },
      headers: { 'x-shared-secret': secret },
    });
    return result.status;
  }

  test('both secrets work during a rotation; the retired one stops; only hashes are kept', async () => {
    const created = await server.admin<{ secret: string; app: { active_secrets: number } }>('POST', '/apps', { name: 'rotating', origins: [] });
    assert.equal(created.status, 201);
    const first = created.body.secret;
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(await validateWith(first), 200);

    const rotated = await server.admin<{ secret: string }>('POST', '/apps/rotating/rotate-secret');
    assert.equal(rotated.status, 200);
    const second = rotated.body.secret;
    assert.deepEqual([await validateWith(first), await validateWith(second)], [200, 200]);
    const again = await server.admin('POST', '/apps/rotating/rotate-secret');
    assert.deepEqual([again.status, again.body.code], [409, 'SECRET_ROTATION_CONFLICT']);

    const retired = await server.admin('POST', '/apps/rotating/retire-secret');
    assert.equal(retired.status, 200);
    assert.deepEqual([await validateWith(first), await validateWith(second)], [401, 200]);
    const last = await server.admin('POST', '/apps/rotating/retire-secret');
    assert.deepEqual([last.status, last.body.code], [409, 'SECRET_ROTATION_CONFLICT']);

    const listed = await server.admin<{ apps: Array<{ name: string; active_secrets: number }> }>('GET', '/apps');
    assert.deepEqual(listed.body.apps.find((app) => app.name === 'rotating')?.active_secrets, 1);
    const stored = await server.dataSource.query('SELECT secret_hash FROM target_app_secrets');
    for (const row of stored) assert.ok(![first, second].includes(row.secret_hash), 'never the secret itself');
  });
});
