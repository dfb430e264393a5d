import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium, needsChromium, waitForExpression } from '../support/browser.js';
import { insertSessions, sessionMix } from '../support/session-fixtures.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { ADMIN_TOKEN, TestServer } from '../support/test-server.js';

const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

/** The operators' dashboard at /admin in headless Chromium, against the real server. */
describeEachDatabase('dashboard in Chromium', (database, kind) => {
  const chromium = needsChromium();
  let server: TestServer;
  let browser: Browser;
  let userToken: string;
  let hiEventsSecret: string;

  before(async () => {
    server = await TestServer.start(database());
    hiEventsSecret = await server.app('hi-events');
    const user = await server.userWithToken('dash.user@example.com');
    userToken = user.token;
    // Eight days of sessions of every kind: the chart and its table have something to show.
    await insertSessions(server.dataSource, user.userId, sessionMix(64));
    if (!chromium.skip) browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('without the admin token every dashboard page and route answers 401', async () => {
    const page = await fetch(`${server.url}/admin`);
    assert.equal(page.status, 401);
    assert.match(await page.text(), /id="sign-in-form"/, 'the sign-in form, and no data');
    const routes = ['GET /api/admin/overview', 'GET /api/admin/sessions', 'GET /api/admin/stats', 'GET /api/admin/monitor', 'GET /api/admin/apps', 'GET /api/admin/keys', 'GET /api/admin/users/1/tokens', 'POST /api/admin/users/1/tokens/revoke-all'];
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      for (const token of [undefined, 'not-the-admin-token-but-long-enough-000000']) {
        const answer = await server.request(method, path, { token });
        assert.equal(answer.status, 401, `${route} with ${token ? 'a wrong' : 'no'} token`);
        assert.equal(answer.body.code, 'ADMIN_UNAUTHORIZED');
      }
    }
    const withToken = await fetch(`${server.url}/admin`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(withToken.status, 200);
    assert.match(withToken.headers.get('content-security-policy') ?? '', /script-src 'self';.*frame-ancestors 'none'/);
  });

  async function signIn(viewport: keyof typeof VIEWPORTS): Promise<Page> {
    const page = await (await browser.newContext({ viewport: VIEWPORTS[viewport] })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && errors.push(message.text()));
    // The page itself answers 401 to a browser (it carries no credential); anything else must load.
    page.on('response', (answer) => answer.status() >= 400 && !answer.url().endsWith('/admin') && errors.push(`${answer.status()} ${answer.url()}`));
    const response = await page.goto(`${server.url}/admin`);
    assert.equal(response?.status(), 401);
    // By keyboard: the token field has the focus, Enter submits.
    await waitForExpression(page, "document.activeElement && document.activeElement.id === 'admin-token'");
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.locator('#status', { hasText: 'Signed in.' }).waitFor();
    assert.deepEqual(errors, [], 'no script error, no CSP violation');
    return page;
  }

  for (const viewport of ['desktop', 'phone'] as const) {
    test(`${viewport}: signs in; the chart and its table show the seeded days`, { skip: chromium.skip }, async () => {
      const page = await signIn(viewport);
      await page.locator('#chart canvas').first().waitFor();
      const stats = await server.admin<{ days: Array<{ date: string; created: number; used: number; revoked: number; expired: number }> }>('GET', '/stats?days=7');
      await waitForExpression(page, `document.querySelectorAll('#stats-table tbody tr').length === ${stats.body.days.length}`);
      const rows = (await page.locator('#stats-table tbody tr').allTextContents()).length;
      assert.equal(rows, 7);
      const shown = await page.locator('#stats-table tbody tr').evaluateAll((trs) =>
        trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string }> }).cells, (td) => td.textContent)),
      );
      assert.deepEqual(shown, stats.body.days.map((day) => [day.date, String(day.created), String(day.used), String(day.revoked), String(day.expired)]));
      assert.ok(stats.body.days.reduce((sum, day) => sum + day.created, 0) > 0, 'the seeded sessions are counted');
      const overview = await server.admin<{ active_sessions: number }>('GET', '/overview');
      await waitForExpression(page, `document.getElementById('active-sessions').textContent === '${overview.body.active_sessions.toLocaleString('en-US')}'`);
      const width = await page.evaluate('document.documentElement.scrollWidth');
      assert.ok(Number(width) <= VIEWPORTS[viewport].width, `no sideways scrolling of the page (${String(width)} px)`);
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-overview-${viewport}-${kind}.png`), fullPage: true });
      for (const section of ['sessions', 'apps', 'tokens', 'health']) {
        await page.locator(`nav a[href="#${section}"]`).focus();
        await page.keyboard.press('Enter');
        await page.locator(`#${section}`).waitFor({ state: 'visible' });
      }
      await page.locator('#tables-table tbody tr').first().waitFor();
      assert.match((await page.locator('#tables-table tbody').textContent())!, /cross_app_sessions.*\d+(\.\d)? (B|KiB|MiB)/s, 'sizes a person reads');
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-health-${viewport}-${kind}.png`), fullPage: true });
      await page.context().close();
    });
  }

  test('revoking a session in the list makes validate-session refuse it', { skip: chromium.skip }, async () => {
    const generated = await server.request<{ session_token: string }>('POST', '/api/cross-app/generate-session', { token: userToken, json: {} });
    assert.equal(generated.status, 200, generated.text);
    const page = await signIn('desktop');
    await page.locator('nav a[href="#sessions"]').click();
    await page.locator('#search-email').fill('dash.user');
    await page.locator('#search-state').selectOption('active');
    await page.locator('#session-search button[type=submit]').click();
    const newest = await server.admin<{ sessions: Array<{ id: number }> }>('GET', '/sessions?email=dash.user&state=active&limit=1');
    const id = newest.body.sessions[0]!.id;
    await page.getByRole('button', { name: `Revoke session ${id}`, exact: true }).click();
    await page.locator('#status', { hasText: `Revoked session ${id}: 1 session(s).` }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-sessions-${kind}.png`), fullPage: true });
    const validated = await server.request('POST', '/api/cross-app/validate-session', {
      headers: { 'x-shared-secret': hiEventsSecret },
      json: { session_token: generated.body.session_token },
    });
    assert.deepEqual([validated.status, validated.body.code], [404, 'SESSION_INVALID']);
    await page.context().close();
  });

  test('an app added in the page works with the secret it showed once', { skip: chromium.skip }, async () => {
    const page = await signIn('phone');
    await page.locator('nav a[href="#apps"]').click();
    await page.locator('#app-name').fill('dash-app');
    await page.locator('#app-origins').fill('https://dash.example.com');
    await page.locator('#app-form button[type=submit]').click();
    await page.locator('#secret-box').waitFor({ state: 'visible' });
    const secret = (await page.locator('#secret-value').textContent())!;
    assert.match(secret, /^[0-9a-f]{64}$/);
    await page.locator('#apps-table tbody', { hasText: 'dash-app' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-apps-${kind}.png`), fullPage: true });
    const generated = await server.request<{ session_token: string }>('POST', '/api/cross-app/generate-session', {
      token: userToken,
      json: { target_app: 'dash-app' },
    });
    const validated = await server.request('POST', '/api/cross-app/validate-session', {
      headers: { 'x-shared-secret': secret },
      json: { session_token: generated.body.session_token },
    });
    assert.deepEqual([validated.status, validated.body.valid, validated.body.email], [200, true, 'dash.user@example.com']);
    await page.context().close();
  });
});
