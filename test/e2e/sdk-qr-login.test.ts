import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QrLoginClient, TargetClient } from '../../src/sdk/index.js';
import { expireRequests, QR_HIGH_LIMITS } from '../support/qr-login.js';
import { countingFetch, rejectsWith } from '../support/sdk.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { freePort, TestServer } from '../support/test-server.js';

// Issue 10, item 5: QrLoginClient against a real Handoff server, every method and every code it maps.

/** The QR limits at their defaults (creation per IP, failed look-ups per user), the rest out of reach. */
const LIMITS = JSON.stringify({ ...JSON.parse(QR_HIGH_LIMITS), qrCreate: { points: 20, seconds: 60 }, qrFailedLookups: { points: 10, seconds: 900 } });

describeEachDatabase('SDK: QrLoginClient', (database) => {
  let server: TestServer;
  let desktop: QrLoginClient;
  let phone: QrLoginClient;
  let userId: number;

  before(async () => {
    server = await TestServer.start(database(), {
      HANDOFF_RATE_LIMITS: LIMITS,
      QR_LOGIN_POLL_INTERVAL: '1',
      // The rate-limit test comes from an address of its own, through this proxy.
      HANDOFF_TRUSTED_PROXIES: '127.0.0.1',
    });
    const user = await server.userWithToken('phone-user@example.com');
    userId = user.userId;
    desktop = new QrLoginClient({ baseUrl: server.url });
    phone = new QrLoginClient({ baseUrl: server.url, accessToken: user.token });
  });
  after(async () => {
    await server?.close();
  });

  test('the whole sign-in: create, look up, approve, poll until approved, exchange once', async () => {
    const request = await desktop.create();
    assert.match(request.device_code, /^[0-9a-f]{64}$/);
    assert.match(request.user_code, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(request.verification_uri_complete, `${request.verification_uri}?user_code=${request.user_code}`);
    assert.equal(request.qr_svg_url, `${server.url}/api/qr-auth/qr.svg?session_id=${request.session_id}`);
    assert.equal(request.interval, 1);
    assert.deepEqual(await desktop.poll(request.device_code), { status: 'pending', interval: 1 });

    const shown = await phone.lookup(request.user_code.toLowerCase());
    assert.equal(shown.user_code, request.user_code);
    assert.equal(shown.status, 'pending');
    assert.equal(shown.ip_address, '127.0.0.1');

    const updates: string[] = [];
    const outcome = desktop.pollUntilDone(request.device_code, { interval: request.interval, onPending: (update) => updates.push(update.status) });
    assert.deepEqual(await phone.approve(request.user_code), { status: 'approved' });
    const approved = await outcome;
    assert.equal(approved.status, 'approved');
    assert.ok(approved.status === 'approved' && /^[0-9a-f]{64}$/.test(approved.exchange_token));
    assert.ok(!updates.includes('slow_down'), 'polled at the interval the server asked for');

    const exchanged = await desktop.exchange(approved.exchange_token);
    assert.equal(exchanged.token_type, 'Bearer');
    assert.ok(exchanged.expires_in > 0);
    const introspected = await new TargetClient({ baseUrl: server.url, sharedSecret: await server.app('qr-target'), appName: 'qr-target' }).introspect(exchanged.access_token);
    assert.ok(introspected.active && introspected.sub === String(userId));

    await rejectsWith(desktop.exchange(approved.exchange_token), 'EXCHANGE_TOKEN_USED', 409);
    assert.deepEqual(await desktop.poll(request.device_code), { status: 'already_issued' });
    await rejectsWith(phone.approve(request.user_code), 'QR_REQUEST_DECIDED', 409);
  });

  test('pollUntilDone waits longer after slow_down (the server sees no second one) and ends with denied', async () => {
    const request = await desktop.create();
    await desktop.poll(request.device_code);
    const updates: Array<{ status: string; interval: number }> = [];
    let denied: Promise<unknown> | undefined;
    // The first poll comes at once, right after the one above: too soon.
    const outcome = await desktop.pollUntilDone(request.device_code, {
      interval: 0,
      onPending: (update) => {
        updates.push(update);
        if (update.status === 'pending') denied = phone.deny(request.user_code);
      },
    });
    assert.deepEqual(await denied, { status: 'denied' });
    assert.deepEqual(updates, [
      { status: 'slow_down', interval: 6 },
      { status: 'pending', interval: 6 },
    ]);
    assert.deepEqual(outcome, { status: 'denied' });
  });

  test('pollUntilDone ends with expired, and stops with ABORTED when the caller aborts', async () => {
    const lapsed = await desktop.create();
    await expireRequests(server, `id = '${lapsed.session_id}'`);
    assert.deepEqual(await desktop.pollUntilDone(lapsed.device_code, { interval: 0 }), { status: 'expired' });
    await rejectsWith(phone.lookup(lapsed.user_code), 'USER_CODE_INVALID', 404);

    const request = await desktop.create();
    const controller = new AbortController();
    const polling = desktop.pollUntilDone(request.device_code, { signal: controller.signal, interval: 60 });
    controller.abort();
    await rejectsWith(polling, 'ABORTED');
  });

  test('desktop errors: unknown or malformed device code and exchange token; exchange is never retried', async () => {
    await rejectsWith(desktop.poll('0'.repeat(64)), 'DEVICE_CODE_INVALID', 404);
    assert.equal((await rejectsWith(desktop.poll('short'), 'VALIDATION_ERROR', 400)).field, 'device_code');
    await rejectsWith(desktop.exchange('0'.repeat(64)), 'EXCHANGE_TOKEN_INVALID', 404);
    assert.equal((await rejectsWith(desktop.exchange('nope'), 'VALIDATION_ERROR', 400)).field, 'exchange_token');

    const closed = `http://127.0.0.1:${await freePort()}`;
    const exchanges = countingFetch();
    await rejectsWith(new QrLoginClient({ baseUrl: closed, fetch: exchanges.fetch }).exchange('0'.repeat(64)), 'NETWORK_ERROR');
    assert.equal(exchanges.calls(), 1, 'an exchange token is good once: never sent twice');
    const creates = countingFetch();
    await rejectsWith(new QrLoginClient({ baseUrl: closed, fetch: creates.fetch }).create(), 'NETWORK_ERROR');
    assert.equal(creates.calls(), 3, 'connection refused: nothing was created, so it is safe to try again');
  });

  test('phone errors: unknown or malformed code, decided request, bad or missing token', async () => {
    await rejectsWith(phone.lookup('BCDF-GHJK'), 'USER_CODE_INVALID', 404);
    assert.equal((await rejectsWith(phone.lookup('!!!'), 'VALIDATION_ERROR', 400)).field, 'user_code');
    await rejectsWith(phone.approve('BCDF-GHJK'), 'USER_CODE_INVALID', 404);
    const request = await desktop.create();
    await rejectsWith(new QrLoginClient({ baseUrl: server.url, accessToken: 'not.a.jwt' }).lookup(request.user_code), 'TOKEN_INVALID', 401);
    await assert.rejects(desktop.approve(request.user_code), TypeError, 'the desktop client acts for nobody');
    assert.deepEqual(await phone.deny(request.user_code), { status: 'denied' });
    await rejectsWith(phone.approve(request.user_code), 'QR_REQUEST_DECIDED', 409);
    await rejectsWith(phone.deny(request.user_code), 'QR_REQUEST_DECIDED', 409);
  });

  test('RATE_LIMITED: too many requests from one address, too many wrong codes from one user', async () => {
    const fromElsewhere = countingFetch({ 'x-forwarded-for': '203.0.113.77' });
    const busyDesktop = new QrLoginClient({ baseUrl: server.url, fetch: fromElsewhere.fetch });
    for (let call = 0; call < 20; call++) await busyDesktop.create();
    const limited = await rejectsWith(busyDesktop.create(), 'RATE_LIMITED', 429);
    assert.ok((limited.retryAfterSeconds ?? 0) > 0);

    const guesser = new QrLoginClient({ baseUrl: server.url, accessToken: (await server.userWithToken('guesser@example.com')).token });
    for (let guess = 0; guess < 10; guess++) await rejectsWith(guesser.lookup('BCDF-GHJK'), 'USER_CODE_INVALID', 404);
    await rejectsWith(guesser.lookup('BCDF-GHJK'), 'RATE_LIMITED', 429);
  });
});
