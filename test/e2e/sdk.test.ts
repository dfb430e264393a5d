import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SourceClient, TargetClient } from '../../src/sdk/index.js';
import { countingFetch, foreignHttpServer, misbehavingPeer, rejectsWith } from '../support/sdk.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { freePort, TestServer } from '../support/test-server.js';

// Issue 10, item 5: the SDK against a real Handoff server, every method and every code it maps.

/** Low enough to reach in a test, each on a key only its own test uses (a user, an app, a session). */
const LIMITS = JSON.stringify({
  generate: { points: 50, seconds: 60 },
  validate: { points: 30, seconds: 60 },
  userAccounts: { points: 3, seconds: 60 },
  validatePermission: { points: 5, seconds: 60 },
});
const ORIGIN = 'https://hi.events.test';

describeEachDatabase('SDK: SourceClient and TargetClient', (database) => {
  let server: TestServer;
  let source: SourceClient;
  let target: TargetClient;
  let secret: string;
  let userId: number;
  let userToken: string;
  let acme: number;
  let globex: number;

  before(async () => {
    server = await TestServer.start(database(), { HANDOFF_RATE_LIMITS: LIMITS });
    secret = await server.app('hi-events', [ORIGIN]);
    ({ userId, token: userToken } = await server.userWithToken('olga@example.com'));
    acme = (await server.admin<{ id: number }>('POST', '/accounts', { name: 'Acme', slug: 'acme' })).body.id;
    globex = (await server.admin<{ id: number }>('POST', '/accounts', { name: 'Globex', slug: 'globex' })).body.id;
    await server.admin('PUT', '/accounts/acme/members', { email: 'olga@example.com', role: 'organizer' });
    await server.admin('PUT', '/accounts/acme/resources/evt-1');
    await server.admin('PUT', '/accounts/globex/resources/evt-2');
    source = new SourceClient({ baseUrl: server.url, accessToken: userToken });
    target = new TargetClient({ baseUrl: server.url, sharedSecret: secret, appName: 'hi-events' });
  });
  after(async () => {
    await server?.close();
  });

  const newToken = async (accountId: number | null = acme) => (await source.generateSession({ account_id: accountId })).session_token;

  test('the whole handoff: generate, redirect URL, validate, accounts, permissions', async () => {
    let asked = 0;
    const viaFunction = new SourceClient({ baseUrl: `${server.url}/`, getAccessToken: async () => (asked++, userToken) });
    const session = await viaFunction.generateSession({ account_id: acme, callback_url: `${ORIGIN}/welcome` });
    assert.equal(asked, 1);
    assert.match(session.session_token, /^[0-9a-f]{64}$/);
    assert.equal(session.account_id, acme);
    assert.equal(session.target_app, 'hi-events');
    assert.ok(Date.parse(session.expires_at) > Date.now());

    const link = viaFunction.buildRedirectUrl(`${ORIGIN}/auth/cross-app?next=%2Fevents&session_token=old#top`, session, { lang: 'en' });
    const url = new URL(link);
    assert.equal(url.origin + url.pathname, `${ORIGIN}/auth/cross-app`);
    assert.deepEqual([...url.searchParams], [['next', '/events'], ['session_token', session.session_token], ['lang', 'en']]);
    assert.equal(url.hash, '#top');
    assert.throws(() => viaFunction.buildRedirectUrl('javascript:alert(1)', session), TypeError);

    const token = url.searchParams.get('session_token')!;
    const validated = await target.validateSession(token);
    assert.deepEqual({ ...validated, permissions: [...validated.permissions].sort() }, {
      valid: true,
      user_id: String(userId),
      email: 'olga@example.com',
      name: 'olga',
      account_id: acme,
      permissions: ['create_events', 'manage_ticketing'],
      expires_at: session.expires_at,
    });
    const accounts = await target.getUserAccounts(token);
    assert.deepEqual(
      accounts.map(({ id, slug, role }) => ({ id, slug, role })),
      [{ id: acme, slug: 'acme', role: 'organizer' }],
    );
    assert.equal(await target.validatePermission(token, 'create_events'), true);
    assert.equal(await target.validatePermission(token, 'manage_members'), false);
    assert.equal(await target.validatePermission(token, 'create_events', 'evt-1'), true);
    assert.equal(await target.validatePermission(token, 'create_events', 'evt-2'), false, "another account's resource");
  });

  test("a replayed, unknown or other app's token is SESSION_INVALID 404, with Handoff's request id", async () => {
    const token = await newToken();
    await target.validateSession(token);
    const replay = await rejectsWith(target.validateSession(token), 'SESSION_INVALID', 404);
    assert.match(replay.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(replay.message.length > 0 && !replay.message.includes(token));
    const unknown = 'ab'.repeat(32);
    await rejectsWith(target.validateSession(unknown), 'SESSION_INVALID', 404);
    await rejectsWith(target.getUserAccounts(unknown), 'SESSION_INVALID', 404);
    await rejectsWith(target.validatePermission(unknown, 'create_events'), 'SESSION_INVALID', 404);
    const other = new TargetClient({ baseUrl: server.url, sharedSecret: await server.app('other-app') });
    const fresh = await newToken();
    await rejectsWith(other.validateSession(fresh), 'SESSION_INVALID', 404);
    await rejectsWith(other.getUserAccounts(fresh), 'SESSION_INVALID', 404);
  });

  test('malformed input is VALIDATION_ERROR 400 naming the field', async () => {
    assert.equal((await rejectsWith(target.validateSession('not-a-token'), 'VALIDATION_ERROR', 400)).field, 'session_token');
    assert.equal((await rejectsWith(target.getUserAccounts('XYZ'), 'VALIDATION_ERROR', 400)).field, 'session_token');
    const token = await newToken();
    await target.validateSession(token);
    assert.equal((await rejectsWith(target.validatePermission(token, 'no spaces!'), 'VALIDATION_ERROR', 400)).field, 'permission');
    assert.equal((await rejectsWith(source.generateSession({ callback_url: 'not a url' }), 'VALIDATION_ERROR', 400)).field, 'callback_url');
    assert.equal((await rejectsWith(target.introspect(''), 'VALIDATION_ERROR', 400)).field, 'token');
  });

  test('a wrong shared secret or app name is INVALID_CLIENT 401', async () => {
    const token = await newToken();
    const wrong = new TargetClient({ baseUrl: server.url, sharedSecret: 'f'.repeat(64), appName: 'hi-events' });
    await rejectsWith(wrong.validateSession(token), 'INVALID_CLIENT', 401);
    await rejectsWith(wrong.getUserAccounts(token), 'INVALID_CLIENT', 401);
    await rejectsWith(wrong.validatePermission(token, 'create_events'), 'INVALID_CLIENT', 401);
    await rejectsWith(wrong.introspect(userToken), 'INVALID_CLIENT', 401);
    const misnamed = new TargetClient({ baseUrl: server.url, sharedSecret: secret, appName: 'other-name' });
    await rejectsWith(misnamed.introspect(userToken), 'INVALID_CLIENT', 401);
    // The token survived all that: the secret was checked first.
    assert.equal((await target.validateSession(token)).valid, true);
  });

  test('introspect: active for a good access token, inactive once revoked or for garbage', async () => {
    const active = await target.introspect(userToken);
    assert.equal(active.active, true);
    assert.ok(active.active && active.sub === String(userId) && active.username === 'olga@example.com' && active.token_type === 'Bearer');
    assert.deepEqual(await target.introspect('garbage'), { active: false });
    const { token: revoked } = await server.userWithToken('revoked@example.com');
    assert.equal((await server.request('POST', '/api/tokens/revoke-all', { token: revoked })).status, 200);
    assert.deepEqual(await target.introspect(revoked), { active: false });
    const nameless = new TargetClient({ baseUrl: server.url, sharedSecret: secret });
    await assert.rejects(nameless.introspect(userToken), TypeError);
  });

  test("generateSession: another's account, unknown app, foreign callback, bad token", async () => {
    await rejectsWith(source.generateSession({ account_id: globex }), 'ACCOUNT_FORBIDDEN', 403);
    await rejectsWith(source.generateSession({ target_app: 'no-such-app' }), 'TARGET_APP_UNKNOWN', 400);
    await rejectsWith(source.generateSession({ callback_url: 'https://evil.test/steal' }), 'CALLBACK_NOT_ALLOWED', 400);
    await rejectsWith(new SourceClient({ baseUrl: server.url, accessToken: 'not.a.jwt' }).generateSession(), 'TOKEN_INVALID', 401);
    await assert.rejects(new SourceClient({ baseUrl: server.url }).generateSession(), TypeError);
  });

  test('every limited method maps 429 to RATE_LIMITED with Retry-After', async () => {
    const { token: busy } = await server.userWithToken('busy@example.com');
    const busySource = new SourceClient({ baseUrl: server.url, accessToken: busy });
    for (let call = 0; call < 50; call++) await busySource.generateSession();
    const limited = await rejectsWith(busySource.generateSession(), 'RATE_LIMITED', 429);
    assert.ok((limited.retryAfterSeconds ?? 0) > 0);

    const throttled = new TargetClient({ baseUrl: server.url, sharedSecret: await server.app('throttled-app') });
    for (let call = 0; call < 30; call++) await rejectsWith(throttled.validateSession('cd'.repeat(32)), 'SESSION_INVALID');
    await rejectsWith(throttled.validateSession('cd'.repeat(32)), 'RATE_LIMITED', 429);

    const token = await newToken();
    await target.validateSession(token);
    for (let call = 0; call < 3; call++) await target.getUserAccounts(token);
    await rejectsWith(target.getUserAccounts(token), 'RATE_LIMITED', 429);
    for (let call = 0; call < 5; call++) await target.validatePermission(token, 'create_events');
    await rejectsWith(target.validatePermission(token, 'create_events'), 'RATE_LIMITED', 429);
  });
});

describe('SDK transport: network errors, timeouts, foreign answers', () => {
  const token = 'ab'.repeat(32);

  test('NETWORK_ERROR: reads are retried; validateSession never; generateSession only when nothing was sent', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const reads = countingFetch();
    const refused = new TargetClient({ baseUrl: closed, sharedSecret: token, retries: 2, fetch: reads.fetch });
    const failed = await rejectsWith(refused.getUserAccounts(token), 'NETWORK_ERROR');
    assert.equal(failed.statusCode, undefined);
    assert.match(failed.requestId ?? '', /^[0-9a-f-]{36}$/, 'the id the SDK sent');
    assert.equal(reads.calls(), 3);

    const spends = countingFetch();
    await rejectsWith(new TargetClient({ baseUrl: closed, sharedSecret: token, fetch: spends.fetch }).validateSession(token), 'NETWORK_ERROR');
    assert.equal(spends.calls(), 1, 'a handoff token is spent by the first validation that arrives: never sent twice');

    const refusedGenerate = countingFetch();
    await rejectsWith(new SourceClient({ baseUrl: closed, accessToken: 'x', fetch: refusedGenerate.fetch }).generateSession(), 'NETWORK_ERROR');
    assert.equal(refusedGenerate.calls(), 3, 'connection refused: nothing was created, so it is safe to try again');

    const peer = await misbehavingPeer('reset');
    try {
      const resetGenerate = countingFetch();
      await rejectsWith(new SourceClient({ baseUrl: peer.url, accessToken: 'x', fetch: resetGenerate.fetch }).generateSession(), 'NETWORK_ERROR');
      assert.equal(resetGenerate.calls(), 1, 'the connection was made: the session may exist, so no second one');
      const resetRead = countingFetch();
      await rejectsWith(new TargetClient({ baseUrl: peer.url, sharedSecret: token, fetch: resetRead.fetch }).validatePermission(token, 'x'), 'NETWORK_ERROR');
      assert.equal(resetRead.calls(), 3);
    } finally {
      await peer.close();
    }
  });

  test('TIMEOUT when no answer comes in timeoutMs, not retried; ABORTED when the caller aborts', async () => {
    const peer = await misbehavingPeer('silent');
    try {
      const attempts = countingFetch();
      const slow = new TargetClient({ baseUrl: peer.url, sharedSecret: token, timeoutMs: 200, fetch: attempts.fetch });
      const timedOut = await rejectsWith(slow.getUserAccounts(token), 'TIMEOUT');
      assert.equal(timedOut.statusCode, undefined);
      assert.equal(attempts.calls(), 1);
      const controller = new AbortController();
      const pending = slow.validatePermission(token, 'x', undefined, controller.signal);
      controller.abort();
      await rejectsWith(pending, 'ABORTED');
      await rejectsWith(slow.validateSession(token, AbortSignal.abort()), 'ABORTED');
    } finally {
      await peer.close();
    }
  });

  test("UNEXPECTED_RESPONSE for an answer that is not Handoff's", async () => {
    const foreign = await foreignHttpServer();
    try {
      const gateway = await rejectsWith(new TargetClient({ baseUrl: foreign.url, sharedSecret: token }).validateSession(token), 'UNEXPECTED_RESPONSE', 502);
      assert.match(gateway.message, /502/);
      await rejectsWith(new TargetClient({ baseUrl: `${foreign.url}/ok`, sharedSecret: token }).getUserAccounts(token), 'UNEXPECTED_RESPONSE', 200);
    } finally {
      await foreign.close();
    }
  });
});
