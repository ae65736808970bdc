/**
 * The MCP SDK's localhost-only Host guard would refuse Docker and HF Space traffic, so /mcp honours
 * MCP_ALLOWED_HOSTS instead: empty allows any Host; a list refuses other hosts with 403 (JSON-RPC body).
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, test } from 'vitest';
import { allowedHosts } from '../../src/server/routes/mcp.js';
import { mcpTestApp, rpc } from './mcp-test-app.js';

const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'host-test', version: '0' },
  },
};

describe('Host header guard', () => {
  test('MCP_ALLOWED_HOSTS empty (the default): a non-localhost Host is served, OpenEnv and MCP alike', async () => {
    const { app } = await mcpTestApp();
    try {
      for (const host of ['my-space.hf.space', 'comtradebench:8000', '10.0.0.7:8000']) {
        const r = await rpc(app, list, { host });
        expect(r.status).toBe(200);
        expect(r.body!.result.tools).toHaveLength(3);
        const init = await rpc(app, initialize, { host, accept: 'application/json, text/event-stream' });
        expect(init.status).toBe(200);
        expect(init.headers['mcp-session-id']).toBeTypeOf('string');
      }
    } finally {
      await app.close();
    }
  });

  test('MCP_ALLOWED_HOSTS set: listed hosts pass (port ignored, case-insensitive), others get 403 with a JSON-RPC body', async () => {
    const { app, store } = await mcpTestApp({ MCP_ALLOWED_HOSTS: 'localhost, My-Space.hf.space' });
    try {
      expect((await rpc(app, list, { host: 'localhost:8000' })).status).toBe(200);
      expect((await rpc(app, list, { host: 'my-space.hf.space' })).status).toBe(200);
      for (const payload of [list, initialize, {}]) {
        const r = await rpc(app, payload, { host: 'evil.example:8000' });
        expect(r.status).toBe(403);
        expect(r.body).toMatchObject({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32000, data: { code: 'CB_ERR_HOST_NOT_ALLOWED' } },
        });
        expect(r.body!.error.message).toMatch(/MCP_ALLOWED_HOSTS/);
      }
      expect(store.size).toBe(0);
    } finally {
      await app.close();
    }
  });

  test('the official client is refused when its host is not listed, and connects when it is', async () => {
    for (const [allowed, ok] of [
      ['localhost', false],
      ['localhost,127.0.0.1', true],
    ] as const) {
      const { app } = await mcpTestApp({ MCP_ALLOWED_HOSTS: allowed });
      try {
        const address = await app.listen({ port: 0, host: '127.0.0.1' });
        const client = new Client({ name: 'host-test', version: '0' });
        const transport = new StreamableHTTPClientTransport(new URL(`${address}/mcp`));
        if (ok) {
          await client.connect(transport);
          expect((await client.listTools()).tools).toHaveLength(3);
          await transport.terminateSession();
        } else {
          await expect(client.connect(transport)).rejects.toThrow(/403|Forbidden/);
        }
        await client.close();
      } finally {
        await app.close();
      }
    }
  });

  test('allowedHosts parses the comma-separated list', () => {
    expect(allowedHosts('')).toEqual([]);
    expect(allowedHosts(' A.example , ,localhost ')).toEqual(['a.example', 'localhost']);
  });
});
