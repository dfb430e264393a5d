import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, needsChromium } from '../support/browser.js';
import { ROOT } from '../support/processes.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';

// Issue 10, items 5 and 6: the compiled SDK, as is, in Chromium on a page of another origin,
// calling Handoff across origins: allowed with HANDOFF_CORS_ORIGINS, refused otherwise.

/** A host app's origin: serves a blank page and the compiled SDK under /sdk/. */
async function pageOrigin(): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const name = /^\/sdk\/([a-z-]+\.js)$/.exec(request.url ?? '')?.[1];
    if (!name) {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>host</title>');
      return;
    }
    readFile(join(ROOT, 'dist/src/sdk', name)).then(
      (source) => response.writeHead(200, { 'content-type': 'text/javascript' }).end(source),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

interface BrowserRun {
  generated?: { target_app: string; tokenLength: number };
  created?: { user_code: string; interval: number };
  polled?: { status: string };
  error?: { name: string; code: string; statusCode: number | undefined; requestId: string | undefined };
}

/** Runs the SDK inside the page: a handoff, a QR request, and one call that fails. */
function runSdk(page: Page, origin: string, baseUrl: string, accessToken: string): Promise<BrowserRun> {
  return page.evaluate(
    async ({ origin, baseUrl, accessToken }) => {
      const sdk = await import(`${origin}/sdk/index.js`);
      const run: BrowserRun = {};
      const fail = (error: { name: string; code: string; statusCode: number | undefined; requestId: string | undefined }) => {
        run.error = { name: error.name, code: error.code, statusCode: error.statusCode, requestId: error.requestId };
      };
      try {
        const generated = await new sdk.SourceClient({ baseUrl, accessToken }).generateSession();
        run.generated = { target_app: generated.target_app, tokenLength: generated.session_token.length };
        const qr = new sdk.QrLoginClient({ baseUrl });
        const created = await qr.create();
        run.created = { user_code: created.user_code, interval: created.interval };
        run.polled = await qr.poll(created.device_code);
        await qr.exchange('0'.repeat(64));
      } catch (error) {
        fail(error as never);
      }
      return run;
    },
    { origin, baseUrl, accessToken },
  );
}

describeEachDatabase(
  'SDK in Chromium across origins',
  (database) => {
    const chromium = needsChromium();
    let allowed: { origin: string; server: Server };
    let other: { origin: string; server: Server };
    let server: TestServer;
    let browser: Browser;
    let token: string;

    before(async () => {
      if (chromium.skip) return;
      allowed = await pageOrigin();
      other = await pageOrigin();
      server = await TestServer.start(database(), { HANDOFF_CORS_ORIGINS: allowed.origin });
      await server.app('hi-events');
      ({ token } = await server.userWithToken('browser-user@example.com'));
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      allowed?.server.close();
      other?.server.close();
    });

    test('from an allowed origin: generate, create, poll, and an error with its code and request id', chromium, async () => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${allowed.origin}/`);
      const run = await runSdk(page, allowed.origin, server.url, token);
      assert.deepEqual(run.generated, { target_app: 'hi-events', tokenLength: 64 });
      assert.match(run.created?.user_code ?? '', /^[A-Z]{4}-[A-Z]{4}$/);
      assert.equal(run.polled?.status, 'pending');
      assert.equal(run.error?.name, 'HandoffError');
      assert.equal(run.error?.code, 'EXCHANGE_TOKEN_INVALID');
      assert.equal(run.error?.statusCode, 404);
      assert.match(run.error?.requestId ?? '', /^[0-9a-f-]{36}$/, 'x-request-id is exposed to the page');
    });

    test('from another origin the browser refuses: NETWORK_ERROR, nothing generated', chromium, async () => {
      const sessions = async () => (await server.request<{ sessions: unknown[] }>('GET', '/api/cross-app/sessions', { token })).body.sessions.length;
      const before = await sessions();
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${other.origin}/`);
      const run = await runSdk(page, other.origin, server.url, token);
      assert.equal(run.generated, undefined);
      assert.equal(await sessions(), before, 'the preflight failed, so the POST was never sent');
      assert.equal(run.error?.code, 'NETWORK_ERROR');
      assert.equal(run.error?.statusCode, undefined);
    });
  },
);
