import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { sha256Hex } from '../../src/common/crypto.js';
import { execute } from '../../src/database/sql.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { createRequest, decide, DESKTOP_UA, exchange, expireRequests, pastSql, poll, pollUntilDecided, QR_HIGH_LIMITS } from '../support/qr-login.js';
import { eventually, TestServer } from '../support/test-server.js';

// jsqr is CommonJS with an ES-style default export: under nodenext the function is `.default`.
const jsQR = jsQRModule.default;

function count(server: TestServer, sql: string, values: unknown[] = []): Promise<number> {
  return execute<{ n: number | string }>(server.dataSource, sql, values).then(({ rows }) => Number(rows[0]!.n));
}

function p(server: TestServer, index: number): string {
  return server.dataSource.options.type === 'postgres' ? `$${index}` : '?';
}

describeEachDatabase('QR-code login', (database) => {
  let server: TestServer;
  let token: string;
  let userId: number;

  before(async () => {
    server = await TestServer.start(database(), { HANDOFF_RATE_LIMITS: QR_HIGH_LIMITS, QR_LOGIN_POLL_INTERVAL: '1' });
    ({ token, userId } = await server.userWithToken('qr-user@example.com'));
  });
  after(async () => {
    await server?.close();
  });

  test('the whole flow: create, QR, look up, approve, poll, exchange once, use the JWT', async () => {
    const request = await createRequest(server);
    assert.match(request.device_code, /^[0-9a-f]{64}$/);
    assert.match(request.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(request.verification_uri, `${server.url}/device`);
    assert.equal(request.verification_uri_complete, `${server.url}/device?user_code=${request.user_code}`);
    assert.equal(request.qr_svg_url, `${server.url}/api/qr-auth/qr.svg?session_id=${request.session_id}`);
    assert.equal(typeof request.expires_in, 'number');
    assert.equal(request.interval, 1);

    // The QR encodes the verification URL with the user code, never the device code.
    const svg = await fetch(request.qr_svg_url);
    assert.equal(svg.status, 200);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    const svgText = await svg.text();
    assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(!svgText.includes(request.device_code));
    const png = await fetch(request.qr_svg_url.replace('qr.svg', 'qr.png'));
    assert.equal(png.headers.get('content-type'), 'image/png');
    const image = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    assert.equal(decoded?.data, request.verification_uri_complete);

    // Stored: the device code's hash only.
    const stored = await execute<Record<string, unknown>>(server.dataSource, `SELECT * FROM auth_sessions WHERE id = ${p(server, 1)}`, [request.session_id]);
    assert.equal(stored.rows[0]!.device_code_hash, sha256Hex(request.device_code));
    assert.ok(!JSON.stringify(stored.rows[0]).includes(request.device_code));

    assert.deepEqual((await poll(server, request.device_code)).body, { status: 'pending', interval: 1 });

    // The phone types it in lower case without the dash: the same request.
    const typed = request.user_code.replace('-', '').toLowerCase();
    const shown = await server.request('GET', `/api/qr-auth/pending?user_code=${typed}`, { token });
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.body.user_code, request.user_code);
    assert.equal(shown.body.user_agent, DESKTOP_UA);
    assert.equal(shown.body.browser, 'Chrome 131 on Linux');
    assert.equal(shown.body.ip_address, '127.0.0.1');
    assert.ok(Math.abs(Date.parse(String(shown.body.requested_at)) - Date.now()) < 60_000);

    const approved = await decide(server, token, typed, 'approve');
    assert.equal(approved.status, 200, approved.text);
    assert.deepEqual(approved.body, { status: 'approved' });
    // The audit trail says which request was approved, by whom.
    await eventually(
      async () =>
        server.logs.some(
          (line) => line.includes('"qr.decide"') && line.includes(`"loginRequestId":"${request.session_id}"`) && line.includes(`"userId":${userId}`),
        ),
      'an approval audit event naming the request',
    );

    const polled = await pollUntilDecided(server, request.device_code);
    assert.equal(polled.status, 200, polled.text);
    assert.equal(polled.body.status, 'approved');
    const exchangeToken = String(polled.body.exchange_token);
    assert.match(exchangeToken, /^[0-9a-f]{64}$/);
    // Handed out once: a second poll does not issue another.
    assert.deepEqual((await poll(server, request.device_code)).body, { status: 'already_issued' });
    const row = await execute<{ exchange_token: string; is_exchanged: boolean | number }>(
      server.dataSource,
      `SELECT exchange_token, is_exchanged FROM auth_sessions WHERE id = ${p(server, 1)}`,
      [request.session_id],
    );
    assert.equal(row.rows[0]!.exchange_token, sha256Hex(exchangeToken), 'stored as its SHA-256');
    assert.equal(Boolean(row.rows[0]!.is_exchanged), false);

    const tokensBefore = await server.request<{ tokens: unknown[] }>('GET', '/api/tokens', { token });
    const exchanged = await exchange(server, exchangeToken);
    assert.equal(exchanged.status, 200, exchanged.text);
    assert.equal(exchanged.headers.get('cache-control'), 'no-store');
    assert.equal(exchanged.body.token_type, 'Bearer');
    assert.equal(typeof exchanged.body.expires_in, 'number');
    const jwt = String(exchanged.body.access_token);

    const me = await server.request('GET', '/api/me', { token: jwt });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, userId);
    const tokensAfter = await server.request<{ tokens: unknown[] }>('GET', '/api/tokens', { token: jwt });
    assert.equal(tokensAfter.body.tokens.length, tokensBefore.body.tokens.length + 1, 'the JWT is in the registry');

    const replay = await exchange(server, exchangeToken);
    assert.equal(replay.status, 409, replay.text);
    assert.equal(replay.body.code, 'EXCHANGE_TOKEN_USED');
    assert.deepEqual((await poll(server, request.device_code)).body, { status: 'already_issued' });
    await eventually(async () => server.logs.some((line) => line.includes('"qr.replay_detected"')), 'a replay audit event');
  });

  test('50 concurrent exchanges of one exchange token: exactly one JWT', async () => {
    const request = await createRequest(server);
    assert.equal((await decide(server, token, request.user_code, 'approve')).status, 200);
    const polled = await pollUntilDecided(server, request.device_code);
    const registryBefore = await count(server, `SELECT COUNT(*) AS n FROM auth_user_tokens WHERE user_id = ${p(server, 1)}`, [userId]);

    const results = await Promise.all(Array.from({ length: 50 }, () => exchange(server, String(polled.body.exchange_token))));
    const won = results.filter((result) => result.status === 200);
    assert.equal(won.length, 1, JSON.stringify(results.map((result) => result.status)));
    for (const lost of results.filter((result) => result.status !== 200)) {
      assert.equal(lost.status, 409, lost.text);
      assert.equal(lost.body.code, 'EXCHANGE_TOKEN_USED');
    }
    const registryAfter = await count(server, `SELECT COUNT(*) AS n FROM auth_user_tokens WHERE user_id = ${p(server, 1)}`, [userId]);
    assert.equal(registryAfter, registryBefore + 1, 'one registry row: the losers signed tokens that never became valid');
    const metrics = (await server.request('GET', '/metrics')).text;
    const counted = (outcome: string) =>
      Number(new RegExp(`^handoff_qr_exchanges_total\\{grant="exchange_token",outcome="${outcome}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    assert.ok(counted('success') >= 1 && counted('used') >= 49, 'the exchanges are counted in /metrics');
    assert.equal((await server.request('GET', '/api/me', { token: String(won[0]!.body.access_token) })).status, 200);
  });

  test('20 concurrent polls of an approved request: one exchange token, handed out once', async () => {
    const request = await createRequest(server);
    await decide(server, token, request.user_code, 'approve');
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const results = await Promise.all(Array.from({ length: 20 }, () => poll(server, request.device_code)));
    const statuses = results.map((result) => `${result.status}:${String(result.body.status)}`);
    assert.equal(results.filter((result) => result.body.status === 'approved').length, 1, statuses.join(' '));
    for (const result of results) assert.equal(result.status, 200, statuses.join(' '));
    assert.ok(results.every((result) => ['approved', 'already_issued'].includes(String(result.body.status))), statuses.join(' '));
  });

  test('concurrent approvals and denials of one request: one decision wins and stays', async () => {
    const request = await createRequest(server);
    const decisions = Array.from({ length: 20 }, (_, index): 'approve' | 'deny' => (index % 2 === 0 ? 'approve' : 'deny'));
    const results = await Promise.all(decisions.map((decision) => decide(server, token, request.user_code, decision)));
    const won = results.filter((result) => result.status === 200);
    assert.equal(won.length, 1, JSON.stringify(results.map((result) => result.status)));
    for (const lost of results.filter((result) => result.status !== 200)) {
      assert.equal(lost.status, 409, lost.text);
      assert.equal(lost.body.code, 'QR_REQUEST_DECIDED');
    }
    const winner = String(won[0]!.body.status);
    const polled = await pollUntilDecided(server, request.device_code);
    assert.equal(polled.body.status, winner);
    // And it stays: neither decision can be made again.
    for (const decision of ['approve', 'deny'] as const) assert.equal((await decide(server, token, request.user_code, decision)).status, 409);
    const [row] = (await execute<{ status: string }>(server.dataSource, `SELECT status FROM auth_sessions WHERE id = ${p(server, 1)}`, [request.session_id])).rows;
    assert.equal(row!.status, winner);
  });

  test('denied, expired and unknown requests can be neither approved nor exchanged', async () => {
    // Denied: the phone refuses; the desktop is told, and gets no exchange token.
    const denied = await createRequest(server);
    assert.deepEqual((await decide(server, token, denied.user_code, 'deny')).body, { status: 'denied' });
    assert.equal((await decide(server, token, denied.user_code, 'approve')).body.code, 'QR_REQUEST_DECIDED');
    assert.deepEqual((await pollUntilDecided(server, denied.device_code)).body, { status: 'denied' });
    const deniedLookUp = await server.request('GET', `/api/qr-auth/pending?user_code=${denied.user_code}`, { token });
    assert.equal(deniedLookUp.status, 404);
    assert.equal(deniedLookUp.body.code, 'USER_CODE_INVALID');

    // Expired before anyone approved.
    const expired = await createRequest(server);
    await expireRequests(server, `id = '${expired.session_id}'`);
    const lateApproval = await decide(server, token, expired.user_code, 'approve');
    assert.equal(lateApproval.status, 404, lateApproval.text);
    assert.equal(lateApproval.body.code, 'USER_CODE_INVALID');
    assert.deepEqual((await pollUntilDecided(server, expired.device_code)).body, { status: 'expired' });
    const gone = await server.request('GET', `/api/qr-auth/qr.svg?session_id=${expired.session_id}`);
    assert.equal(gone.status, 404, 'no QR code once the request is over');
    assert.equal(gone.body.code, 'NOT_FOUND');

    // Approved, then expired before the desktop polled: no exchange token.
    const lapsed = await createRequest(server);
    await decide(server, token, lapsed.user_code, 'approve');
    await expireRequests(server, `id = '${lapsed.session_id}'`);
    assert.deepEqual((await pollUntilDecided(server, lapsed.device_code)).body, { status: 'expired' });

    // An exchange token that lapsed before it was used.
    const slow = await createRequest(server);
    await decide(server, token, slow.user_code, 'approve');
    const slowToken = String((await pollUntilDecided(server, slow.device_code)).body.exchange_token);
    await execute(server.dataSource, `UPDATE auth_sessions SET exchange_expires_at = ${pastSql(server)} WHERE id = ${p(server, 1)}`, [slow.session_id]);
    const lapsedExchange = await exchange(server, slowToken);
    assert.equal(lapsedExchange.status, 404, lapsedExchange.text);
    assert.equal(lapsedExchange.body.code, 'EXCHANGE_TOKEN_INVALID');

    // Unknown everything.
    const unknownCode = await decide(server, token, 'BBBB-BBBB', 'approve');
    assert.equal(unknownCode.status, 404);
    assert.equal(unknownCode.body.code, 'USER_CODE_INVALID');
    const unknownExchange = await exchange(server, 'ab'.repeat(32));
    assert.equal(unknownExchange.status, 404);
    assert.equal(unknownExchange.body.code, 'EXCHANGE_TOKEN_INVALID');
    const unknownDevice = await poll(server, 'cd'.repeat(32));
    assert.equal(unknownDevice.status, 404);
    assert.equal(unknownDevice.body.code, 'DEVICE_CODE_INVALID');
  });

  test('polling with the user code instead of the device code fails', async () => {
    const request = await createRequest(server);
    await decide(server, token, request.user_code, 'approve');
    for (const wrong of [request.user_code, request.user_code.replace('-', ''), request.session_id]) {
      const polled = await poll(server, wrong);
      assert.equal(polled.status, 400, polled.text);
      assert.equal(polled.body.code, 'VALIDATION_ERROR');
      assert.equal(polled.body.field, 'device_code');
    }
    // The request is still there for its real device code.
    assert.equal((await pollUntilDecided(server, request.device_code)).body.status, 'approved');
  });

  test('polling faster than the interval is answered slow_down, with 5 more seconds', async () => {
    const request = await createRequest(server);
    assert.deepEqual((await poll(server, request.device_code)).body, { status: 'pending', interval: 1 });
    assert.deepEqual((await poll(server, request.device_code)).body, { status: 'slow_down', interval: 6 });
    const [row] = (await execute<{ poll_interval: number }>(server.dataSource, `SELECT poll_interval FROM auth_sessions WHERE id = ${p(server, 1)}`, [request.session_id])).rows;
    assert.equal(Number(row!.poll_interval), 6);
  });

  test('a user disabled after approving gets no token', async () => {
    const { token: otherToken } = await server.userWithToken('qr-disabled@example.com');
    const request = await createRequest(server);
    await decide(server, otherToken, request.user_code, 'approve');
    const exchangeToken = String((await pollUntilDecided(server, request.device_code)).body.exchange_token);
    const users = await server.admin<{ users: Array<{ id: number; email: string }> }>('GET', '/users');
    const other = users.body.users.find((user) => user.email === 'qr-disabled@example.com')!;
    assert.equal((await server.admin('POST', `/users/${other.id}/disable`)).status, 200);
    const refused = await exchange(server, exchangeToken);
    assert.equal(refused.status, 404, refused.text);
    assert.equal(refused.body.code, 'EXCHANGE_TOKEN_INVALID');
  });

  test('bad input is a 400 naming the field, and writes nothing', async () => {
    const before = await count(server, 'SELECT COUNT(*) AS n FROM auth_sessions');
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/qr-auth/approve', { user_code: 'AEIO-UAEI', decision: 'approve' }, 'user_code'],
      ['POST', '/api/qr-auth/approve', { user_code: 'BCDF-GHJK', decision: 'maybe' }, 'decision'],
      ['POST', '/api/qr-auth/approve', { user_code: 'BCDF-GHJK\u0000', decision: 'approve' }, 'user_code'],
      ['POST', '/api/qr-auth/approve', { user_code: 'BCDF-GHJK', decision: 'approve', extra: 1 }, 'extra'],
      ['POST', '/api/qr-auth/poll', { device_code: "' OR 1=1 --" }, 'device_code'],
      ['POST', '/api/qr-auth/exchange', { exchange_token: 'A'.repeat(64) }, 'exchange_token'],
      ['POST', '/api/qr-auth/exchange', { exchange_token: 42 }, 'exchange_token'],
      ['GET', '/api/qr-auth/pending?user_code=%F0%9F%98%80%F0%9F%98%80', undefined, 'user_code'],
    ];
    for (const [method, path, json, field] of cases) {
      const result = await server.request(method, path, { token, json });
      assert.equal(result.status, 400, `${path} ${JSON.stringify(json)}: ${result.text}`);
      assert.equal(result.body.code, 'VALIDATION_ERROR');
      assert.equal(result.body.field, field, `${path} ${JSON.stringify(json)}`);
    }
    const notJson = await server.request('POST', '/api/qr-auth/poll', { headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    const noUser = await server.request('POST', '/api/qr-auth/approve', { json: { user_code: 'BCDF-GHJK', decision: 'approve' } });
    assert.equal(noUser.status, 401);
    assert.equal(await count(server, 'SELECT COUNT(*) AS n FROM auth_sessions'), before);
  });

  test('no device code, user code, exchange token or JWT in any log line', async () => {
    const request = await createRequest(server);
    await server.request('GET', `/api/qr-auth/pending?user_code=${request.user_code}`, { token });
    await decide(server, token, request.user_code, 'approve');
    const exchangeToken = String((await pollUntilDecided(server, request.device_code)).body.exchange_token);
    const jwt = String((await exchange(server, exchangeToken)).body.access_token);
    await exchange(server, exchangeToken);
    const secrets = [request.device_code, request.user_code, request.user_code.replace('-', ''), exchangeToken, sha256Hex(exchangeToken), jwt, token];
    await eventually(async () => server.logs.some((line) => line.includes('"qr.replay_detected"')), 'the replay logged');
    for (const line of server.logs) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `a log line holds a secret: ${line.slice(0, 200)}`);
    }
  });
});

describeEachDatabase('QR-code login: guessing user codes is bounded', (database) => {
  let server: TestServer;

  before(async () => {
    server = await TestServer.start(database(), {
      HANDOFF_RATE_LIMITS: JSON.stringify({
        qrLookup: { points: 100, seconds: 60 },
        qrApprove: { points: 100, seconds: 60 },
        qrFailedLookups: { points: 3, seconds: 900 },
        qrFailedLookupsPerIp: { points: 6, seconds: 900 },
      }),
    });
  });
  after(async () => {
    await server?.close();
  });

  const lookUp = (bearer: string, code: string) => server.request('GET', `/api/qr-auth/pending?user_code=${code}`, { token: bearer });
  const wrongCodes = [...'BCDFGHJKLMNPQRSTVWXZ'].map((letter) => `${letter.repeat(4)}-${letter.repeat(4)}`);

  test('failed look-ups are counted per user; past the limit even a right code is refused, and a burst cannot outrun the count', async () => {
    const { token: guesser } = await server.userWithToken('guesser@example.com');
    const request = await createRequest(server);
    // Twenty wrong codes at once: three are answered, the rest refused.
    const burst = await Promise.all(wrongCodes.map((code) => lookUp(guesser, code)));
    const statuses = burst.map((result) => result.status);
    assert.equal(statuses.filter((status) => status === 404).length, 3, statuses.join(','));
    assert.equal(statuses.filter((status) => status === 429).length, 17, statuses.join(','));
    for (const attempt of [lookUp(guesser, request.user_code), decide(server, guesser, request.user_code, 'approve')]) {
      const refused = await attempt;
      assert.equal(refused.status, 429, refused.text);
      assert.equal(refused.body.code, 'RATE_LIMITED');
      assert.ok(Number(refused.headers.get('retry-after')) > 800, 'until the 15-minute window ends');
    }
    const [row] = (await execute<{ status: string }>(server.dataSource, `SELECT status FROM auth_sessions WHERE id = ${p(server, 1)}`, [request.session_id])).rows;
    assert.equal(row!.status, 'pending', 'nothing approved');
  });

  test('right codes are not counted as failures; failures of several users add up per IP', async () => {
    const { token: honest } = await server.userWithToken('honest@example.com');
    for (let attempt = 0; attempt < 5; attempt++) {
      const request = await createRequest(server);
      assert.equal((await lookUp(honest, request.user_code)).status, 200, 'a right code costs no failure');
    }
    // The guesser above spent 3 of this IP's 6; two more users' wrong codes reach the IP's limit.
    const { token: second } = await server.userWithToken('second@example.com');
    const { token: third } = await server.userWithToken('third@example.com');
    for (const [bearer, code] of [[second, wrongCodes[0]!], [second, wrongCodes[1]!], [third, wrongCodes[2]!]] as const) {
      assert.equal((await lookUp(bearer, code)).status, 404);
    }
    const request = await createRequest(server);
    const refused = await lookUp(honest, request.user_code);
    assert.equal(refused.status, 429, 'the IP has spent its failures: every user behind it waits');
  });
});
