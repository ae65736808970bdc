/**
 * The /web page and its JSON routes: every visitor drives their own episode, reached with the token
 * POST /web/reset hands out (X-Episode-Token), so one visitor's reset never moves another's next fetch.
 * Web episodes are HTTP episodes: they count against capacity and DELETE /episodes/:id ends them. The page
 * is files (src/server/web/) with relative URLs only; test/browser/ drives it in Chromium.
 */
import { afterAll, expect, it } from 'vitest';
import { SessionStore } from '../../src/env/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, expectError, httpReset, testConfig } from './helpers.js';

const store = new SessionStore({ catalog, capacity: 16, idleTimeoutMs: 900_000 });
const app = buildApp(testConfig({ ENABLE_WEB_INTERFACE: true }), { store });
const off = buildApp(testConfig(), { catalog });
afterAll(async () => {
  await app.close();
  await off.close();
});

const getInfo = { action: { type: 'call_tool', tool_name: 'get_task_info', arguments: {} } };
const fetchPage = (page: number) => ({
  action: { type: 'call_tool', tool_name: 'fetch_page', arguments: { page } },
});

it('GET / and /web redirect (307) to web/ (relative: it works behind a path prefix); the page is files with relative URLs that keep the token per visitor', async () => {
  for (const url of ['/', '/web']) {
    const r = await app.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(307);
    expect(r.headers.location).toBe('web/');
    expect(new URL(String(r.headers.location), `http://h${url}`).pathname).toBe('/web/');
  }
  const page = await app.inject({ method: 'GET', url: '/web/' });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  expect(page.body).toMatch(/<script type="module" src="app\.js">/);
  expect(page.body).toContain('href="style.css"');
  // No absolute path anywhere in the page's own references: a proxy's prefix is kept.
  expect(page.body).not.toMatch(/(?:src|href)="\/(?!\/)/);
  const api = await app.inject({ method: 'GET', url: '/web/api.js' });
  expect(api.statusCode).toBe(200);
  expect(api.headers['content-type']).toContain('javascript');
  for (const s of ["request('reset'", "request('step'", "'x-episode-token'", "'../api/leaderboard'"])
    expect(api.body).toContain(s);
  expect(api.body).not.toMatch(/(?:fetch|request)\(\s*['`]\//);
  expect((await app.inject({ method: 'GET', url: '/web/nothing-here.js' })).statusCode).toBe(404);
});

it('two visitors reset different tasks; each one steps and reads their own episode, whatever the other does', async () => {
  expectError(await call(app, 'GET', '/web/state'), 401, 'CB_ERR_EPISODE_TOKEN_REQUIRED');
  expectError(await call(app, 'POST', '/web/step', getInfo), 401, 'CB_ERR_EPISODE_TOKEN_REQUIRED');

  const before = store.size;
  const a = await httpReset(app, { task_id: 'T3_duplicates', seed: 4 }, '/web/reset');
  const b = await httpReset(app, { task_id: 'T1_single_page', seed: 1 }, '/web/reset');
  expect(a.token).not.toBe(b.token);
  expect(a.body.observation).toMatchObject({ task_id: 'T3_duplicates', seed: 4 });
  expect(b.body.observation).toMatchObject({ task_id: 'T1_single_page', seed: 1 });
  expect(store.size).toBe(before + 2); // both count against capacity

  const aStep = await call(app, 'POST', '/web/step', fetchPage(1), a.auth);
  expect(aStep.body.observation.result.data).toMatchObject({ status: 200, page: 1 });
  const bInfo = await call(app, 'POST', '/web/step', getInfo, b.auth);
  expect(bInfo.body.observation.result.data.task_id).toBe('T1_single_page');
  expectError(await call(app, 'POST', '/web/step', { type: 'list_tools' }, a.auth), 422, 'CB_ERR_VALIDATION');

  // B resets again (sending its token): B's old episode ends, A's next fetch is still A's task.
  const b2 = await httpReset(app, { task_id: 'T7_totals_trap', seed: 9 }, '/web/reset', b.auth);
  expect(store.size).toBe(before + 2);
  expect((await call(app, 'GET', '/web/state', undefined, b.auth)).body).toMatchObject({
    task_id: 'T1_single_page',
    done: true,
    end_reason: 'closed',
  });
  const aNext = await call(app, 'POST', '/web/step', getInfo, a.auth);
  expect(aNext.body.observation.result.data).toMatchObject({ task_id: 'T3_duplicates', seed: 4 });
  expect((await call(app, 'GET', '/web/state', undefined, a.auth)).body).toMatchObject({
    task_id: 'T3_duplicates',
    step_count: 2,
    done: false,
  });
  expect((await call(app, 'GET', '/web/state', undefined, b2.auth)).body).toMatchObject({
    task_id: 'T7_totals_trap',
    step_count: 0,
  });

  // A's token opens nothing of B's, and /web and the HTTP routes are one kind of episode.
  expectError(
    await call(app, 'GET', `/state?episode_id=${b2.id}`, undefined, a.auth),
    404,
    'CB_ERR_EPISODE_NOT_FOUND',
  );
  expect((await call(app, 'GET', `/state?episode_id=${a.id}`, undefined, a.auth)).status).toBe(200);
  expect((await call(app, 'DELETE', `/episodes/${a.id}`, undefined, a.auth)).status).toBe(204);
  expect((await call(app, 'DELETE', `/episodes/${b2.id}`, undefined, b2.auth)).status).toBe(204);
  expect(store.size).toBe(before);
  expect((await call(app, 'GET', '/web/metadata')).body.name).toBe('comtradebench');
});

it('without ENABLE_WEB_INTERFACE there is no page: /web/ is 404 with a stable code and / is a JSON index of the endpoints', async () => {
  expectError(await call(off, 'GET', '/web/'), 404, 'CB_ERR_NOT_FOUND');
  expectError(await call(off, 'GET', '/web/app.js'), 404, 'CB_ERR_NOT_FOUND');
  const index = await call(off, 'GET', '/');
  expect(index.status).toBe(200);
  expect(index.body).toMatchObject({ name: 'comtradebench', endpoints: { ws: expect.any(String) } });
  expect(Object.keys(index.body.endpoints)).toEqual(
    expect.arrayContaining([
      'docs',
      'ws',
      'mcp',
      'http',
      'tasks',
      'leaderboard',
      'trajectory',
      'metrics',
      'health',
    ]),
  );
  expect(index.body.endpoints.web).toBeUndefined();
});
