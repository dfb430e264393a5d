import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import jsQRModule from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { ARTIFACTS, launchChromium, needsChromium, waitForExpression } from '../support/browser.js';
import { expireRequests, QR_HIGH_LIMITS } from '../support/qr-login.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';

const jsQR = jsQRModule.default;

/**
 * The /qr and /device pages in headless Chromium: a desktop page and a phone page, each in its
 * own browser context (no shared storage), against the real server.
 */
describeEachDatabase('QR-code login pages in Chromium', (database, kind) => {
  const chromium = needsChromium();
  let server: TestServer;
  let browser: Browser;
  let userToken: string;

  before(async () => {
    if (chromium.skip) return;
    server = await TestServer.start(database(), { HANDOFF_RATE_LIMITS: QR_HIGH_LIMITS, QR_LOGIN_POLL_INTERVAL: '1' });
    const created = await server.admin('POST', '/users', { email: 'test.user@example.com', name: 'Test User' });
    assert.equal(created.status, 201, created.text);
    const issued = await server.admin<{ access_token: string }>('POST', '/tokens', { email: 'test.user@example.com' });
    userToken = issued.body.access_token;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The desktop's /qr page once it shows a QR code; a marker tells whether it ever reloads. */
  async function openDesktop(): Promise<{ page: Page; verificationUrl: string; userCode: string }> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/qr`);
    await page.locator('#qr').waitFor({ state: 'visible' });
    // Page code as strings: this file is compiled without the DOM's types.
    await waitForExpression(page, "document.getElementById('qr').naturalWidth > 0");
    await page.evaluate('window.loadedOnce = true');
    const verificationUrl = (await page.locator('#verification-link').getAttribute('href'))!;
    const userCode = (await page.locator('#user-code').textContent())!;
    return { page, verificationUrl, userCode };
  }

  /**
   * A phone on which the user is signed in: the app left its token where /device looks (local
   * storage), or passed it in the URL's fragment.
   */
  async function openPhone(url: string, tokenIn: 'storage' | 'fragment' = 'storage'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    if (tokenIn === 'storage') {
      await context.addInitScript({ content: `localStorage.setItem('handoff.accessToken', ${JSON.stringify(userToken)})` });
    }
    const page = await context.newPage();
    await page.goto(tokenIn === 'fragment' ? `${url}#access_token=${userToken}` : url);
    return page;
  }

  async function statusOf(page: Page, text: string): Promise<void> {
    await page.locator('#status', { hasText: text }).waitFor({ timeout: 20_000 });
  }

  test('/qr shows a QR code; approving at /device signs it in as Test User without a reload', { skip: chromium.skip }, async () => {
    const desktop = await openDesktop();
    assert.match(desktop.userCode, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(desktop.verificationUrl, `${server.url}/device?user_code=${desktop.userCode}`);
    assert.match((await desktop.page.locator('#qr').getAttribute('alt'))!, new RegExp(desktop.userCode));
    // What the page shows is a QR code that a phone reads as the verification URL.
    const shot = await desktop.page.locator('#qr').screenshot({ path: join(ARTIFACTS, `qr-waiting-${kind}.png`) });
    const image = PNG.sync.read(shot);
    assert.equal(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data, desktop.verificationUrl);
    await desktop.page.screenshot({ path: join(ARTIFACTS, `qr-page-${kind}.png`), fullPage: true });

    const phone = await openPhone(desktop.verificationUrl);
    await phone.locator('#request').waitFor({ state: 'visible' });
    assert.equal(await phone.locator('#who').textContent(), 'Signed in as Test User');
    assert.equal(await phone.locator('#request-code').textContent(), desktop.userCode);
    assert.equal(await phone.locator('#request-ip').textContent(), '127.0.0.1');
    assert.match((await phone.locator('#request-browser').textContent())!, /Chrom/);
    assert.ok((await phone.locator('#request-time').textContent())!.length > 0);
    await phone.screenshot({ path: join(ARTIFACTS, `device-confirm-${kind}.png`), fullPage: true });

    await phone.getByRole('button', { name: 'Approve' }).click();
    await statusOf(phone, 'Approved');
    await statusOf(desktop.page, 'Signed in as Test User');
    assert.equal(await desktop.page.evaluate('window.loadedOnce'), true, 'no reload');
    await desktop.page.screenshot({ path: join(ARTIFACTS, `qr-signed-in-${kind}.png`), fullPage: true });
    await phone.screenshot({ path: join(ARTIFACTS, `device-approved-${kind}.png`), fullPage: true });
  });

  test('a code typed at /device (token in the fragment) and denied shows "Denied" on the desktop', { skip: chromium.skip }, async () => {
    const desktop = await openDesktop();
    const phone = await openPhone(`${server.url}/device`, 'fragment');
    const input = phone.getByLabel('The code shown on the other screen');
    await input.waitFor();
    assert.equal(phone.url(), `${server.url}/device`, 'the token is taken off the address bar');
    await input.fill(desktop.userCode.replace('-', '').toLowerCase());
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone.getByRole('button', { name: 'Deny' }).click();
    await statusOf(phone, 'Denied');
    await statusOf(desktop.page, 'Denied');
    await desktop.page.screenshot({ path: join(ARTIFACTS, `qr-denied-${kind}.png`), fullPage: true });
  });

  test('an expired request says "Expired — try again", and trying again shows a new code', { skip: chromium.skip }, async () => {
    const desktop = await openDesktop();
    await expireRequests(server, "status = 'pending'");
    await statusOf(desktop.page, 'Expired — try again');
    await desktop.page.screenshot({ path: join(ARTIFACTS, `qr-expired-${kind}.png`), fullPage: true });
    await desktop.page.getByRole('button', { name: 'Try again' }).click();
    await statusOf(desktop.page, 'Waiting for approval');
    assert.notEqual(await desktop.page.locator('#user-code').textContent(), desktop.userCode);
  });
});
