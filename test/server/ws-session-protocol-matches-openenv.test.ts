import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/env/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig, waitFor, WsProbe } from './helpers.js';

const store = new SessionStore({ catalog, capacity: 256, idleTimeoutMs: 900_000 });
const app = buildApp(testConfig({ MAX_BODY_BYTES: 64 * 1024 }), { store });
let base = '';

beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

const getInfo = { type: 'call_tool', tool_name: 'get_task_info', arguments: {} };

describe('/ws messages', () => {
  it('reset, step (bare action), state, mcp and close, one reply each and none for close', async () => {
    const p = await WsProbe.open(base);
    const reset = await p.ask({
      type: 'reset',
      data: { task_id: 'T4_rate_limit_429', seed: 9, episode_id: 'ws-e1' },
    });
    expect(reset.type).toBe('observation');
    expect(Object.keys(reset.data).sort()).toEqual(['done', 'observation', 'reward']);
    expect(reset.data).toMatchObject({
      reward: 0,
      done: false,
      observation: { task_id: 'T4_rate_limit_429', seed: 9, episode_id: 'ws-e1' },
    });
    expect(reset.data.observation.tools).toHaveLength(3);

    const step = await p.ask({ type: 'step', data: getInfo });
    expect(step.type).toBe('observation');
    expect(step.data).toMatchObject({
      reward: 0,
      done: false,
      observation: { tool_name: 'get_task_info', error: null, result: { is_error: false } },
    });

    const state = await p.ask({ type: 'state' });
    expect(state).toMatchObject({
      type: 'state',
      data: { episode_id: 'ws-e1', step_count: 1, task_id: 'T4_rate_limit_429', seed: 9 },
    });

    const mcp = await p.ask({
      type: 'mcp',
      data: { jsonrpc: '2.0', id: 7, method: 'tools/list', params: {} },
    });
    expect(mcp.type).toBe('mcp');
    expect(mcp.data).toMatchObject({ jsonrpc: '2.0', id: 7 });

    const live = store.size;
    p.send({ type: 'close' });
    // Replies leave in order, so a reply to `close` would arrive before the close frame.
    expect((await p.closed).code).toBe(1000);
    expect(p.unread).toBe(0);
    await waitFor(() => store.size === live - 1);
  });

  it('a second reset on one connection starts a new episode', async () => {
    const p = await WsProbe.open(base);
    const a = await p.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 1 } });
    const b = await p.ask({ type: 'reset', data: { task_id: 'T3_duplicates', seed: 2 } });
    expect(b.data.observation.episode_id).not.toBe(a.data.observation.episode_id);
    expect((await p.ask({ type: 'state' })).data).toMatchObject({ task_id: 'T3_duplicates', step_count: 0 });
    p.socket.close();
  });

  it('replies strictly in order even when mcp (async) and step messages are interleaved', async () => {
    const p = await WsProbe.open(base);
    await p.ask({ type: 'reset', data: { task_id: 'T2_multi_page', seed: 3 } });
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const kind = ['step', 'mcp', 'state'][i % 3]!;
      sent.push(kind === 'step' ? 'observation' : kind);
      if (kind === 'step') p.send({ type: 'step', data: getInfo });
      else if (kind === 'mcp') p.send({ type: 'mcp', data: { jsonrpc: '2.0', id: i, method: 'tools/list' } });
      else p.send({ type: 'state' });
    }
    const got: string[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 30; i++) {
      const f = await p.next();
      got.push(f.type);
      if (f.type === 'state') counts.push(f.data.step_count);
      if (f.type === 'mcp') expect(f.data.id).toBe(i);
    }
    expect(got).toEqual(sent);
    expect(counts).toEqual(Array.from({ length: 10 }, (_, k) => k + 1));
    p.socket.close();
  });

  it('the terminal step carries done true and reward = score / 100; later steps are EXECUTION_ERROR', async () => {
    const p = await WsProbe.open(base);
    await p.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 2 } });
    const end = await p.ask({
      type: 'step',
      data: { type: 'call_tool', tool_name: 'submit_results', arguments: { rows: [] } },
    });
    expect(end.data.done).toBe(true);
    expect(end.data.reward).toBeCloseTo(end.data.observation.result.data.score / 100, 12);
    const after = await p.ask({ type: 'step', data: getInfo });
    expect(after).toMatchObject({
      type: 'error',
      data: { code: 'EXECUTION_ERROR', cb_code: 'CB_ERR_EPISODE_DONE' },
    });
    expect((await p.ask({ type: 'state' })).data).toMatchObject({ done: true, end_reason: 'submitted' });
    p.socket.close();
  });
});

