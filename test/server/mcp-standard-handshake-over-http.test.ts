/**
 * The standard MCP Streamable HTTP exchange on /mcp, byte by byte through app.inject: initialize gives an
 * Mcp-Session-Id owning one episode; requests carrying it go to the SDK session; ping and notifications
 * without a session are answered by the front; DELETE ends the session; GET is 405 (no SSE stream).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type McpTestApp, mcpTestApp, rpc } from './mcp-test-app.js';

let t: McpTestApp;
beforeAll(async () => {
  t = await mcpTestApp();
});
afterAll(async () => {
  await t.app.close();
});

const SSE_ACCEPT = { accept: 'application/json, text/event-stream' };
const initialize = (id: number | string = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw-test', version: '0.0.1' },
  },
});

async function openSession(query = '', headers: Record<string, string> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/mcp${query}`,
    headers: { 'content-type': 'application/json', ...SSE_ACCEPT, ...headers },
    payload: JSON.stringify(initialize()),
  });
  return { res, sid: res.headers['mcp-session-id'] as string | undefined };
}

describe('MCP handshake through the front', () => {
  test('initialize opens a store session (kind mcp) with its episode from the query, and returns Mcp-Session-Id', async () => {
    const { res, sid } = await openSession('?task_id=T3_duplicates&seed=77&profile=llm');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.json();
    expect(body).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { serverInfo: { name: 'comtradebench' }, capabilities: { tools: {} } },
    });
    expect(body.result.protocolVersion).toBe('2025-06-18');
    const s = t.store.get(sid!)!;
    expect(s.kind).toBe('mcp');
    expect(s.env.episode!.state()).toMatchObject({ task_id: 'T3_duplicates', seed: 77, profile: 'llm' });
  });

  test('a client that only accepts application/json is served too (no 406)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      payload: JSON.stringify(initialize()),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['mcp-session-id']).toBeTypeOf('string');
  });

  test('notifications/initialized, tools/list and tools/call on the session; the Mcp-Session-Id is also an OpenEnv session_id', async () => {
    const { sid } = await openSession('?task_id=T1_single_page&seed=4');
    const h = { 'mcp-session-id': sid!, 'mcp-protocol-version': '2025-06-18', ...SSE_ACCEPT };
    const note = await rpc(t.app, { jsonrpc: '2.0', method: 'notifications/initialized' }, h);
    expect(note.status).toBe(202);
    const list = await rpc(t.app, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, h);
    expect(list.status).toBe(200);
    expect(list.body!.result.tools.map((x: { name: string }) => x.name)).toEqual([
      'get_task_info',
      'fetch_page',
      'submit_results',
    ]);
    expect(list.body!.result.tools[1].inputSchema.properties).toHaveProperty('page');
    const call = await rpc(
      t.app,
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_task_info', arguments: {} } },
      h,
    );
    expect(call.body!.result).toMatchObject({
      isError: false,
      structuredContent: { task_id: 'T1_single_page', seed: 4 },
    });
    // The same session through OpenEnv JSON-RPC (no Mcp-Session-Id header): same episode.
    const viaOpenEnv = await rpc(t.app, {
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'get_task_info', session_id: sid },
    });
    expect(viaOpenEnv.body!.result.data.episode_id).toBe(call.body!.result.structuredContent.episode_id);
    // openenv/* methods are OpenEnv's even when an Mcp-Session-Id is present.
    const create = await rpc(
      t.app,
      { jsonrpc: '2.0', id: 5, method: 'openenv/session/create', params: {} },
      h,
    );
    expect(create.body!.result.session_id).toBeTypeOf('string');
  });

  test('an unknown tool over the SDK session is an error, not a crash', async () => {
    const { sid } = await openSession();
    const r = await rpc(
      t.app,
      { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'zzz', arguments: {} } },
      { 'mcp-session-id': sid!, ...SSE_ACCEPT },
    );
    expect(r.status).toBe(200);
    expect(r.body!.error ?? r.body!.result.isError).toBeTruthy();
  });

  test('ping without a session is answered with {}; a bare MCP notification gets 202', async () => {
    const ping = await rpc(t.app, { jsonrpc: '2.0', id: 'p1', method: 'ping' });
    expect(ping).toMatchObject({ status: 200, body: { jsonrpc: '2.0', id: 'p1', result: {} } });
    const note = await rpc(t.app, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(note.status).toBe(202);
    expect(note.body).toBeUndefined();
  });

  test('ping on a session is answered by the SDK', async () => {
    const { sid } = await openSession();
    const ping = await rpc(
      t.app,
      { jsonrpc: '2.0', id: 8, method: 'ping' },
      { 'mcp-session-id': sid!, ...SSE_ACCEPT },
    );
    expect(ping.body).toMatchObject({ jsonrpc: '2.0', id: 8, result: {} });
  });

  test('DELETE /mcp ends the session (episode closed, slot freed); the id then gets 404', async () => {
    const { sid } = await openSession();
    const env = t.store.get(sid!)!.env;
    const del = await t.app.inject({ method: 'DELETE', url: '/mcp', headers: { 'mcp-session-id': sid! } });
    expect(del.statusCode).toBe(200);
    expect(t.store.get(sid!)).toBeUndefined();
    expect(env.episode!.endReason).toBe('closed');
    const stale = await rpc(
      t.app,
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { 'mcp-session-id': sid!, ...SSE_ACCEPT },
    );
    expect(stale.status).toBe(404);
    expect(stale.body!.error.data.code).toBe('CB_ERR_SESSION_NOT_FOUND');
    const again = await t.app.inject({ method: 'DELETE', url: '/mcp', headers: { 'mcp-session-id': sid! } });
    expect(again.statusCode).toBe(404);
  });

  test('DELETE without Mcp-Session-Id is 400; GET /mcp is 405 with Allow; both with JSON bodies', async () => {
    const del = await t.app.inject({ method: 'DELETE', url: '/mcp' });
    expect(del.statusCode).toBe(400);
    expect(del.json()).toMatchObject({
      jsonrpc: '2.0',
      error: { data: { code: 'CB_ERR_SESSION_REQUIRED' } },
    });
    const get = await t.app.inject({ method: 'GET', url: '/mcp', headers: SSE_ACCEPT });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST, DELETE');
    expect(get.json().error.data.code).toBe('CB_ERR_METHOD_NOT_ALLOWED');
  });

  test('initialize with a bad seed or unknown task is a JSON-RPC error and leaves no session', async () => {
    const before = t.store.size;
    for (const q of ['?seed=abc', '?task_id=T99_nope', '?seed=-3']) {
      const { res, sid } = await openSession(q);
      expect(res.statusCode).toBe(200);
      expect(sid).toBeUndefined();
      expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32602 } });
    }
    expect(t.store.size).toBe(before);
  });

  test('initialize at capacity is -32000 with active_sessions and max_sessions', async () => {
    const small = await mcpTestApp({ MAX_CONCURRENT_ENVS: 1 });
    try {
      const post = () =>
        small.app.inject({
          method: 'POST',
          url: '/mcp',
          headers: { 'content-type': 'application/json', ...SSE_ACCEPT },
          payload: JSON.stringify(initialize()),
        });
      expect((await post()).statusCode).toBe(200);
      const full = await post();
      expect(full.statusCode).toBe(200);
      expect(full.json().error).toMatchObject({
        code: -32000,
        data: { code: 'CB_ERR_CAPACITY', active_sessions: 1, max_sessions: 1 },
      });
    } finally {
      await small.app.close();
    }
  });

  test('an idle-reaped MCP session is gone for its SDK client too (404), and its SDK server is swept', async () => {
    const { sid } = await openSession();
    t.store.get(sid!)!.lastActiveMs = -1e12;
    t.store.reap();
    const r = await rpc(
      t.app,
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { 'mcp-session-id': sid!, ...SSE_ACCEPT },
    );
    expect(r.status).toBe(404);
  });
});
