/**
 * The /web page in headless Chromium on the tasks whose fetch_page takes more than a page number: the
 * forms offer each task's own first call (no page but a cursor on T16, page 1 and an auth_token from
 * get_task_info on T11) and carry the replies into the next call (next_cursor, restart_cursor after a 410,
 * the new token after a 401); the timeline names those statuses; the connect snippets make the same first
 * call. Saves test-artifacts/web-cursor-task.png (the T16 episode, submitted).
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifact,
  browserRequired,
  callFromForm,
  fetchFromForm,
  hasChromium,
  launchChromium,
  visitorPage,
  webServer,
} from './helpers.js';

describe.skipIf(!hasChromium && !browserRequired)(
  'the /web page on cursor and token tasks (Chromium)',
  () => {
    let app: FastifyInstance;
    let base: string;
    let browser: Browser;
    let page: Page;
    const errors: string[] = [];

    beforeAll(async () => {
      ({ app, base } = await webServer());
      browser = await launchChromium();
      page = await visitorPage(browser, errors);
      await page.goto(`${base}/web/`);
      await page.waitForSelector('#task option[value="T16_cursor_pagination"]', { state: 'attached' });
    });
    afterAll(async () => {
      await browser?.close();
      await app?.close();
    });

    async function start(task: string, seed: number): Promise<void> {
      await page.selectOption('#task', task);
      await page.fill('#seed', String(seed));
      await page.click('#start');
      await page.waitForSelector(`#task-card h3:has-text("${task}")`);
    }

    async function submitAndScore(): Promise<number> {
      await page.click('#submit');
      await page.waitForSelector('#result:not([hidden]) .score-total');
      return Number(await page.locator('#score .score-total strong').textContent());
    }

    it('T16: the form has a cursor and no page; it follows next_cursor, resumes with restart_cursor after a 410, and scores', async () => {
      await start('T16_cursor_pagination', 4);
      expect(await page.locator('#arg-page').count()).toBe(0);
      expect(await page.inputValue('#arg-cursor')).toBe('');
      expect(await page.locator('#arg-auth_token').count()).toBe(0);
      let expired = 0;
      let pages = 0;
      let next = 1; // the page the form's cursor leads to: none leads to page 1
      let last = { status: 0, page: 0, total: null as number | null };
      for (let i = 0; i < 60 && !(last.status === 200 && last.page === last.total); i++) {
        const cursor = await page.inputValue('#arg-cursor');
        const r = await fetchFromForm(page);
        expect(r.page).toBe(next);
        if (r.status === 410) {
          expired += 1;
          expect(await page.locator('#reply .advice').textContent()).toContain('restart_cursor');
          const restart = await page.inputValue('#arg-cursor');
          expect(restart).toMatch(/^cur_/);
          expect(restart).not.toBe(cursor);
        } else {
          expect(r.status).toBe(200);
          next = r.page + 1;
          pages = r.total ?? pages;
        }
        last = r;
      }
      expect(last).toMatchObject({ status: 200, page: pages });
      expect(expired).toBeGreaterThan(0);
      expect(await page.locator('#timeline svg title', { hasText: '410 cursor expired' }).count()).toBe(
        expired,
      );
      expect(await page.locator('#timeline .legend').textContent()).toContain(
        `410 cursor expired (${expired})`,
      );
      expect(await page.locator('#timeline .budget').textContent()).toContain(
        `Budget: ${pages + expired} of 100 requests used`,
      );
      expect(await submitAndScore()).toBeGreaterThanOrEqual(95);
      await page.screenshot({ path: artifact('web-cursor-task.png'), fullPage: true });
    });

    it('T11: fetch_page waits for the token get_task_info issues, and after a 401 the new token is filled in', async () => {
      await start('T11_auth_expiry', 4);
      expect(await page.inputValue('#arg-page')).toBe('1');
      expect(await page.locator('#arg-cursor').count()).toBe(0);
      // Without a token the form is not sent (the browser names the missing field); nothing is spent.
      await page.click('#tool-fetch_page');
      expect(await page.locator('#arg-auth_token:invalid').count()).toBe(1);
      expect(await page.locator('#log li').count()).toBe(0);
      await callFromForm(page, 'get_task_info');
      const first = await page.inputValue('#arg-auth_token');
      expect(first).toMatch(/^tok_/);
      expect(await page.locator('#reply .badges').textContent()).toContain(`auth_token ${first}`);
      let expired = 0;
      let token = first;
      let last = { status: 0, page: 0, total: null as number | null };
      for (let i = 0; i < 60 && !(last.status === 200 && last.page === last.total); i++) {
        const r = await fetchFromForm(page);
        if (r.status === 401) {
          expired += 1;
          expect(await page.locator('#reply .advice').textContent()).toContain('Call get_task_info');
          await callFromForm(page, 'get_task_info');
          const renewed = await page.inputValue('#arg-auth_token');
          expect(renewed).not.toBe(token);
          token = renewed;
          expect(Number(await page.inputValue('#arg-page'))).toBe(r.page);
        } else expect(r.status).toBe(200);
        last = r;
      }
      expect(last.status).toBe(200);
      expect(expired).toBeGreaterThan(0);
      expect(await page.locator('#timeline svg title', { hasText: '401 token expired' }).count()).toBe(
        expired,
      );
      expect(await submitAndScore()).toBeGreaterThanOrEqual(95);
    });

    it("offers connect snippets that make each task's first call", async () => {
      const pythonSnippet = async (task: string) => {
        await page.selectOption('#task', task);
        await page.locator('#snippets pre', { hasText: `task_id=${task}&` }).waitFor();
        return (await page.locator('#snippets pre').allTextContents()).slice(0, 2);
      };
      const [wsCursor, mcpCursor] = await pythonSnippet('T16_cursor_pagination');
      expect(wsCursor).toContain('"arguments": {}})');
      expect(wsCursor).toContain('next_cursor');
      expect(mcpCursor).toContain('mcp.call_tool("fetch_page", {})');
      const [wsToken, mcpToken] = await pythonSnippet('T11_auth_expiry');
      expect(wsToken).toContain('token = info.observation["result"]["data"]["auth"]["auth_token"]');
      expect(wsToken).toContain('"arguments": {"page": 1, "auth_token": token}})');
      expect(mcpToken).toContain('mcp.call_tool("fetch_page", {"page": 1, "auth_token": token})');
      const [wsPage] = await pythonSnippet('T14_timeouts');
      expect(wsPage).toContain('"arguments": {"page": 1}})');
      expect(wsPage).not.toContain('get_task_info');
      expect(errors).toEqual([]);
    });
  },
);