describe('/ws errors that keep the socket open', () => {
  it('INVALID_JSON, UNKNOWN_TYPE, VALIDATION_ERROR and EXECUTION_ERROR, then the session still works', async () => {
    const p = await WsProbe.open(base);
    const cases: Array<[unknown, string, string?]> = [
      ['{not json', 'INVALID_JSON'],
      [{ type: 'bogus' }, 'UNKNOWN_TYPE'],
      [{ data: {} }, 'UNKNOWN_TYPE'],
      [{ type: 5 }, 'UNKNOWN_TYPE'],
      [{ type: 'step', data: getInfo }, 'EXECUTION_ERROR', 'CB_ERR_NOT_RESET'],
      [{ type: 'state', data: {} }, 'VALIDATION_ERROR'],
      [{ type: 'close', data: {} }, 'VALIDATION_ERROR'],
      [{ type: 'reset', extra: 1 }, 'VALIDATION_ERROR'],
      [{ type: 'reset', data: [1] }, 'VALIDATION_ERROR'],
      [{ type: 'reset', data: { seed: -5 } }, 'VALIDATION_ERROR'],
      [{ type: 'reset', data: { task_id: 'T99_nope' } }, 'EXECUTION_ERROR', 'CB_ERR_UNKNOWN_TASK'],
      [{ type: 'step' }, 'VALIDATION_ERROR'],
      [{ type: 'mcp', data: 'tools/list' }, 'VALIDATION_ERROR'],
    ];
    for (const [msg, code, cb] of cases) {
      const r = await p.ask(msg);
      expect({ msg, type: r.type, code: r.data.code }).toEqual({ msg, type: 'error', code });
      expect(typeof r.data.message).toBe('string');
      if (cb) expect(r.data.cb_code).toBe(cb);
    }
    expect((await p.ask({ type: 'bogus' })).data.message).toBe('Unknown message type: bogus');
    expect((await p.ask({ nope: 1 })).data.message).toBe('Unknown message type: ');
    expect((await p.ask('{x')).data.message).toMatch(/^Invalid JSON: /);
    const v = await p.ask({ type: 'state', data: {} });
    expect(v.data.message).toBe('Invalid message');
    expect(Array.isArray(v.data.errors)).toBe(true);
    await p.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 0 } });
    // A step whose action (the bare `data`) is invalid, and the OpenEnv-wrapped form, which is not the WS shape.
    expect((await p.ask({ type: 'step', data: { type: 'bogus' } })).data.code).toBe('VALIDATION_ERROR');
    expect((await p.ask({ type: 'step', data: { action: getInfo } })).data.code).toBe('VALIDATION_ERROR');
    expect((await p.ask({ type: 'step', data: getInfo })).type).toBe('observation');
    p.socket.close();
  });
});

describe('/ws errors that close the socket', () => {
  for (const [name, frame] of [
    ['a binary frame', Buffer.from('{"type":"state"}')],
    ['a JSON array', '[1]'],
    ['JSON null', 'null'],
    ['a JSON string', '"state"'],
  ] as const) {
    it(`${name}: SESSION_ERROR, then close 1000 and the session is destroyed`, async () => {
      const p = await WsProbe.open(base);
      await p.ask({ type: 'reset' });
      const live = store.size;
      if (typeof frame === 'string') p.send(frame);
      else p.socket.send(frame, { binary: true });
      const r = await p.next();
      expect(r).toMatchObject({ type: 'error', data: { code: 'SESSION_ERROR' } });
      expect((await p.closed).code).toBe(1000);
      await waitFor(() => store.size === live - 1);
    });
  }

  it('a frame over MAX_BODY_BYTES closes with 1009', async () => {
    const p = await WsProbe.open(base);
    p.send(JSON.stringify({ type: 'reset', data: { pad: 'x'.repeat(70 * 1024) } }));
    expect((await p.closed).code).toBe(1009);
  });

  it('a dropped connection destroys its session at once', async () => {
    const p = await WsProbe.open(base);
    await p.ask({ type: 'reset' });
    const live = store.size;
    p.socket.terminate();
    await waitFor(() => store.size === live - 1);
  });
});

describe('/ws capacity and liveness', () => {
  it('answers pings', async () => {
    const p = await WsProbe.open(base);
    const pong = new Promise<string>((r) => p.socket.once('pong', (d) => r(d.toString())));
    p.socket.ping('hello');
    expect(await pong).toBe('hello');
    p.socket.close();
  });

  it('at capacity sends CAPACITY_REACHED and closes 1000; a freed slot is usable at once', async () => {
    const small = buildApp(testConfig({ MAX_CONCURRENT_ENVS: 2 }), { catalog });
    const url = await listen(small);
    try {
      const a = await WsProbe.open(url);
      const b = await WsProbe.open(url);
      await a.ask({ type: 'reset' });
      await b.ask({ type: 'reset' });
      const c = await WsProbe.open(url);
      const frame = await c.next();
      expect(frame).toEqual({
        type: 'error',
        data: {
          message: 'Server at capacity: 2/2 sessions active. Cannot accept new connections.',
          code: 'CAPACITY_REACHED',
          cb_code: 'CB_ERR_CAPACITY',
          active_sessions: 2,
          max_sessions: 2,
        },
      });
      expect((await c.closed).code).toBe(1000);
      a.send({ type: 'close' });
      await a.closed;
      await waitFor(() => small.store.size === 1);
      const d = await WsProbe.open(url);
      expect((await d.ask({ type: 'reset' })).type).toBe('observation');
      b.socket.close();
      d.socket.close();
    } finally {
      await small.close();
    }
  });
});
