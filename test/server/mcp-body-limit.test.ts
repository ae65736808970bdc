/**
 * /mcp reads bodies up to MAX_BODY_BYTES (16 MiB by default, beyond the MCP SDK's own 4 MiB default); a
 * larger body gets a clear 413 JSON-RPC error and the server keeps serving.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Json, type McpTestApp, mcpTestApp, rpc } from './mcp-test-app.js';

const MiB = 1024 * 1024;
let t: McpTestApp;
beforeAll(async () => {
  t = await mcpTestApp();
});
afterAll(async () => {
  await t.app.close();
});

const padded = (bytes: number) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(bytes) } });

describe('16 MiB body limit on /mcp', () => {
  test('the default limit is 16 MiB', () => {
    expect(t.config.MAX_BODY_BYTES).toBe(16 * MiB);
  });

  test('a 15 MiB request is served', async () => {
    const r = await rpc(t.app, padded(15 * MiB));
    expect(r.status).toBe(200);
    expect(r.body!.result.tools).toHaveLength(3);
  });

  test('a body over 16 MiB gets 413 with a JSON-RPC error naming the limit; the next request is served', async () => {
    const r = await rpc(t.app, padded(16 * MiB + 10));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { data: { code: 'CB_ERR_BODY_TOO_LARGE', max_body_bytes: 16 * MiB } },
    });
    expect(r.body!.error.message).toMatch(/16777216-byte limit/);
    expect(
      (await rpc(t.app, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).body!.result.tools,
    ).toHaveLength(3);
  });

  test('over a real socket: too large is refused, then both OpenEnv JSON-RPC and the MCP client keep working', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padded(17 * MiB),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Json).error.data.code).toBe('CB_ERR_BODY_TOO_LARGE');

    const ok = await fetch(`${address}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padded(10),
    });
    expect(((await ok.json()) as Json).result.tools).toHaveLength(3);

    // A 6 MiB tool call through the official client: more than the SDK transport's own 4 MiB default.
    const client = new Client({ name: 'size-test', version: '0' });
    const transport = new StreamableHTTPClientTransport(
      new URL(`${address}/mcp?task_id=T1_single_page&seed=1`),
    );
    await client.connect(transport);
    const big = await client.callTool({
      name: 'submit_results',
      arguments: { data_jsonl: `${'{"x":1}\n'.repeat((6 * MiB) / 8)}` },
    });
    expect(big.content).toBeDefined();
    expect(typeof big.isError).toBe('boolean');
    await transport.terminateSession();
    await client.close();
  });
});
