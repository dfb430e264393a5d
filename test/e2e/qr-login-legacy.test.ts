import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { randomToken, sha256Hex } from '../../src/common/crypto.js';
import { dialectOf } from '../../src/database/dialect.js';
import { revertMigrations, runPendingMigrations } from '../../src/database/migration-runner.js';
import { migrations } from '../../src/database/migrations/index.js';
import { openDataSource } from '../support/handoff.js';
import { exchange, poll } from '../support/qr-login.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';

/**
 * Design document 002: sessions approved before the exchange-token migration have
 * `exchange_token` NULL and `is_exchanged` false. They get an exchange token on their next poll
 * and are never handed an access token directly.
 */
describeEachDatabase('QR-code login: rows approved before the exchange-token migration', (database) => {
  const deviceCode = randomToken();
  const sessionId = randomUUID();
  let server: TestServer;

  before(async () => {
    const dataSource = await openDataSource(database(), { migrate: true });
    try {
      const all = migrations.map((migration) => migration.name);
      const later = all.slice(all.indexOf('AddAuthSessionExchangeToken1736467200000'));
      await revertMigrations(dataSource, later.length);
      const postgres = dialectOf(dataSource) === 'postgres';
      await dataSource.query("INSERT INTO users (email, name) VALUES ('legacy@example.com', 'Legacy User')");
      const [user] = await dataSource.query("SELECT id FROM users WHERE email = 'legacy@example.com'");
      await dataSource.query(
        postgres
          ? `INSERT INTO auth_sessions (id, device_code_hash, user_code, status, user_id, approved_at, expires_at)
             VALUES ($1, $2, 'WDJBMJHT', 'approved', $3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP + INTERVAL '10 minutes')`
          : `INSERT INTO auth_sessions (id, device_code_hash, user_code, status, user_id, approved_at, expires_at)
             VALUES (?, ?, 'WDJBMJHT', 'approved', ?, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6) + INTERVAL 10 MINUTE)`,
        [sessionId, sha256Hex(deviceCode), user.id],
      );
      await runPendingMigrations(dataSource);
    } finally {
      await dataSource.destroy();
    }
    server = await TestServer.start(database(), { QR_LOGIN_POLL_INTERVAL: '1' });
  });
  after(async () => {
    await server?.close();
  });

  test('poll → exchange token → JWT, once', async () => {
    const [before] = await server.dataSource.query('SELECT exchange_token, is_exchanged FROM auth_sessions');
    assert.deepEqual({ token: before.exchange_token, exchanged: Boolean(before.is_exchanged) }, { token: null, exchanged: false });

    const polled = await poll(server, deviceCode);
    assert.equal(polled.status, 200, polled.text);
    assert.equal(polled.body.status, 'approved');
    assert.equal(polled.body.access_token, undefined, 'never an access token from a poll');
    const exchangeToken = String(polled.body.exchange_token);
    assert.match(exchangeToken, /^[0-9a-f]{64}$/);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    assert.deepEqual((await poll(server, deviceCode)).body, { status: 'already_issued' });

    const exchanged = await exchange(server, exchangeToken);
    assert.equal(exchanged.status, 200, exchanged.text);
    const me = await server.request('GET', '/api/me', { token: String(exchanged.body.access_token) });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.email, 'legacy@example.com');
    const again = await exchange(server, exchangeToken);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'EXCHANGE_TOKEN_USED');

    const [after] = await server.dataSource.query('SELECT exchange_token, is_exchanged FROM auth_sessions');
    assert.equal(after.exchange_token, sha256Hex(exchangeToken));
    assert.equal(Boolean(after.is_exchanged), true);
  });
});
