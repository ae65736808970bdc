/**
 * A public server cannot be held by abandoned HTTP episodes: DELETE /episodes/:id (with the episode's
 * token) ends an HTTP or /web episode at once and frees its slot, and HTTP episodes are reaped after
 * HTTP_SESSION_TIMEOUT_S while /ws and MCP sessions keep SESSION_TIMEOUT_S (a slow model turn must not
 * lose its episode). The reaper is the app's one housekeeping timer, driven here by a fake clock.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { SessionStore } from '../../src/env/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, expectError, httpReset, listen, testConfig, WsProbe } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

it('DELETE /episodes/:id ends the episode as closed, frees its slot, keeps it readable, and answers 204 again', async () => {
  const app = buildApp(testConfig({ MAX_CONCURRENT_ENVS: 1, ENABLE_WEB_INTERFACE: true }), { catalog });
  try {
    const e = await httpReset(app, { task_id: 'T1_single_page', seed: 1 });
    expectError(await call(app, 'POST', '/reset'), 503, 'CB_ERR_CAPACITY');
    const del = await app.inject({ method: 'DELETE', url: `/episodes/${e.id}`, headers: e.auth });
    expect([del.statusCode, del.body]).toEqual([204, '']);
    expect((await call(app, 'GET', '/state', undefined, e.auth)).body).toMatchObject({
      episode_id: e.id,
      done: true,
      end_reason: 'closed',
      score: 0,
    });
    expectError(
      await call(app, 'POST', '/step', { action: { type: 'call_tool', tool_name: 'get_task_info' } }, e.auth),
      409,
      'CB_ERR_EPISODE_DONE',
    );
    expect((await call(app, 'DELETE', `/episodes/${e.id}`, undefined, e.auth)).status).toBe(204);
    // The slot is free: a /web visitor gets it, and closes it the same way.
    const w = await httpReset(app, { task_id: 'T2_multi_page', seed: 2 }, '/web/reset');
    expectError(await call(app, 'DELETE', `/episodes/${w.id}`), 401, 'CB_ERR_EPISODE_TOKEN_REQUIRED');
    expect((await call(app, 'DELETE', `/episodes/${w.id}`, undefined, w.auth)).status).toBe(204);
    expect((await call(app, 'GET', '/web/state', undefined, w.auth)).body.end_reason).toBe('closed');
    expect((await call(app, 'POST', '/reset')).status).toBe(200);
  } finally {
    await app.close();
  }
});

it('HTTP episodes are reaped after HTTP_SESSION_TIMEOUT_S, /ws and MCP sessions only after SESSION_TIMEOUT_S', async () => {
  let now = 5_000_000;
  const httpMs = 60_000;
  const wsMs = 600_000;
  const store = new SessionStore({
    catalog,
    capacity: 16,
    idleTimeoutMs: wsMs,
    httpIdleTimeoutMs: httpMs,
    now: () => now,
  });
  expect(store.reapEveryMs).toBe(httpMs / 4);
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const app = buildApp(testConfig({ ENABLE_WEB_INTERFACE: true }), { store });
  const base = await listen(app);
  try {
    const ws = await WsProbe.open(base);
    await ws.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 1 } });
    const mcp = await call(app, 'POST', '/mcp', {
      jsonrpc: '2.0',
      id: 1,
      method: 'openenv/session/create',
      params: { task_id: 'T1_single_page', seed: 2 },
    });
    const http = await httpReset(app, { task_id: 'T1_single_page', seed: 3 });
    const web = await httpReset(app, { task_id: 'T1_single_page', seed: 4 }, '/web/reset');
    expect(store.size).toBe(4);

    now += httpMs + 1;
    vi.advanceTimersByTime(store.reapEveryMs);
    expect(store.size).toBe(2);
    for (const e of [http, web])
      expect((await call(app, 'GET', '/state', undefined, e.auth)).body).toMatchObject({
        done: true,
        end_reason: 'idle_timeout',
      });
    expect((await ws.ask({ type: 'state' })).data).toMatchObject({ done: false });
    const sid = mcp.body.result.session_id as string;
    expect(store.get(sid)?.env.episode?.done).toBe(false);

    now += wsMs;
    vi.advanceTimersByTime(store.reapEveryMs);
    expect(await ws.closed).toMatchObject({ code: 1000, reason: 'session idle timeout' });
    expect(store.size).toBe(0);
  } finally {
    await app.close();
  }
});

it('HTTP_SESSION_TIMEOUT_S defaults to 300 s beside SESSION_TIMEOUT_S 900 s, and the app uses it', async () => {
  const config = loadConfig({});
  expect([config.HTTP_SESSION_TIMEOUT_S, config.SESSION_TIMEOUT_S]).toEqual([300, 900]);
  const app = buildApp(testConfig({ HTTP_SESSION_TIMEOUT_S: 120 }), { catalog });
  await app.ready();
  expect(app.store.reapEveryMs).toBe(30_000);
  await app.close();
});
