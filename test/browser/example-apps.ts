import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import jsQRModule from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { ARTIFACTS, launchChromium, needsChromium, waitForExpression } from '../support/browser.js';
import { type ExampleApps, startExampleApps } from '../support/example-apps.js';
import { describeEachDatabase, type TestDatabaseKind } from '../support/test-databases.js';

const jsQR = jsQRModule.default;

/** Signs a fresh browser context in to the host app as its demo member. */
async function signInToHost(browser: Browser, apps: ExampleApps): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  await page.goto(apps.host.url);
  await page.fill('#email', 'ada@example.com');
  await page.fill('#password', 'handoff-demo');
  await page.click('#sign-in');
  await page.locator('#who').waitFor();
  assert.equal(await page.textContent('#who'), 'Signed in as Ada Lovelace');
  return { context, page };
}

/**
 * Both flows of the example apps in Chromium, on one kind of database: one test file per kind
 * (example-apps.<kind>.test.ts), each within the runner's per-file time limit.
 */
export function exampleAppsSuite(only: TestDatabaseKind): void {
  describeEachDatabase('Example apps: Handoff embedded in a host app on its own members table, and a ticketing target app', (database, kind) => {
    const chromium = needsChromium();
    if (chromium.skip) return void it('needs Chromium', chromium, () => undefined);
    let apps: ExampleApps;
    let browser: Browser;

    before(async () => {
      const { HANDOFF_DATA_DIR: _unused, ...env } = database().env;
      apps = await startExampleApps(env);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await apps?.stop();
    });

    it('"Open ticketing" signs the member in to ticketing; Back and the same link again show the replay error', async () => {
      const { context, page } = await signInToHost(browser, apps);
      let handoffLink: string | undefined;
      page.on('request', (request) => {
        if (request.url().includes('/auth/cross-app?')) handoffLink = request.url();
      });
      await Promise.all([page.waitForURL(`${apps.ticketing.url}/welcome`), page.click('#open-ticketing')]);
      assert.equal(await page.textContent('#welcome'), 'Welcome, Ada Lovelace');
      assert.equal(await page.textContent('#accounts'), 'Analytical Engines (owner)');
      await page.screenshot({ path: join(ARTIFACTS, `example-ticketing-welcome-${kind}.png`), fullPage: true });

      assert.ok(handoffLink, 'the browser went through the handoff link');
      await page.goBack();
      assert.equal(new URL(page.url()).origin, apps.host.url);
      await page.goto(handoffLink);
      assert.match((await page.textContent('#error')) ?? '', /invalid, expired, or was already used/);
      await page.screenshot({ path: join(ARTIFACTS, `example-ticketing-replay-${kind}.png`), fullPage: true });
      await context.close();
    });

    it("QR: ticketing's phone sign-in, approved on the host's own page with the host's session, signs the desktop in", async () => {
      const desktop = await browser.newContext({ viewport: { width: 1000, height: 800 } });
      const desktopPage = await desktop.newPage();
      await desktopPage.goto(`${apps.ticketing.url}/login/phone`);
      await desktopPage.locator('#qr').waitFor();
      await waitForExpression(desktopPage, "document.getElementById('qr')?.naturalWidth > 0");
      const shot = await desktopPage.locator('#qr').screenshot({ path: join(ARTIFACTS, `example-qr-${kind}.png`) });
      const image = PNG.sync.read(shot);
      const approvalUrl = jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
      assert.ok(approvalUrl, 'the QR code decodes');
      assert.equal(new URL(approvalUrl).origin + new URL(approvalUrl).pathname, `${apps.host.url}/handoff/device`);

      // The phone: signed in to the host app (its own cookie), no token pasted anywhere.
      const phone = await signInToHost(browser, apps);
      await phone.page.goto(approvalUrl);
      await phone.page.locator('#approve').waitFor({ state: 'visible' });
      assert.equal(await phone.page.textContent('#who'), 'Signed in as Ada Lovelace');
      await phone.page.screenshot({ path: join(ARTIFACTS, `example-approve-${kind}.png`), fullPage: true });
      // The host's cookie alone, from another site's form, approves nothing.
    const forged = await phone.context.request.post(`${apps.host.url}/handoff/api/qr-auth/approve`, {
      form: { user_code: approvalUrl.split('user_code=')[1]!, decision: 'approve' },
      headers: { origin: apps.ticketing.url, 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(forged.status(), 403);
    await phone.page.click('#approve');
      await waitForExpression(phone.page, "document.body.dataset.state === 'approved'");

      await desktopPage.waitForURL(`${apps.ticketing.url}/welcome`, { timeout: 30_000 });
      assert.equal(await desktopPage.textContent('#welcome'), 'Welcome, ada@example.com');
      await desktopPage.screenshot({ path: join(ARTIFACTS, `example-qr-signed-in-${kind}.png`), fullPage: true });
      await Promise.all([desktop.close(), phone.context.close()]);
    });
  }, [only]);
}
