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
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser tests can run here; .ci/run installs Chromium and sets CB_REQUIRE_BROWSER=1. */
export const hasChromium = existsSync(CHROMIUM);
export const browserRequired = process.env.CB_REQUIRE_BROWSER === '1';

export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
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
