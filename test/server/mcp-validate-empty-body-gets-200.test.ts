/**
 * `openenv validate` posts `{}` to /mcp and needs HTTP 200 with a JSON-RPC body; any unreadable body is a
 * JSON-RPC error at HTTP 200 too, never a 4xx from the MCP transport or a 415 from the framework.
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

describe('POST /mcp with what openenv validate and careless clients send', () => {
  test('{} gets HTTP 200, application/json, jsonrpc 2.0 and an invalid-request error with id null', async () => {
    const r = await rpc(t.app, {});
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(r.body!.error.message).toMatch(/^Invalid request: /);
    expect(Object.keys(r.body!).sort()).toEqual(['error', 'id', 'jsonrpc']);
  });

  test('a body that is not JSON is a -32700 parse error at HTTP 200', async () => {
    const r = await rpc(t.app, '{"jsonrpc": "2.0", "method": ');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error', data: null },
    });
  });

  test('an empty body is a parse error at HTTP 200', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
  });

  test('any content type (or none) is read as JSON: text/plain works, no 415', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    for (const headers of [{ 'content-type': 'text/plain' }, {}]) {
      const res = await t.app.inject({ method: 'POST', url: '/mcp', headers, payload: body });
      expect(res.statusCode).toBe(200);
      expect(res.json().result.tools).toHaveLength(3);
    }
  });

  test('an accept header asking for SSE does not turn OpenEnv JSON-RPC into an MCP transport error', async () => {
    const r = await rpc(t.app, {}, { accept: 'application/json, text/event-stream' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
  });

  test('arrays, scalars and null are invalid requests, at HTTP 200', async () => {
    for (const body of [
      '[]',
      '[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]',
      '42',
      '"tools/list"',
      'null',
      'true',
    ]) {
      const r = await rpc(t.app, body);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    }
  });
});
