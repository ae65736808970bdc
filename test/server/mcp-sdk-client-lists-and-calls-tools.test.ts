/**
 * The official MCP TypeScript client (@modelcontextprotocol/client) connects to /mcp over a real port
 * with the standard Streamable HTTP handshake, lists the three tools and plays a full episode.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InProcessEnv } from '../../src/env/in-process.js';
import { solve } from '../../src/agents/solver.js';
import type { EnvConnection, ToolReply } from '../../src/env/connection.js';
import { type Json, type McpTestApp, mcpTestApp, tasks } from './mcp-test-app.js';

let t: McpTestApp;
let base: string;
beforeAll(async () => {
  t = await mcpTestApp();
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `${address}/mcp`;
});
afterAll(async () => {
  await t.app.close();
});

async function connect(url: string, headers: Record<string, string> = {}) {
  const client = new Client({ name: 'comtradebench-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  return { client, transport };
}

type Structured = Json;
async function callOk(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Structured> {
  const r = await client.callTool({ name, arguments: args });
  expect(r.isError).toBe(false);
  expect(JSON.parse((r.content as Array<{ text: string }>)[0]!.text)).toEqual(r.structuredContent);
  return r.structuredContent as Structured;
}

describe('official MCP client over Streamable HTTP', () => {
  test('handshake, tools/list with zod-derived input schemas, and a full T2_multi_page episode scoring 100', async () => {
    const { client, transport } = await connect(`${base}?task_id=T2_multi_page&seed=11`);
    expect(client.getServerVersion()?.name).toBe('comtradebench');
    expect(client.getInstructions()).toMatch(/T2_multi_page/);
    const sid = transport.sessionId!;
    expect(t.store.get(sid)?.kind).toBe('mcp');

    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name)).toEqual(['get_task_info', 'fetch_page', 'submit_results']);
    const fetchSchema = tools.find((x) => x.name === 'fetch_page')!.inputSchema as Structured;
    expect(fetchSchema.required).toBeUndefined();
    expect(Object.keys(fetchSchema.properties)).toEqual([
      'page',
      'cursor',
      'auth_token',
      'page_size',
      'wait_s',
    ]);

    const info = await callOk(client, 'get_task_info');
    expect(info).toMatchObject({ task_id: 'T2_multi_page', seed: 11 });
    expect(info.episode_id).toBe(t.store.get(sid)!.env.episode!.episodeId);

    const rows: Structured[] = [];
    const runLog: Structured[] = [];
    let page = 1;
    let totalPages = 1;
    do {
      const r = await callOk(client, 'fetch_page', { page, page_size: 500 });
      expect(r.status).toBe(200);
      totalPages = r.total_pages;
      rows.push(...r.rows);
      runLog.push({ page, status: r.status, rows: r.rows.length });
      page += 1;
    } while (page <= totalPages);
    expect(totalPages).toBeGreaterThanOrEqual(4);

    const result = await callOk(client, 'submit_results', { rows, run_log: runLog });
    expect(result).toMatchObject({
      score: 100,
      reward: 1,
      done: true,
      end_reason: 'submitted',
      task_id: 'T2_multi_page',
      seed: 11,
    });
    expect(result.breakdown).toBeTypeOf('object');

    // After the episode ends, tools answer with an is_error result naming the reason.
    const after = await client.callTool({ name: 'get_task_info', arguments: {} });
    expect(after.isError).toBe(true);
    expect((after.structuredContent as Structured).error.code).toBe('CB_ERR_EPISODE_DONE');

    await transport.terminateSession();
    expect(t.store.get(sid)).toBeUndefined();
    await client.close();
  });

  test('task and seed as X-Task-Id / X-Seed headers; tool errors are isError results', async () => {
    const { client, transport } = await connect(base, {
      'X-Task-Id': 'T4_rate_limit_429',
      'X-Seed': '3',
      'X-Profile': 'llm',
    });
    const info = await callOk(client, 'get_task_info');
    expect(info).toMatchObject({ task_id: 'T4_rate_limit_429', seed: 3, profile: 'llm' });
    const bad = await client.callTool({ name: 'fetch_page', arguments: { page: -1 } });
    expect(bad.isError).toBe(true);
    expect((bad.structuredContent as Structured).error.code).toBe('CB_ERR_INVALID_ARGUMENT');
    const none = await client.callTool({ name: 'fetch_page', arguments: {} });
    expect(none.isError).toBe(true);
    await transport.terminateSession();
    await client.close();
  });

  test('an unknown task at initialize fails the connect with the catalogue message, leaving no session', async () => {
    const before = t.store.size;
    await expect(connect(`${base}?task_id=T99_nope`)).rejects.toThrow(/unknown task_id 'T99_nope'/);
    expect(t.store.size).toBe(before);
  });

  test('the reference solver over MCP scores exactly as in-process (faulty task, same seed)', async () => {
    for (const [task, seed] of [
      ['T8_mixed_faults', 5],
      ['T6_page_drift', 2],
    ] as const) {
      const { client, transport } = await connect(`${base}?task_id=${task}&seed=${seed}`);
      let final: Structured | null = null;
      const remote: EnvConnection = {
        reset: async () => ({}),
        callTool: async (name, args): Promise<ToolReply> => {
          const r = await client.callTool({ name, arguments: args });
          const v = r.structuredContent as Structured;
          if (name === 'submit_results' && !r.isError) final = v;
          return r.isError
            ? { value: null, error: v.error, done: false, reward: null }
            : { value: v, error: null, done: false, reward: null };
        },
        close: async () => {},
      };
      await solve(remote);
      const local = new InProcessEnv(tasks());
      await local.reset({ task_id: task, seed });
      await solve(local);
      expect(final).not.toBeNull();
      expect(final!.score).toBe(local.current!.breakdown!.score);
      expect(final!.score).toBeGreaterThan(90);
      await transport.terminateSession();
      await client.close();
    }
  });

  test('a stale Mcp-Session-Id (closed through openenv/session/close) gets 404 and the client can initialize again', async () => {
    const { client, transport } = await connect(`${base}?task_id=T1_single_page&seed=1`);
    const sid = transport.sessionId!;
    const res = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'openenv/session/close',
        params: { session_id: sid },
      }),
    });
    expect(((await res.json()) as Json).result).toEqual({ session_id: sid, closed: true });
    await expect(client.listTools()).rejects.toThrow();
    await client.close();
    const again = await connect(`${base}?task_id=T1_single_page&seed=1`);
    expect((await again.client.listTools()).tools).toHaveLength(3);
    await again.transport.terminateSession();
    await again.client.close();
  });
});
