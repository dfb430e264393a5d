import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as oauth from 'openid-client';
import { describeEachDatabase } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';
import { createRequest, decide, expireRequests, poll, QR_HIGH_LIMITS } from '../support/qr-login.js';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDatabase('OAuth 2.0 device authorization grant (RFC 8628)', (database) => {
  let server: TestServer;
  let userToken: string;
  let tvSecret: string;

  before(async () => {
    server = await TestServer.start(database(), { HANDOFF_RATE_LIMITS: QR_HIGH_LIMITS, QR_LOGIN_POLL_INTERVAL: '1' });
    ({ token: userToken } = await server.userWithToken('device-user@example.com'));
    tvSecret = await server.app('tv-app');
    for (const name of ['tv-cli', 'other-cli']) {
      const cli = await server.admin('POST', '/apps', { name, public: true });
      assert.equal(cli.status, 201, cli.text);
      assert.equal(cli.body.secret, null, 'a public client has no secret');
    }
  });
  after(async () => {
    await server?.close();
  });

  /** The phone approves (or denies) a little later, while the client library polls. */
  async function decideSoon(userCode: string, decision: 'approve' | 'deny'): Promise<void> {
    await sleep(1_500);
    const decided = await decide(server, userToken, userCode, decision);
    assert.equal(decided.status, 200, decided.text);
  }

  function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}) {
    return server.request('POST', '/oauth/token', { form, headers });
  }

  async function deviceAuthorization(clientId = 'tv-cli') {
    const authorized = await server.request<{ device_code: string; user_code: string; interval: number; expires_in: number }>(
      'POST',
      '/oauth/device_authorization',
      { form: { client_id: clientId } },
    );
    assert.equal(authorized.status, 200, authorized.text);
    return authorized;
  }

  test('a standard OAuth client library signs in as a public client, with no Handoff-specific code', async () => {
    const config = await oauth.discovery(new URL(server.url), 'tv-cli', undefined, oauth.None(), {
      algorithm: 'oauth2',
      execute: [oauth.allowInsecureRequests],
    });
    const before = await server.request<{ tokens: unknown[] }>('GET', '/api/tokens', { token: userToken });
    const authorization = await oauth.initiateDeviceAuthorization(config, { scope: 'openid' });
    const [tokens] = await Promise.all([
      oauth.pollDeviceAuthorizationGrant(config, authorization),
      decideSoon(authorization.user_code, 'approve'),
    ]);
    assert.equal(tokens.token_type, 'bearer');
    const me = await server.request('GET', '/api/me', { token: tokens.access_token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.email, 'device-user@example.com');
    const listed = await server.request<{ tokens: Array<{ id: number }> }>('GET', '/api/tokens', { token: tokens.access_token });
    assert.equal(listed.body.tokens.length, before.body.tokens.length + 1, 'the JWT is recorded in the registry');
  });

  test('a confidential client authenticates with its secret; the library reports a denial as access_denied', async () => {
    const config = await oauth.discovery(new URL(server.url), 'tv-app', undefined, oauth.ClientSecretBasic(tvSecret), {
      execute: [oauth.allowInsecureRequests],
    });
    const approved = await oauth.initiateDeviceAuthorization(config, {});
    const [tokens] = await Promise.all([oauth.pollDeviceAuthorizationGrant(config, approved), decideSoon(approved.user_code, 'approve')]);
    assert.equal((await server.request('GET', '/api/me', { token: tokens.access_token })).status, 200);

    const denied = await oauth.initiateDeviceAuthorization(config, {});
    const [refusal] = await Promise.all([
      oauth.pollDeviceAuthorizationGrant(config, denied).then(
        () => assert.fail('a denied request yielded a token'),
        (error: unknown) => error,
      ),
      decideSoon(denied.user_code, 'deny'),
    ]);
    assert.ok(refusal instanceof oauth.ResponseBodyError, String(refusal));
    assert.equal(refusal.error, 'access_denied');

    const wrong = await oauth.discovery(new URL(server.url), 'tv-app', undefined, oauth.ClientSecretBasic('not-the-secret'), {
      execute: [oauth.allowInsecureRequests],
    });
    // A 401 with a Basic challenge: the library reports the challenge (RFC 6749 §5.2).
    await assert.rejects(oauth.initiateDeviceAuthorization(wrong, {}), (error: unknown) => {
      assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
      assert.equal(error.status, 401);
      assert.equal(error.cause[0]?.scheme, 'basic');
      return true;
    });
  });

  test('wire details: numbers, 400 JSON errors without WWW-Authenticate, 200 no-store with a Bearer token', async () => {
    const authorized = await deviceAuthorization();
    assert.equal(typeof authorized.body.interval, 'number');
    assert.equal(typeof authorized.body.expires_in, 'number');
    assert.equal(authorized.headers.get('cache-control'), 'no-store');
    const { device_code: deviceCode, user_code: userCode } = authorized.body;
    const grant = { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: 'tv-cli' };

    const expectError = async (result: Awaited<ReturnType<typeof tokenRequest>>, error: string, status = 400) => {
      assert.equal(result.status, status, result.text);
      assert.equal(result.body.error, error);
      assert.match(result.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(result.headers.get('cache-control'), 'no-store');
      if (status === 400) assert.equal(result.headers.get('www-authenticate'), null);
    };
    await expectError(await tokenRequest(grant), 'authorization_pending');
    await expectError(await tokenRequest(grant), 'slow_down');
    await expectError(await tokenRequest({ ...grant, grant_type: 'authorization_code' }), 'unsupported_grant_type');
    await expectError(await tokenRequest({ ...grant, client_id: 'other-cli' }), 'invalid_grant');
    await expectError(await tokenRequest({ ...grant, client_id: 'no-such-client' }), 'invalid_client', 401);
    await expectError(await tokenRequest({ ...grant, client_secret: 'wrong' }), 'invalid_client', 401);
    // A confidential client must prove who it is: its name alone is not enough, at either endpoint.
    await expectError(await tokenRequest({ ...grant, client_id: 'tv-app' }), 'invalid_client', 401);
    await expectError(await server.request('POST', '/oauth/device_authorization', { form: { client_id: 'tv-app' } }), 'invalid_client', 401);
    await expectError(await tokenRequest({ ...grant, device_code: userCode }), 'invalid_request');
    await expectError(await tokenRequest({ grant_type: DEVICE_CODE_GRANT, client_id: 'tv-app' }), 'invalid_request');

    await decide(server, userToken, userCode, 'approve');
    await sleep(6_100); // the interval after the slow_down above
    const granted = await tokenRequest(grant);
    assert.equal(granted.status, 200, granted.text);
    assert.equal(granted.headers.get('cache-control'), 'no-store');
    assert.equal(granted.body.token_type, 'Bearer');
    assert.equal(typeof granted.body.expires_in, 'number');
    assert.equal((await server.request('GET', '/api/me', { token: String(granted.body.access_token) })).status, 200);
    // The device code is good once.
    await sleep(1_100);
    await expectError(await tokenRequest(grant), 'invalid_grant');
  });

  test('expired and Handoff-page requests: expired_token, and no token through the device grant', async () => {
    const authorized = await deviceAuthorization();
    await expireRequests(server, "client_id = 'tv-cli' AND status = 'pending'");
    const expired = await tokenRequest({ grant_type: DEVICE_CODE_GRANT, device_code: authorized.body.device_code, client_id: 'tv-cli' });
    assert.equal(expired.status, 400, expired.text);
    assert.equal(expired.body.error, 'expired_token');

    // A request of the /qr page belongs to no client: its device code is refused here, approved or not.
    const pageRequest = await createRequest(server);
    await decide(server, userToken, pageRequest.user_code, 'approve');
    const viaGrant = await tokenRequest({ grant_type: DEVICE_CODE_GRANT, device_code: pageRequest.device_code, client_id: 'tv-cli' });
    assert.equal(viaGrant.status, 400, viaGrant.text);
    assert.equal(viaGrant.body.error, 'invalid_grant');

    // Nor the other way: a client's request is redeemed at the token endpoint only.
    const clientRequest = await deviceAuthorization();
    await decide(server, userToken, clientRequest.body.user_code, 'approve');
    const polled = await poll(server, clientRequest.body.device_code);
    assert.equal(polled.status, 404, polled.text);
    assert.equal(polled.body.code, 'DEVICE_CODE_INVALID');
  });

  test('20 concurrent token requests for one approved device code: exactly one token', async () => {
    const authorized = await deviceAuthorization();
    await decide(server, userToken, authorized.body.user_code, 'approve');
    const form = { grant_type: DEVICE_CODE_GRANT, device_code: authorized.body.device_code, client_id: 'tv-cli' };
    const results = await Promise.all(Array.from({ length: 20 }, () => tokenRequest(form)));
    const outcomes = results.map((result) => `${result.status}:${String(result.body.error ?? 'token')}`);
    assert.equal(results.filter((result) => result.status === 200).length, 1, outcomes.join(' '));
    for (const result of results.filter((candidate) => candidate.status !== 200)) assert.equal(result.body.error, 'invalid_grant', outcomes.join(' '));
  });

  test('the phone is told which client asks', async () => {
    const authorized = await deviceAuthorization();
    const shown = await server.request('GET', `/api/qr-auth/pending?user_code=${authorized.body.user_code}`, { token: userToken });
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.body.client_id, 'tv-cli');
  });

  test('the authorization-server metadata advertises the grant', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const metadata = await server.request('GET', path);
      assert.equal(metadata.body.device_authorization_endpoint, `${server.url}/oauth/device_authorization`);
      assert.equal(metadata.body.token_endpoint, `${server.url}/oauth/token`);
      assert.deepEqual(metadata.body.grant_types_supported, [DEVICE_CODE_GRANT]);
      assert.ok((metadata.body.token_endpoint_auth_methods_supported as string[]).includes('none'));
    }
  });
});
