// A real browser for the dashboard's end-to-end tests: Debian's chromium through playwright-core
// (bench/src/headless-chromium.ts). Each page records what must never happen: a dialog (an XSS payload
// that ran), a Content-Security-Policy violation, an uncaught error.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../bench/src/headless-chromium';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export const screenshotDir = path.resolve(__dirname, '..', '..', '.run', 'screenshots');

export const launchBrowser = launchChromium;

/** What a page did that a test must see: dialogs, CSP violations, page errors, console errors. */
export interface PageWatch {
  dialogs: string[];
  cspViolations: string[];
  pageErrors: string[];
  consoleErrors: string[];
  /** every API request the page made, as path + query */
  requests: string[];
}

export async function openPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const watch: PageWatch = { dialogs: [], cspViolations: [], pageErrors: [], consoleErrors: [], requests: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (err) => watch.pageErrors.push(err.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // a failed resource load is logged by the browser itself as an error; the API's 404s are expected
    // where an endpoint does not exist yet, and views show them as such
    if (/Failed to load resource/.test(message.text())) return;
    watch.consoleErrors.push(message.text());
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) watch.requests.push(`${url.pathname}${url.search}`);
  });
  await page.exposeFunction('__recordCspViolation', (text: string) => watch.cspViolations.push(text));
  await page.addInitScript(() => {
    const w = globalThis as unknown as {
      addEventListener: (
        type: string,
        listener: (e: { violatedDirective: string; blockedURI: string }) => void,
      ) => void;
      __recordCspViolation: (text: string) => void;
    };
    w.addEventListener('securitypolicyviolation', (e) =>
      w.__recordCspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`),
    );
  });
  return { context, page, watch };
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
