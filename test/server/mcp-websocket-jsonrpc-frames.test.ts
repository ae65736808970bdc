/**
 * WS /mcp (docs/protocol.md, WS /mcp): bare JSON-RPC frames over a real `ws` client; one MCP session per connection,
 * owning one episode chosen by the query; parse errors keep the socket; session errors close it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from './helpers.js';
import { type Json, type McpTestApp, mcpTestApp } from './mcp-test-app.js';

let t: McpTestApp;
let wsBase: string;
beforeAll(async () => {
  t = await mcpTestApp();
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  wsBase = `${address.replace('http', 'ws')}/mcp`;
});
afterAll(async () => {
  await t.app.close();
});

/** A socket whose incoming frames are queued, so none is lost between awaits. */
async function open(url: string) {
  const ws = new WebSocket(url);
  const frames: Json[] = [];
  const waiters: Array<(f: Json) => void> = [];
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString());
    const w = waiters.shift();
    if (w) w(f);
    else frames.push(f);
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = () =>
    frames.length > 0 ? Promise.resolve(frames.shift()) : new Promise<Json>((r) => waiters.push(r));
  const rpc = (body: unknown) => {
    ws.send(typeof body === 'string' ? body : JSON.stringify(body));
    return next();
  };
  return { ws, rpc, next, closed };
}

describe('WS /mcp', () => {
  test('lists tools, calls them on the connection episode, and ends the session on close', async () => {
    const before = t.store.size;
    const c = await open(`${wsBase}?task_id=T2_multi_page&seed=21`);
    expect(t.store.size).toBe(before + 1);
    const list = await c.rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(list.result.tools.map((x: Json) => x.name)).toEqual([
      'get_task_info',
      'fetch_page',
      'submit_results',
    ]);
    const info = await c.rpc({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'get_task_info' },
    });
    expect(info.result.data).toMatchObject({ task_id: 'T2_multi_page', seed: 21 });
    const page = await c.rpc({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'fetch_page', arguments: { page: 1, page_size: 500 } },
    });
    expect(page.result.data.status).toBe(200);
    c.ws.close();
    expect(await c.closed).toBe(1005);
    await waitFor(() => t.store.size === before);
  });

  test('a frame that is not JSON is -32700 and the socket stays open; invalid requests are -32600', async () => {
    const c = await open(wsBase);
    const bad = await c.rpc('{not json');
    expect(bad).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    expect(bad.error.message).toMatch(/^Parse error: /);
    expect((await c.rpc({})).error.code).toBe(-32600);
    expect((await c.rpc({ jsonrpc: '2.0', id: 9, method: 'nope' })).error).toMatchObject({
      code: -32601,
      message: 'Method not found: nope',
    });
    expect((await c.rpc({ jsonrpc: '2.0', id: 10, method: 'tools/list' })).id).toBe(10);
    c.ws.close();
  });

  test('closing the connection session through openenv/session/close is refused with -32600', async () => {
    const c = await open(wsBase);
    const info = await c.rpc({
      jsonrpc: '2.0',
      id: 0,
      method: 'tools/call',
      params: { name: 'get_task_info' },
    });
    const sid = t.store.episodeOwner(info.result.data.episode_id)!.id;
    const r = await c.rpc({
      jsonrpc: '2.0',
      id: 1,
      method: 'openenv/session/close',
      params: { session_id: sid },
    });
    expect(r.error.code).toBe(-32600);
    expect(t.store.get(sid)).toBeDefined();
    c.ws.close();
  });

  test('a session reaped while idle: the next frame gets -32000 and the socket closes', async () => {
    const c = await open(wsBase);
    const info = await c.rpc({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'get_task_info' },
    });
    t.store.episodeOwner(info.result.data.episode_id)!.lastActiveMs = -1e12;
    t.store.reap();
    const r = await c.rpc({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(r).toMatchObject({ id: null, error: { code: -32000 } });
    expect(await c.closed).toBe(1000);
  });

  test('an unknown task at connect: -32000 with id null, then the socket closes', async () => {
    const c = await open(`${wsBase}?task_id=T99_nope`);
    const err = await c.next();
    expect(err).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, data: { code: 'CB_ERR_UNKNOWN_TASK' } },
    });
    expect(await c.closed).toBe(1000);
  });

  test('at capacity: -32000 with active_sessions and max_sessions, then close', async () => {
    const small = await mcpTestApp({ MAX_CONCURRENT_ENVS: 1 });
    try {
      const address = await small.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `${address.replace('http', 'ws')}/mcp`;
      const first = await open(url);
      const second = await open(url);
      expect(await second.next()).toMatchObject({
        id: null,
        error: { code: -32000, data: { code: 'CB_ERR_CAPACITY', active_sessions: 1, max_sessions: 1 } },
      });
      expect(await second.closed).toBe(1000);
      first.ws.close();
      await first.closed;
    } finally {
      await small.app.close();
    }
  });
});
