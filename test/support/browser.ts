import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
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
