import { afterAll, expect, it } from 'vitest';
import { SessionStore } from '../../src/env/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, expectError, testConfig } from './helpers.js';

const store = new SessionStore({ catalog, capacity: 16, idleTimeoutMs: 900_000 });
const app = buildApp(testConfig({ ENABLE_WEB_INTERFACE: true }), { store });
const off = buildApp(testConfig(), { catalog });
afterAll(async () => {
  await app.close();
  await off.close();
});

it('GET / and /web redirect (307) to /web/, a self-contained page with Reset, Step and State', async () => {
  for (const url of ['/', '/web']) {
    const r = await app.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(307);
    expect(r.headers.location).toBe('/web/');
  }
  const page = await app.inject({ method: 'GET', url: '/web/' });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  for (const s of ['Reset', 'Step', 'State', "'/web/reset'", "'/web/step'", "'/web/state'"])
    expect(page.body).toContain(s);
  expect(page.body).not.toMatch(/<script[^>]+src=/);
});

it('one shared web episode: state before reset is 409, reset/step/state work, a new reset replaces the old episode', async () => {
  expectError(await call(app, 'GET', '/web/state'), 409, 'CB_ERR_NOT_RESET');
  expectError(
    await call(app, 'POST', '/web/step', { action: { type: 'list_tools' } }),
    409,
    'CB_ERR_NOT_RESET',
  );
  const r = await call(app, 'POST', '/web/reset', { task_id: 'T3_duplicates', seed: 4 });
  expect(r.status).toBe(200);
  expect(r.body.observation).toMatchObject({ task_id: 'T3_duplicates', seed: 4 });
  const s = await call(app, 'POST', '/web/step', {
    action: { type: 'call_tool', tool_name: 'get_task_info', arguments: {} },
  });
  expect(s.body).toMatchObject({ done: false, reward: 0, observation: { tool_name: 'get_task_info' } });
  expectError(await call(app, 'POST', '/web/step', { type: 'list_tools' }), 422, 'CB_ERR_VALIDATION');
  expect((await call(app, 'GET', '/web/state')).body).toMatchObject({
    task_id: 'T3_duplicates',
    step_count: 1,
  });
  const live = store.size;
  await call(app, 'POST', '/web/reset', { task_id: 'T1_single_page', seed: 1 });
  expect(store.size).toBe(live);
  expect((await call(app, 'GET', '/web/state')).body).toMatchObject({
    task_id: 'T1_single_page',
    step_count: 0,
  });
  expect((await call(app, 'GET', '/web/metadata')).body.name).toBe('comtradebench');
});

it('without ENABLE_WEB_INTERFACE there is no page: / and /web/ are 404 with a stable code', async () => {
  expectError(await call(off, 'GET', '/'), 404, 'CB_ERR_NOT_FOUND');
  expectError(await call(off, 'GET', '/web/'), 404, 'CB_ERR_NOT_FOUND');
});
