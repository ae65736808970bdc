/**
 * The /web page in headless Chromium, behind a path prefix as a Hugging Face Space serves it: two visitors
 * in separate browser contexts reset different tasks and each sees only their own episode; one plays a T4
 * episode by hand through the forms generated from the tool schemas (waiting out the 429s), submits, sees
 * the chart of the six dimensions and downloads the trajectory, which `comtradebench rescore` reproduces;
 * the leaderboard then ranks them, and the reference solver run from the page scores beside her. Saves
 * test-artifacts/web-desktop.png (the whole page).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../eval/helpers.js';
import {
  artifact,
  behindPrefix,
  browserRequired,
  fetchFromForm,
  hasChromium,
  launchChromium,
  visitorPage,
  webServer,
} from './helpers.js';

describe.skipIf(!hasChromium && !browserRequired)('the /web page, two visitors (Chromium)', () => {
  let app: FastifyInstance;
  let proxy: Server;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    ({ app } = await webServer());
    const p = await behindPrefix(app, '/spaces/comtradebench');
    proxy = p.server;
    base = p.url;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    proxy?.close();
    await app?.close();
  });

  async function visitor(): Promise<Page> {
    const page = await visitorPage(browser, errors, {
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    contexts.push(page.context());
    // The Space opens /web (base_path); the server redirects to web/, relative to the prefix.
    await page.goto(`${base}/web`);
    expect(new URL(page.url()).pathname).toBe('/spaces/comtradebench/web/');
    await page.waitForSelector('#task option[value="T4_rate_limit_429"]', { state: 'attached' });
    return page;
  }

  async function start(page: Page, task: string, seed: number, label?: string): Promise<void> {
    await page.selectOption('#task', task);
    await page.fill('#seed', String(seed));
    if (label !== undefined) await page.fill('#label', label);
    await page.click('#start');
    await page.waitForSelector(`#task-card h3:has-text("${task}")`);
  }

  it('each visitor drives their own episode: a reset of one never moves the other', async () => {
    const ada = await visitor();
    const bob = await visitor();
    await start(ada, 'T4_rate_limit_429', 3, 'ada-by-hand');
    await start(bob, 'T7_totals_trap', 5);
    expect(await ada.locator('#task-card h3').textContent()).toContain('T4_rate_limit_429');
    expect(await bob.locator('#task-card h3').textContent()).toContain('T7_totals_trap');
    expect(app.store.liveCounts().http).toBe(2);

    // Each one's first page is their own task's: T4 pages of 25 rows, T7 pages of 250.
    const b1 = await fetchFromForm(bob);
    const a1 = await fetchFromForm(ada);
    expect(a1).toMatchObject({ status: 200, page: 1 });
    expect(b1).toMatchObject({ status: 200, page: 1 });
    expect(await ada.locator('#reply tbody tr').count()).toBe(25);
    expect(await bob.locator('#reply tbody tr').count()).toBe(250);

    // Bob starts again (another task): Ada's next page is still her T4's, and the store holds two episodes.
    await start(bob, 'T1_single_page', 0);
    const a2 = await fetchFromForm(ada);
    expect(a2).toMatchObject({ status: 200, page: 2, total: a1.total });
    expect(app.store.liveCounts().http).toBe(2);
  });

  it('Ada plays T4 by hand, waits out the 429s, submits, sees her score by dimension and downloads a trajectory that rescore reproduces', async () => {
    const ada = contexts[0]!.pages()[0]!;
    let rateLimited = 0;
    let retried = 0;
    let pages = 0;
    for (let i = 0; i < 40; i++) {
      const r = await fetchFromForm(ada);
      pages = r.total ?? pages;
      if (r.status === 429) {
        rateLimited += 1;
        // The advice names the wait, and the form carries it into the retry of the same page.
        expect(await ada.locator('#reply .advice').textContent()).toContain('Wait retry_after_s');
        expect(Number(await ada.inputValue('#arg-wait_s'))).toBeGreaterThan(0);
        expect(Number(await ada.inputValue('#arg-page'))).toBe(r.page);
        const retry = await fetchFromForm(ada);
        expect(retry).toMatchObject({ status: 200, page: r.page });
        retried += 1;
        if (retry.page === retry.total) break;
        continue;
      }
      expect(r.status).toBe(200);
      if (r.page === r.total) break;
    }
    expect(rateLimited).toBe(2);
    expect(retried).toBe(2);
    // The timeline: a mark per request (200 and 429 told apart), the waits, the budget.
    // Two pages fetched before this loop, the rest in it: one mark per page, and one per 429.
    expect(await ada.locator('#timeline svg title').count()).toBe(pages + 2);
    expect(await ada.locator('#timeline svg title', { hasText: '429 rate limited' }).count()).toBe(2);
    expect(await ada.locator('#timeline line[stroke-dasharray="5 3"]').count()).toBe(2);
    expect(await ada.locator('#timeline .budget').textContent()).toMatch(/Budget: \d+ of 100 requests used/);

    await ada.click('#submit');
    await ada.waitForSelector('#result:not([hidden]) .score-total');
    const score = Number(await ada.locator('#score .score-total strong').textContent());
    expect(score).toBeGreaterThanOrEqual(95);
    expect(await ada.locator('#score .dim').count()).toBe(6);
    const robustness = await ada.locator('#score .dim[data-dimension="robustness"] .evidence').textContent();
    expect(robustness).toContain('2 of 2 faults recovered properly');
    expect(await ada.locator('#score .dim[data-dimension="data_quality"] .evidence').textContent()).toContain(
      'no defective rows',
    );

    // The trajectory, as the server regenerates it: downloaded from the page, reproduced by rescore.
    await ada.waitForSelector('#download:not([disabled])');
    const [download] = await Promise.all([ada.waitForEvent('download'), ada.click('#download')]);
    const file = artifact('web-episode-trajectory.jsonl');
    await download.saveAs(file);
    const t = JSON.parse(readFileSync(file, 'utf8'));
    expect(t).toMatchObject({ task_id: 'T4_rate_limit_429', seed: 3, agent: 'ada-by-hand', score });
    const io = captureIo();
    expect(await runCli(['rescore', file], io), io.stdout + io.stderr).toBe(0);

    // The leaderboard ranks her (a labelled episode the server scored), with her tasks one click away.
    const row = ada.locator('#lb tr[data-agent="ada-by-hand"]');
    await row.waitFor();
    expect(await row.locator('td').nth(5).textContent()).toBe(String(Math.round(score * 10) / 10));
    await row.locator('button.expand').click();
    expect(await ada.locator('#lb tr.drill').textContent()).toContain('T4_rate_limit_429');

    // Pages seen after the end mark duplicates and totals rows from the server's trajectory.
    await ada.click('details.log summary');
    await ada.locator('#log button').nth(1).click();
    expect(await ada.locator('#reply .hint', { hasText: 'On this page:' }).count()).toBe(1);

    // The reference solver on the same episode, from the page: its score beside hers.
    await ada.selectOption('#agent', 'reference');
    await ada.click('#agent-run');
    await ada.click('#rp-end');
    await ada.waitForSelector('#cmp-agent .score-total');
    expect(await ada.locator('#cmp-agent .score-total strong').textContent()).toBe('100');
    expect(await ada.locator('#cmp-you .score-total strong').textContent()).toBe(String(score));
    await ada.click('details.log summary'); // folded again: the screenshot shows the page as a visitor has it

    await ada.screenshot({ path: artifact('web-desktop.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
