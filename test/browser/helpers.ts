/**
 * Helpers for the browser tests (npm run test:browser): Debian's Chromium driven by playwright-core (never a
 * downloaded browser), a server behind a path prefix (as the Hugging Face proxy serves a Space), and where
 * screenshots go (test-artifacts/, git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.js';
import { catalog, testConfig } from '../server/helpers.js';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser tests can run here; .ci/run installs Chromium and sets CB_REQUIRE_BROWSER=1. */
export const hasChromium = existsSync(CHROMIUM);
export const browserRequired = process.env.CB_REQUIRE_BROWSER === '1';

export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** A server with the /web page on, listening on an ephemeral local port; `base` is its http:// URL. */
export async function webServer(): Promise<{ app: FastifyInstance; base: string }> {
  const app = buildApp(testConfig({ ENABLE_WEB_INTERFACE: true }), { catalog });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/**
 * Chromium, headless, with nothing that talks to the network. Playwright's launch() gives it a fresh
 * temporary profile (--user-data-dir) of its own, removed at close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A reverse proxy serving `app` under `prefix` (requests to `<prefix>/x` reach `/x`), as a hosting proxy
 * does: the page must work with relative URLs only. Returns the proxy's base URL (ending in the prefix).
 */
export async function behindPrefix(
  app: FastifyInstance,
  prefix: string,
): Promise<{ url: string; server: Server }> {
  const target = (app.server.address() as AddressInfo).port;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith(`${prefix}/`)) {
      res.writeHead(404).end('outside the prefix');
      return;
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target,
        method: req.method,
        path: url.slice(prefix.length),
        headers: req.headers,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`, server };
}

/**
 * A new page in its own browser context (a visitor of their own), failing fast with the step that did not
 * happen, well inside the test's timeout; the page's script errors and console errors go into `errors`.
 */
export async function visitorPage(
  browser: Browser,
  errors: string[],
  options: Parameters<Browser['newContext']>[0] = { viewport: { width: 1280, height: 900 } },
): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return page;
}

/** Clicks a tool's button (`#tool-<name>`) and waits until its reply is in the request log. */
export async function callFromForm(page: Page, tool: string): Promise<void> {
  const before = await page.locator('#log li').count();
  await page.click(`#tool-${tool}`);
  await page.locator('#log li').nth(before).waitFor({ state: 'attached' });
}

/** Calls fetch_page through its form; returns the reply's status and page (and total pages after a 200). */
export async function fetchFromForm(
  page: Page,
): Promise<{ status: number; page: number; total: number | null }> {
  await callFromForm(page, 'fetch_page');
  const badge = (await page.locator('#reply .badges .st').first().textContent())!.trim();
  const pill = (await page.locator('#reply .badges .pill').first().textContent())!;
  const m = /page (\d+)(?: of (\d+))?/.exec(pill)!;
  return { status: Number(badge), page: Number(m[1]), total: m[2] === undefined ? null : Number(m[2]) };
}
