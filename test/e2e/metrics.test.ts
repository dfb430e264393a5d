import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../support/test-databases.js';
import { eventually, TestServer } from '../support/test-server.js';

/** The value of one sample (`name{labels}`) in a Prometheus exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describeEachDatabase(
  'GET /metrics',
  (database) => {
    test('counts handoffs, validations by outcome, revocations and refusals, times requests by route, and reports the process', async () => {
      const limits = JSON.stringify({ generate: { points: 2, seconds: 60 } });
      const server = await TestServer.start(database(), { HANDOFF_RATE_LIMITS: limits });
      const other = await TestServer.start(database(), { HANDOFF_DATA_DIR: `${database().env.HANDOFF_DATA_DIR}/other` });
      try {
        const secret = await server.app('metrics-app');
        const { token } = await server.userWithToken('metrics@example.com');
        const generate = () => server.request('POST', '/api/cross-app/generate-session', { token, json: { target_app: 'metrics-app' } });
        const sessionToken = String((await generate()).body.session_token);
        const validate = () =>
          server.request('POST', '/api/cross-app/validate-session', { json: { session_token: sessionToken }, headers: { 'x-shared-secret': secret } });
        assert.equal((await validate()).status, 200);
        assert.equal((await validate()).status, 404, 'a replay');
        assert.equal((await generate()).status, 200);
        assert.equal((await generate()).status, 429);
        const revoked = await server.request('POST', '/api/cross-app/revoke', { token, json: { all: true } });
        assert.equal(revoked.status, 200, revoked.text);

        const scrape = async () => {
          const response = await server.request('GET', '/metrics');
          assert.equal(response.status, 200);
          assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
          return response.text;
        };
        // The replay is classified off the response path.
        await eventually(async () => sample(await scrape(), 'handoff_session_validations_total{outcome="replay"}') === 1, 'the replay counted');
        const text = await scrape();
        assert.equal(sample(text, 'handoff_sessions_generated_total{target_app="metrics-app"}'), 2);
        assert.equal(sample(text, 'handoff_session_validations_total{outcome="success"}'), 1);
        assert.equal(sample(text, 'handoff_rate_limit_refusals_total{limit="generate"}'), 1);
        // The replay revoked the first session; revoke-all then revoked the second.
        assert.equal(sample(text, 'handoff_session_revocations_total{actor="replay"}'), 1);
        assert.equal(sample(text, 'handoff_session_revocations_total{actor="user"}'), 1);
        assert.match(text, /^# TYPE handoff_qr_exchanges_total counter$/m);
        assert.match(text, /^# TYPE handoff_cleanup_rows_total counter$/m);
        assert.equal(
          sample(text, 'handoff_http_request_duration_seconds_count{method="POST",route="/api/cross-app/validate-session",status_code="404"}'),
          1,
          'latency by route pattern, method and status',
        );
        assert.equal((await server.request('GET', `/no/such/${sessionToken}`)).status, 404);
        assert.doesNotMatch(await scrape(), new RegExp(sessionToken), 'raw URLs never become labels');
        assert.match(text, /^process_cpu_user_seconds_total \d/m);
        assert.match(text, /^nodejs_heap_size_total_bytes \d/m);

        const elsewhere = await other.request('GET', '/metrics');
        assert.equal(sample(elsewhere.text, 'handoff_sessions_generated_total{target_app="metrics-app"}'), undefined, 'each server counts its own');
        assert.match(elsewhere.text, /^process_cpu_user_seconds_total \d/m);
      } finally {
        await Promise.all([server.close(), other.close()]);
      }
    });

    test('with HANDOFF_METRICS_TOKEN set, a scrape needs that token, and the token is never logged', async () => {
      const metricsToken = `metrics-${'m'.repeat(32)}`;
      const server = await TestServer.start(database(), { HANDOFF_METRICS_TOKEN: metricsToken });
      try {
        for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${metricsToken}`]) {
          const refused = await server.request('GET', '/metrics', { headers: authorization ? { authorization } : {} });
          assert.equal(refused.status, 401, authorization);
          assert.equal(refused.body.code, 'METRICS_UNAUTHORIZED');
          assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="handoff-metrics"');
        }
        const scraped = await server.request('GET', '/metrics', { headers: { authorization: `Bearer ${metricsToken}` } });
        assert.equal(scraped.status, 200);
        assert.match(scraped.text, /^process_cpu_user_seconds_total \d/m);
        assert.ok(!server.logs.some((line) => line.includes(metricsToken)), 'the token is not in the logs');
      } finally {
        await server.close();
      }
    });
  },
  ['pglite'],
);
