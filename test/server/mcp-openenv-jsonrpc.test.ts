/**
 * OpenEnv's JSON-RPC on POST /mcp (docs/protocol.md, /mcp): every method and error code, through app.inject.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Json, type McpTestApp, mcpTestApp, rpc } from './mcp-test-app.js';

let t: McpTestApp;
beforeAll(async () => {
  t = await mcpTestApp();
});
afterAll(async () => {
  await t.app.close();
});

let nextId = 1;
const call = async (method: string, params?: Record<string, unknown>) => {
  const r = await rpc(t.app, {
    jsonrpc: '2.0',
    id: nextId++,
    method,
    ...(params !== undefined ? { params } : {}),
  });
  expect(r.status).toBe(200);
  expect(r.body!.jsonrpc).toBe('2.0');
  return r.body!;
};
const create = async (params: Record<string, unknown> = {}) =>
  (await call('openenv/session/create', params)).result as Json;

describe('tools/list', () => {
  test('lists the three tools with both inputSchema and input_schema', async () => {
    const r = await call('tools/list');
    expect(r.id).toBe(nextId - 1);
    const tools = r.result.tools as Array<Json>;
    expect(tools.map((x) => x.name)).toEqual(['get_task_info', 'fetch_page', 'submit_results']);
    for (const tool of tools) {
      expect(typeof tool.description).toBe('string');
      expect(tool.inputSchema).toEqual(tool.input_schema);
      expect(tool.input_schema.type).toBe('object');
    }
    // No argument of fetch_page is required by its schema: a page-paginated task requires page, a cursor task
    // refuses it (src/core/episode.ts).
    expect(tools[1]!.input_schema.required).toBeUndefined();
    expect(tools[1]!.input_schema.properties).toHaveProperty('cursor');
  });

  test('with an unknown session_id is -32602', async () => {
    const r = await call('tools/list', { session_id: 'nope' });
    expect(r.error).toMatchObject({ code: -32602, message: 'Unknown session_id: nope' });
  });
});

describe('openenv/session/create', () => {
  test('opens a session that owns one episode, reset from task_id and seed', async () => {
    const s = await create({ task_id: 'T2_multi_page', seed: 42 });
    expect(s).toMatchObject({ task_id: 'T2_multi_page', seed: 42, profile: 'default' });
    expect(typeof s.session_id).toBe('string');
    expect(typeof s.episode_id).toBe('string');
    const session = t.store.get(s.session_id)!;
    expect(session.kind).toBe('mcp');
    expect(session.env.episode!.episodeId).toBe(s.episode_id);
  });

  test('defaults to T1_single_page with a random seed', async () => {
    const s = await create();
    expect(s.task_id).toBe('T1_single_page');
    expect(Number.isInteger(s.seed)).toBe(true);
  });

  test('a profile is applied', async () => {
    const s = await create({ task_id: 'T2_multi_page', seed: 1, profile: 'llm' });
    expect(s.profile).toBe('llm');
  });

  test('an unknown task or a bad seed is -32602 and leaves no session behind', async () => {
    const before = t.store.size;
    const r = await call('openenv/session/create', { task_id: 'T99_nope' });
    expect(r.error.code).toBe(-32602);
    expect(r.error.message).toMatch(/unknown task_id 'T99_nope'/);
    expect(r.error.data.code).toBe('CB_ERR_UNKNOWN_TASK');
    const bad = await call('openenv/session/create', { seed: -1 });
    expect(bad.error).toMatchObject({ code: -32602, data: { code: 'CB_ERR_VALIDATION' } });
    expect(t.store.size).toBe(before);
  });
});

describe('tools/call', () => {
  test('runs a tool on the session episode and returns the MCP result dict', async () => {
    const s = await create({ task_id: 'T2_multi_page', seed: 5 });
    const r = await call('tools/call', { name: 'get_task_info', arguments: {}, session_id: s.session_id });
    expect(Object.keys(r.result).sort()).toEqual([
      'content',
      'data',
      'is_error',
      'meta',
      'structured_content',
    ]);
    expect(r.result.is_error).toBe(false);
    expect(r.result.data).toMatchObject({ task_id: 'T2_multi_page', seed: 5, episode_id: s.episode_id });
    expect(JSON.parse(r.result.content[0].text)).toEqual(r.result.structured_content);
  });

  test('arguments default to {}', async () => {
    const s = await create();
    const r = await call('tools/call', { name: 'get_task_info', session_id: s.session_id });
    expect(r.result.is_error).toBe(false);
  });

  test('bad arguments are an is_error tool result, not a JSON-RPC error', async () => {
    const s = await create({ task_id: 'T2_multi_page', seed: 5 });
    const r = await call('tools/call', {
      name: 'fetch_page',
      arguments: { page: 0 },
      session_id: s.session_id,
    });
    expect(r.error).toBeUndefined();
    expect(r.result.is_error).toBe(true);
    expect(r.result.data.error.code).toBe('CB_ERR_INVALID_ARGUMENT');
    expect(r.result.content[0].text).toMatch(/^CB_ERR_INVALID_ARGUMENT: /);
  });

  test('an unknown tool is -32603 "Unknown tool: \'x\'"', async () => {
    const s = await create();
    const r = await call('tools/call', { name: 'zzz', session_id: s.session_id });
    expect(r.error).toMatchObject({ code: -32603, message: "Unknown tool: 'zzz'" });
  });

  test('a missing name is -32602 "Missing \'name\' in params"', async () => {
    const s = await create();
    for (const params of [
      { session_id: s.session_id },
      { name: '', session_id: s.session_id },
      { name: 7 },
    ]) {
      const r = await call('tools/call', params);
      expect(r.error).toMatchObject({ code: -32602, message: "Missing 'name' in params" });
    }
  });

  test('without a session it is a JSON-RPC error naming the fix', async () => {
    const r = await call('tools/call', { name: 'get_task_info' });
    expect(r.error.code).toBe(-32602);
    expect(r.error.message).toMatch(/openenv\/session\/create/);
    expect(r.error.message).toMatch(/initialize/);
  });

  test('an unknown session_id is -32602 "Unknown session_id: <id>"', async () => {
    const r = await call('tools/call', { name: 'get_task_info', session_id: 'no-such-session' });
    expect(r.error).toMatchObject({ code: -32602, message: 'Unknown session_id: no-such-session' });
  });

  test('a session of another kind (a WS session) is not addressable by session_id', async () => {
    const ws = t.store.open('ws');
    ws.env.reset({});
    const r = await call('tools/call', { name: 'get_task_info', session_id: ws.id });
    expect(r.error).toMatchObject({ code: -32602, message: `Unknown session_id: ${ws.id}` });
    t.store.close(ws.id);
  });

  test('every call keeps the session alive (touch)', async () => {
    const s = await create();
    const session = t.store.get(s.session_id)!;
    session.lastActiveMs = 0;
    await call('tools/call', { name: 'get_task_info', session_id: s.session_id });
    expect(session.lastActiveMs).toBeGreaterThan(0);
    session.lastActiveMs = 0;
    await call('tools/list', { session_id: s.session_id });
    expect(session.lastActiveMs).toBeGreaterThan(0);
  });

  test('after submit the result carries score and breakdown; later calls are is_error CB_ERR_EPISODE_DONE', async () => {
    const s = await create({ task_id: 'T1_single_page', seed: 9 });
    const sub = await call('tools/call', {
      name: 'submit_results',
      arguments: { rows: [] },
      session_id: s.session_id,
    });
    expect(sub.result.is_error).toBe(false);
    expect(sub.result.data).toMatchObject({ done: true, end_reason: 'submitted' });
    expect(typeof sub.result.data.score).toBe('number');
    expect(sub.result.data.breakdown).toBeTypeOf('object');
    const again = await call('tools/call', { name: 'get_task_info', session_id: s.session_id });
    expect(again.result.is_error).toBe(true);
    expect(again.result.data.error.code).toBe('CB_ERR_EPISODE_DONE');
  });
});

describe('openenv/session/close', () => {
  test('closes the session and frees its slot; the id is then unknown', async () => {
    const s = await create();
    const before = t.store.size;
    const r = await call('openenv/session/close', { session_id: s.session_id });
    expect(r.result).toEqual({ session_id: s.session_id, closed: true });
    expect(t.store.size).toBe(before - 1);
    const again = await call('openenv/session/close', { session_id: s.session_id });
    expect(again.error).toMatchObject({ code: -32602, message: `Unknown session_id: ${s.session_id}` });
    const tool = await call('tools/call', { name: 'get_task_info', session_id: s.session_id });
    expect(tool.error.code).toBe(-32602);
  });

  test('a missing session_id is -32602 "Invalid params - \'session_id\' is required"', async () => {
    for (const params of [undefined, {}, { session_id: '' }, { session_id: 3 }]) {
      const r = await call('openenv/session/close', params);
      expect(r.error).toMatchObject({ code: -32602, message: "Invalid params - 'session_id' is required" });
    }
  });

  test('an unknown session_id is -32602', async () => {
    const r = await call('openenv/session/close', { session_id: 'ghost' });
    expect(r.error).toMatchObject({ code: -32602, message: 'Unknown session_id: ghost' });
  });
});

describe('envelope', () => {
  test('any other method is -32601 "Method not found: <m>", including MCP methods without a handshake', async () => {
    for (const m of ['resources/list', 'reset', 'prompts/list']) {
      const r = await call(m);
      expect(r.error).toMatchObject({ code: -32601, message: `Method not found: ${m}` });
    }
  });

  test('the id is echoed: strings, integers, null', async () => {
    for (const id of ['abc', 0, 17, null]) {
      const r = await rpc(t.app, { jsonrpc: '2.0', id, method: 'tools/list' });
      expect(r.body!.id).toBe(id);
    }
  });

  test('a notification (no id) still gets a reply, with id null', async () => {
    const r = await rpc(t.app, { jsonrpc: '2.0', method: 'tools/list' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ jsonrpc: '2.0', id: null });
    expect(r.body!.result.tools).toHaveLength(3);
  });

  test('invalid envelopes are -32600 with id null: wrong version, array params, extra keys, float id', async () => {
    const bad = [
      { jsonrpc: '1.0', id: 1, method: 'tools/list' },
      { jsonrpc: '2.0', id: 1, method: 'tools/list', params: [] },
      { jsonrpc: '2.0', id: 1, method: 'tools/list', extra: true },
      { jsonrpc: '2.0', id: 1.5, method: 'tools/list' },
      { jsonrpc: '2.0', id: 1, method: 5 },
    ];
    for (const body of bad) {
      const r = await rpc(t.app, body);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
      expect(r.body!.error.message).toMatch(/^Invalid request: /);
    }
  });

  test('every response has exactly one of result or error', async () => {
    for (const body of [
      {},
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { jsonrpc: '2.0', id: 2, method: 'nope' },
    ]) {
      const r = await rpc(t.app, body);
      expect('result' in r.body! !== 'error' in r.body!).toBe(true);
    }
  });
});

describe('capacity', () => {
  test('at MAX_CONCURRENT_ENVS, session/create is -32000 with active_sessions and max_sessions', async () => {
    const small = await mcpTestApp({ MAX_CONCURRENT_ENVS: 2 });
    try {
      const body = (id: number) => ({ jsonrpc: '2.0', id, method: 'openenv/session/create', params: {} });
      const a = await rpc(small.app, body(1));
      await rpc(small.app, body(2));
      const full = await rpc(small.app, body(3));
      expect(full.status).toBe(200);
      expect(full.body!.error).toMatchObject({
        code: -32000,
        data: { code: 'CB_ERR_CAPACITY', active_sessions: 2, max_sessions: 2 },
      });
      await rpc(small.app, {
        jsonrpc: '2.0',
        id: 4,
        method: 'openenv/session/close',
        params: { session_id: a.body!.result.session_id },
      });
      const again = await rpc(small.app, body(5));
      expect(again.body!.result.session_id).toBeTypeOf('string');
    } finally {
      await small.app.close();
    }
  });
});
