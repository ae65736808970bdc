/**
 * The /web page in headless Chromium at a phone's width: a visitor runs the reference solver and a flawed
 * persona from the page with the keyboard, watches each replayed on the timeline and sees their score charts
 * side by side; the leaderboard shows agents that named themselves over /ws, sorts by keyboard and opens
 * onto their tasks; the "connect your agent" snippets carry the page's own address. Saves
 * test-artifacts/web-phone.png (the screen at the replay) and web-phone-full.png (the whole page).
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents } from '../../src/agents/index.js';
import { runEpisode } from '../../src/agents/runner.js';
import { RemoteEnv } from '../../src/client/ws-client.js';
import { catalog } from '../server/helpers.js';
import { artifact, browserRequired, hasChromium, launchChromium, visitorPage, webServer } from './helpers.js';

describe.skipIf(!hasChromium && !browserRequired)('the /web page at phone width (Chromium)', () => {
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ({ app, base } = await webServer());
    // Two agents ranked before the visitor arrives: they named themselves at reset, over /ws.
    const registry = agents(catalog);
    for (const [name, label] of [
      ['reference', 'solver-bot'],
      ['no-dedup', 'careless-bot'],
    ] as const) {
      for (const task of ['T8_mixed_faults', 'T4_rate_limit_429']) {
        const env = await RemoteEnv.connect(base);
        await runEpisode(env, registry.get(name)!, { task_id: task, seed: 2, agent_label: label });
        await env.close();
      }
    }
    browser = await launchChromium();
    page = await visitorPage(browser, errors, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/web/');
    await page.waitForSelector('#agent option[value="no-dedup"]', { state: 'attached' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Runs an agent from the page, by keyboard, and skips its replay to the end. */
  async function watch(agent: string): Promise<number> {
    await page.selectOption('#agent', agent);
    await page.focus('#agent-run');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#replay-title:has-text("${agent} on T8_mixed_faults")`);
    await page.focus('#rp-end');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#cmp-agent-h:has-text("${agent}")`);
    expect(await page.locator('#rp-now').textContent()).toMatch(/^Call (\d+) of \1: submit_results/);
    return Number(await page.locator('#cmp-agent .score-total strong').textContent());
  }

  it('runs the reference solver and a persona from the page, replays them and charts their scores side by side', async () => {
    await page.selectOption('#task', 'T8_mixed_faults');
    await page.fill('#seed', '2');
    expect(await watch('reference')).toBe(100);
    expect(await page.locator('#rp-timeline svg title').count()).toBeGreaterThan(3);
    // A persona that keeps duplicate rows: its chart names the flaw in plain words.
    const flawed = await watch('no-dedup');
    expect(flawed).toBeLessThan(95);
    const dq = await page.locator('#cmp-agent .dim[data-dimension="data_quality"] .evidence').textContent();
    expect(dq).toMatch(/^\d+ duplicate rows? submitted/);
    // Step through the replay one call at a time.
    await page.click('#rp-play');
    await page.click('#rp-step');
    expect(await page.locator('#rp-now').textContent()).toMatch(/^Call \d+ of \d+/);
    await page.click('#rp-end');
  });

  it('shows the leaderboard, sortable by keyboard, each agent opening onto its tasks', async () => {
    await page.locator('#lb tr[data-agent="careless-bot"]').waitFor();
    const order = () =>
      page
        .locator('#lb tbody tr[data-agent]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-agent')));
    expect(await order()).toEqual(['solver-bot', 'careless-bot']);
    // Sort by mean, ascending on the second press.
    const mean = page.locator('#lb th button.sort', { hasText: /^Mean$/ });
    await mean.focus();
    await page.keyboard.press('Enter');
    expect(await order()).toEqual(['solver-bot', 'careless-bot']);
    // The sorted column's button keeps the focus, so the next key press sorts the other way.
    expect(await page.locator(':focus').textContent()).toBe('Mean');
    await page.keyboard.press('Enter');
    expect(await order()).toEqual(['careless-bot', 'solver-bot']);
    expect(await page.locator('#lb th[aria-sort="ascending"]').textContent()).toBe('Mean');
    await page.locator('#lb tr[data-agent="careless-bot"] button.expand').click();
    const drill = await page.locator('#lb tr.drill').textContent();
    expect(drill).toContain('T8_mixed_faults');
    expect(drill).toContain('T4_rate_limit_429');
  });

  it('offers snippets filled with its own address, and fits a phone: nothing wider than the screen', async () => {
    const snippets = await page.locator('#snippets pre').allTextContents();
    expect(snippets).toHaveLength(3);
    expect(snippets[0]).toContain(`GenericEnvClient(base_url="${base}")`);
    expect(snippets[1]).toContain(`${base}/mcp?task_id=T8_mixed_faults&seed=2`);
    expect(snippets[2]).toContain(`comtradebench eval --url ${base}`);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: artifact('web-phone-full.png'), fullPage: true });
    // What a phone shows of a replay: the timeline, then the agent's score below it.
    await page.locator('#replay').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: artifact('web-phone.png') });
    expect(errors).toEqual([]);
  });
});
