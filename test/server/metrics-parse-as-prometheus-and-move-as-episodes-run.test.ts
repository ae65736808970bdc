import { afterAll, beforeAll, expect, it } from 'vitest';
import { reference } from '../../src/agents/reference.js';
import { RemoteEnv } from '../../src/client/ws-client.js';
import { SessionStore } from '../../src/env/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, InjectEnv, listen, testConfig } from './helpers.js';

const store = new SessionStore({ catalog, capacity: 2, idleTimeoutMs: 900_000 });
const app = buildApp(testConfig(), { store });
let base = '';
beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

/** One sample of the text exposition format: name, labels and value. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/**
 * Parses Prometheus' text exposition format (version 0.0.4) strictly: every line is a HELP or TYPE comment
 * or a sample `name{label="value",...} number`; every sample's family has a TYPE declared before it.
 */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sample = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|\\+Inf|-Inf|NaN))$`);
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(?:,|$)/gy;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
    if (comment !== null) {
      if (comment[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(comment[3]);
        types.set(comment[2]!, comment[3]!);
      }
      continue;
    }
    const m = sample.exec(line);
    if (m === null) throw new Error(`not an exposition line: ${line}`);
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(m[1]!) || types.get(family) === 'histogram', `TYPE of ${m[1]}`).toBe(true);
    const labels: Record<string, string> = {};
    if (m[2] !== undefined && m[2] !== '') {
      label.lastIndex = 0;
      let consumed = 0;
      for (let l = label.exec(m[2]); l !== null; l = label.exec(m[2])) {
        labels[l[1]!] = l[2]!;
        consumed = label.lastIndex;
      }
      expect(consumed, `labels of ${line}`).toBe(m[2].length);
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const r = await app.inject({ method: 'GET', url: '/metrics' });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toContain('text/plain');
  return { text: r.body, samples: parseExposition(r.body) };
}

/** The value of the sample with this name and (at least) these labels; 0 when absent. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const hit = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return hit.reduce((sum, s) => sum + s.value, 0);
}

it('GET /metrics parses as Prometheus text, and its counters move as episodes run over HTTP and /ws', async () => {
  const before = (await scrape()).samples;
  const T4 = { task: 'T4_rate_limit_429', profile: 'default' };

  // An HTTP episode (the reference solver: T4 serves exactly two scheduled 429s and it waits them out).
  const http = new InjectEnv(app);
  await http.reset({ task_id: T4.task, seed: 3 });
  await reference.run(http);
  const mid = (await scrape()).samples;
  expect(value(mid, 'comtradebench_episodes_started_total', { ...T4, transport: 'http' })).toBe(
    value(before, 'comtradebench_episodes_started_total', { ...T4, transport: 'http' }) + 1,
  );
  expect(value(mid, 'comtradebench_episodes_ended_total', { ...T4, end_reason: 'submitted' })).toBe(
    value(before, 'comtradebench_episodes_ended_total', { ...T4, end_reason: 'submitted' }) + 1,
  );
  expect(value(mid, 'comtradebench_faults_served_total', { kind: 'rate_limit' })).toBe(
    value(before, 'comtradebench_faults_served_total', { kind: 'rate_limit' }) + 2,
  );
  expect(value(mid, 'comtradebench_faults_served_total', { kind: 'window' })).toBe(0);
  const state = (await call(app, 'GET', `/state?episode_id=${http.episodeId}`, undefined, http.episode!.auth))
    .body;
  const fetches = state.step_count - 2; // get_task_info and submit_results are the other two calls
  expect(value(mid, 'comtradebench_tool_calls_total', { tool: 'fetch_page', result: 'ok' })).toBe(
    value(before, 'comtradebench_tool_calls_total', { tool: 'fetch_page', result: 'ok' }) + fetches,
  );
  expect(value(mid, 'comtradebench_tool_calls_total', { tool: 'submit_results', result: 'ok' })).toBe(1);
  expect(value(mid, 'comtradebench_episode_score_count', T4)).toBe(1);
  expect(value(mid, 'comtradebench_episode_score_sum', T4)).toBe(100);
  expect(value(mid, 'comtradebench_episode_score_bucket', { ...T4, le: '99.99' })).toBe(0);
  expect(value(mid, 'comtradebench_episode_score_bucket', { ...T4, le: '100' })).toBe(1);
  expect(value(mid, 'comtradebench_http_request_duration_seconds_count', { route: '/step' })).toBe(
    fetches + 2,
  );
  // The finished HTTP episode freed its slot.
  expect(value(mid, 'comtradebench_sessions_live', { transport: 'http' })).toBe(0);

  // A /ws session: live while open, its episode counted under transport ws; a tool the catalogue does
  // not know counts as `unknown`, never under the name the client sent.
  const ws = await RemoteEnv.connect(base);
  await ws.reset({ task_id: 'T1_single_page', seed: 0 });
  await ws.callTool('no-such-tool-xyz', {});
  let now = await scrape();
  expect(value(now.samples, 'comtradebench_sessions_live', { transport: 'ws' })).toBe(1);
  expect(
    value(now.samples, 'comtradebench_episodes_started_total', {
      task: 'T1_single_page',
      transport: 'ws',
    }),
  ).toBe(1);
  expect(value(now.samples, 'comtradebench_tool_calls_total', { tool: 'unknown', result: 'error' })).toBe(1);
  expect(now.text).not.toContain('no-such-tool-xyz');
  await ws.close();

  // Capacity 2: the /ws session is gone, so two HTTP resets fill the store and a third is refused.
  const a = await call(app, 'POST', '/reset', { task_id: 'T1_single_page', seed: 1 });
  const b = await call(app, 'POST', '/reset', { task_id: 'T1_single_page', seed: 2 });
  expect([a.status, b.status]).toEqual([200, 200]);
  expect((await call(app, 'POST', '/reset', {})).status).toBe(503);
  now = await scrape();
  expect(value(now.samples, 'comtradebench_session_refusals_total', { limit: 'capacity' })).toBe(1);
  expect(value(now.samples, 'comtradebench_sessions_live', { transport: 'http' })).toBe(2);
  // Low cardinality: no episode id ever becomes a label value.
  for (const id of [http.episodeId!, a.body.observation.episode_id, b.body.observation.episode_id])
    expect(now.text).not.toContain(id);
  expect(
    value(now.samples, 'comtradebench_event_loop_lag_seconds', { quantile: '0.99' }),
  ).toBeGreaterThanOrEqual(0);
});

it('ENABLE_METRICS=false serves no /metrics', async () => {
  const off = buildApp(testConfig({ ENABLE_METRICS: false }), { catalog });
  expect((await off.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  await off.close();
});

it("counts the harder tier's faults under their own kinds: 401 token_expired, 504 timeout, 410 cursor_expired", async () => {
  const own = buildApp(testConfig(), { catalog });
  const kinds = { 401: 'token_expired', 504: 'timeout', 410: 'cursor_expired' } as const;
  const faults = async () => {
    const text = (await own.inject({ method: 'GET', url: '/metrics' })).body;
    const samples = parseExposition(text);
    return Object.values(kinds).map((kind) => value(samples, 'comtradebench_faults_served_total', { kind }));
  };
  // Declared at zero before any episode, like every kind.
  expect(await faults()).toEqual([0, 0, 0]);
  const served = { 401: 0, 504: 0, 410: 0 };
  for (const task of ['T11_auth_expiry', 'T14_timeouts', 'T16_cursor_pagination']) {
    const http = new InjectEnv(own);
    await http.reset({ task_id: task, seed: 4 });
    await reference.run(http);
    // What the episode's own trajectory says the server served.
    const t = await call(own, 'GET', `/episodes/${http.episodeId}/trajectory`, undefined, http.episode!.auth);
    for (const c of t.body.calls as Array<{ reply: { status?: number } }>) {
      const st = c.reply?.status;
      if (st === 401 || st === 504 || st === 410) served[st] += 1;
    }
  }
  expect(
    Object.values(served).every((n) => n > 0),
    JSON.stringify(served),
  ).toBe(true);
  expect(await faults()).toEqual([served[401], served[504], served[410]]);
  await own.close();
});
