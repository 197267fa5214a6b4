/**
 * The page tests' browser: Debian's Chromium driven by playwright-core (CHROMIUM_PATH to change),
 * and a page signed in with a key, at a clock the test sets. A test file without the browser says
 * plainly that it skipped (`haveBrowser`).
 */
import { expect } from '@jest/globals';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './test-app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`SKIPPED: the browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; or set CHROMIUM_PATH).`);

/** The app at the instant `now`, listening on a free local port for the browser: the app and its address. */
export async function servePages(now: string): Promise<{ t: TestApp; base: string }> {
  const t = await startTestApp({ now });
  await t.app.listen(0, '127.0.0.1');
  return { t, base: `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}` };
}

/** Chromium, headless, without the background traffic a fresh profile makes. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * A new page signed in at `base` with `key` (waiting until the page names `who`), with its context
 * (to close) and the script errors it raises, to assert none. With `nowMs`, the page's clock is
 * paused there (a minute after it was installed).
 */
export async function signedInPage(browser: Browser, base: string, key: string, who: string, nowMs?: number): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  if (nowMs !== undefined) {
    await page.clock.install({ time: nowMs - 60_000 });
    await page.clock.pauseAt(nowMs);
  }
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who-name').filter({ hasText: who }).waitFor();
  return { page, context, errors };
}

/** Wait until the locator's text is exactly `expected`. */
export async function seeText(locator: Locator, expected: string): Promise<void> {
  await locator.filter({ hasText: expected }).waitFor();
  expect(await locator.textContent()).toBe(expected);
}
