/**
 * handleJsonRpc as the /ws `mcp` message uses it: tools act on the WebSocket session's own environment
 * (an error naming the fix before reset), and that session cannot be closed through session/close.
 */
import { describe, expect, test } from 'vitest';
import { SessionStore } from '../../src/env/sessions.js';
import { handleJsonRpc } from '../../src/server/mcp/jsonrpc.js';
import { type Json, tasks } from './mcp-test-app.js';

const store = () => new SessionStore({ catalog: tasks(), capacity: 8, idleTimeoutMs: 60_000 });
const req = (id: number, method: string, params?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params ? { params } : {}),
});

describe('JSON-RPC over a /ws session', () => {
  test('before reset: tools/list works, tools/call is an error naming the fix', async () => {
    const s = store();
    const ws = s.open('ws');
    const list = (await handleJsonRpc({ store: s, socketSession: ws }, req(1, 'tools/list'))) as Json;
    expect(list.result.tools).toHaveLength(3);
    const r = (await handleJsonRpc(
      { store: s, socketSession: ws },
      req(2, 'tools/call', { name: 'get_task_info' }),
    )) as Json;
    expect(r).toMatchObject({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32603, data: { code: 'CB_ERR_NOT_RESET' } },
    });
    expect(r.error.message).toMatch(/reset/);
  });

  test('after reset: tools/call runs on the connection environment (session_id in params is not needed)', async () => {
    const s = store();
    const ws = s.open('ws');
    ws.env.reset({ task_id: 'T2_multi_page', seed: 8 });
    ws.lastActiveMs = 0;
    const r = (await handleJsonRpc(
      { store: s, socketSession: ws },
      req(3, 'tools/call', { name: 'fetch_page', arguments: { page: 1, page_size: 500 } }),
    )) as Json;
    expect(r.result.is_error).toBe(false);
    expect(r.result.data).toMatchObject({ status: 200, page: 1 });
    expect(ws.env.episode!.stepCount).toBe(1);
    expect(ws.lastActiveMs).toBeGreaterThan(0);
    const unknown = (await handleJsonRpc(
      { store: s, socketSession: ws },
      req(4, 'tools/call', { name: 'nope' }),
    )) as Json;
    expect(unknown.error).toMatchObject({ code: -32603, message: "Unknown tool: 'nope'" });
  });

  test('closing the WebSocket session through openenv/session/close is refused with -32600', async () => {
    const s = store();
    const ws = s.open('ws');
    const r = (await handleJsonRpc(
      { store: s, socketSession: ws },
      req(5, 'openenv/session/close', { session_id: ws.id }),
    )) as Json;
    expect(r.error.code).toBe(-32600);
    expect(s.get(ws.id)).toBeDefined();
  });

  test('other MCP sessions can still be created and closed from a /ws connection', async () => {
    const s = store();
    const ws = s.open('ws');
    const created = (await handleJsonRpc(
      { store: s, socketSession: ws },
      req(6, 'openenv/session/create', { task_id: 'T1_single_page', seed: 1 }),
    )) as Json;
    const sid = created.result.session_id as string;
    expect(s.get(sid)!.kind).toBe('mcp');
    const closed = (await handleJsonRpc(
      { store: s, socketSession: ws },
      req(7, 'openenv/session/close', { session_id: sid }),
    )) as Json;
    expect(closed.result).toEqual({ session_id: sid, closed: true });
  });

  test('never throws: garbage in, JSON-RPC error out', async () => {
    const s = store();
    for (const body of [
      undefined,
      null,
      1,
      'x',
      [],
      {},
      { jsonrpc: '2.0', method: 'tools/call', params: { name: 'get_task_info', session_id: {} } },
    ]) {
      const r = (await handleJsonRpc({ store: s }, body)) as Json;
      expect(r.jsonrpc).toBe('2.0');
      expect(r.error.code).toBeTypeOf('number');
    }
  });
});
