import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ROOT } from './processes.js';

/** Debian's Chromium: `npx playwright install` cannot download one here. */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Screenshots of browser tests, kept after the run (ignored by git). */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Options for a browser test: skipped locally without Chromium, failed under CI. */
export function needsChromium(): { skip?: string } {
  if (existsSync(CHROMIUM)) return {};
  const missing = `${CHROMIUM} is missing (apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`${missing}: CI requires it`);
  return { skip: missing };
}

export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/**
 * Waits until an expression is truthy in the page. Not `page.waitForFunction`: its polling runs
 * the predicate through the page's own `eval`, which our pages' CSP (no 'unsafe-eval') refuses
 * whenever the first check fails. `page.evaluate` goes through the debugger protocol instead.
 */
export async function waitForExpression(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await sleep(50);
  }
}
