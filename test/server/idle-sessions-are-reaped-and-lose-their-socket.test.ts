import { afterEach, expect, it, vi } from 'vitest';
import { SessionStore } from '../../src/env/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, expectError, httpReset, listen, testConfig, WsProbe } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

it("the app's reaper ends idle /ws and HTTP episodes (idle_timeout), closes the socket, and spares active ones", async () => {
  let now = 1_000_000;
  const timeoutMs = 60_000;
  const store = new SessionStore({ catalog, capacity: 16, idleTimeoutMs: timeoutMs, now: () => now });
  // Only setInterval is faked: the reaper's timer. Sockets and Fastify keep real time.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const app = buildApp(testConfig({ SESSION_TIMEOUT_S: timeoutMs / 1000 }), { store });
  const base = await listen(app);
  try {
    const idle = await WsProbe.open(base);
    await idle.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 1 } });
    const busy = await WsProbe.open(base);
    await busy.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 2 } });
    const http = await httpReset(app, { task_id: 'T1_single_page', seed: 3 });
    expect(store.size).toBe(3);

    now += timeoutMs - 1;
    vi.advanceTimersByTime(timeoutMs); // not idle long enough yet
    expect(store.size).toBe(3);
    await busy.ask({ type: 'state' }); // activity renews the busy session
    now += 2;
    vi.advanceTimersByTime(timeoutMs);

    expect(await idle.closed).toMatchObject({ code: 1000, reason: 'session idle timeout' });
    expect(store.size).toBe(1);
    expect((await busy.ask({ type: 'state' })).type).toBe('state');
    const state = await call(app, 'GET', `/state?episode_id=${http.id}`, undefined, http.auth);
    expect(state.body).toMatchObject({ done: true, end_reason: 'idle_timeout', score: 0 });
    expectError(
      await call(
        app,
        'POST',
        '/step',
        { action: { type: 'call_tool', tool_name: 'get_task_info' }, episode_id: http.id },
        http.auth,
      ),
      409,
      'CB_ERR_EPISODE_DONE',
    );
    busy.socket.close();
  } finally {
    await app.close();
  }
});
