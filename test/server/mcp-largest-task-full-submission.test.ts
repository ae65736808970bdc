/**
 * The largest task's full data submitted as rows, as data_jsonl and as row_ids over /mcp (the official MCP
 * client on a real socket, and OpenEnv JSON-RPC sessions) is judged exactly as in-process.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InProcessEnv } from '../../src/env/in-process.js';
import { solve } from '../../src/agents/solver.js';
import type { EnvConnection, ToolReply } from '../../src/env/connection.js';
import { type Json, type McpTestApp, mcpTestApp, rpc, tasks } from './mcp-test-app.js';

let t: McpTestApp;
let base: string;
beforeAll(async () => {
  t = await mcpTestApp();
  base = `${await t.app.listen({ port: 0, host: '127.0.0.1' })}/mcp`;
});
afterAll(async () => {
  await t.app.close();
});

const catalog = tasks();
const largest = [...catalog.ids].sort(
  (a, b) => catalog.resolve(b).rows.max - catalog.resolve(a).rows.max,
)[0]!;
const seed = 21;
const formats = ['rows', 'data_jsonl', 'row_ids'] as const;

/** An EnvConnection over one tool-calling function; remembers the submit result. */
function connection(
  callTool: (name: string, args: Record<string, unknown>) => Promise<{ value: Json; isError: boolean }>,
) {
  const seen = { final: null as Json, sizes: [] as number[] };
  const env: EnvConnection = {
    reset: async () => ({}),
    close: async () => {},
    callTool: async (name, args): Promise<ToolReply> => {
      if (name === 'submit_results') seen.sizes.push(JSON.stringify(args).length);
      const r = await callTool(name, args);
      if (name === 'submit_results' && !r.isError) seen.final = r.value;
      return r.isError
        ? { value: null, error: r.value.error, done: false, reward: null }
        : { value: r.value, error: null, done: r.value.done === true, reward: r.value.reward ?? null };
    },
  };
  return { env, seen };
}

async function inProcess(as: (typeof formats)[number]) {
  const local = new InProcessEnv(catalog);
  await local.reset({ task_id: largest, seed });
  await solve(local, { submitAs: as });
  return JSON.parse(JSON.stringify(local.current!.breakdown));
}

describe(`the largest task (${largest}) submitted in full over /mcp`, () => {
  for (const as of formats) {
    test(`as ${as}: the MCP SDK client and OpenEnv JSON-RPC give the in-process breakdown (score 100)`, async () => {
      const expected = await inProcess(as);
      expect(expected.score).toBe(100);

      const client = new Client({ name: 'largest', version: '0' });
      const transport = new StreamableHTTPClientTransport(new URL(`${base}?task_id=${largest}&seed=${seed}`));
      await client.connect(transport);
      const sdk = connection(async (name, args) => {
        const r = await client.callTool({ name, arguments: args });
        return { value: r.structuredContent, isError: r.isError === true };
      });
      await solve(sdk.env, { submitAs: as });
      await transport.terminateSession();
      await client.close();
      expect(sdk.seen.final.breakdown).toEqual(expected);

      const created = await rpc(t.app, {
        jsonrpc: '2.0',
        id: 1,
        method: 'openenv/session/create',
        params: { task_id: largest, seed },
      });
      const session_id = created.body!.result.session_id;
      let id = 2;
      const openenv = connection(async (name, args) => {
        const r = await rpc(t.app, {
          jsonrpc: '2.0',
          id: id++,
          method: 'tools/call',
          params: { name, arguments: args, session_id },
        });
        expect(r.status).toBe(200);
        return { value: r.body!.result.data, isError: r.body!.result.is_error };
      });
      await solve(openenv.env, { submitAs: as });
      expect(openenv.seen.final.breakdown).toEqual(expected);
      if (as !== 'row_ids') expect(Math.min(...openenv.seen.sizes)).toBeGreaterThan(500_000);
    });
  }
});
