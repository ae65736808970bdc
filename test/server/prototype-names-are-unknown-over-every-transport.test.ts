/**
 * Names every plain object inherits (`constructor`, `__proto__`, `toString`, `hasOwnProperty`, `valueOf`),
 * sent wherever a client names something: task ids, profiles, result formats, action and message types,
 * tool names, tool argument keys, JSON-RPC methods, episode ids in a query or a path, episode tokens. Over HTTP (app.inject), /ws
 * (a real ws client) and /mcp (OpenEnv JSON-RPC and a standard MCP session), each gets a typed error, the
 * server keeps answering /health, and Object.prototype is untouched.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { type Json, listen, testConfig, WsProbe } from './helpers.js';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const JSONRPC_METHOD_NOT_FOUND = -32601;

/** Object.prototype's own properties and their values, to compare by identity. */
const snapshot = () =>
  Object.getOwnPropertyNames(Object.prototype).map(
    (n) => [n, Object.getOwnPropertyDescriptor(Object.prototype, n)?.value] as const,
  );
const before = snapshot();

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = buildApp(testConfig({ ENABLE_WEB_INTERFACE: true }));
  base = await listen(app);
});
afterAll(async () => {
  await app.close();
  expect(snapshot()).toEqual(before);
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (res.body === '' ? undefined : res.json()) as Json,
  };
}

async function healthy(): Promise<void> {
  const res = await app.inject({ method: 'GET', url: '/health' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ status: 'healthy' });
}

/**
 * The tool failure an OpenEnv call_tool observation reports: `error.error_type` for a tool the server does
 * not have (upstream's shape), else the catalogue code of an is_error result.
 */
const toolFailure = (observation: Json): string =>
  observation.error?.error_type ?? observation.result?.data?.error?.code ?? 'no failure';

/** A fresh HTTP episode: its id and the X-Episode-Token header that opens it. */
async function httpEpisode(): Promise<{ id: string; auth: Record<string, string> }> {
  const r = await post('/reset', { task_id: 'T1_single_page', seed: 1 });
  expect(r.status).toBe(200);
  return { id: r.body.observation.episode_id, auth: { 'x-episode-token': r.body.episode_token } };
}

/** The official MCP client on a standard session of /mcp (query: the session's episode). */
async function mcpClient(query: string): Promise<Client> {
  const client = new Client({ name: 'prototype-names-test', version: '0.0.0' });
  const http = base.replace(/^ws/, 'http');
  await client.connect(new StreamableHTTPClientTransport(new URL(`${http}/mcp?${query}`)));
  return client;
}

describe('names inherited from Object.prototype are unknown values on every transport', () => {
  for (const name of NAMES) {
    const q = encodeURIComponent(name);

    it(`'${name}' over HTTP (/reset, /step, /state, /web)`, async () => {
      const task = await post('/reset', { task_id: name });
      expect([task.status, task.body.error.code]).toEqual([404, 'CB_ERR_UNKNOWN_TASK']);
      const profile = await post('/reset', { task_id: 'T7_totals_trap', profile: name });
      expect(profile.body.error.code).toBe('CB_ERR_UNKNOWN_PROFILE');
      expect(profile.status).toBeGreaterThanOrEqual(400);
      const format = await post('/reset', { result_format: name });
      expect([format.status, format.body.error.code]).toEqual([422, 'CB_ERR_VALIDATION']);

      const { id, auth } = await httpEpisode();
      const type = await post('/step', { episode_id: id, action: { type: name } }, auth);
      expect([type.status, type.body.error.code]).toEqual([422, 'CB_ERR_VALIDATION']);
      const tool = await post(
        '/step',
        { episode_id: id, action: { type: 'call_tool', tool_name: name } },
        auth,
      );
      expect(tool.status).toBe(200);
      expect(toolFailure(tool.body.observation)).toBe('tool_not_found');
      expect(tool.body.observation.error.message).toContain(`unknown tool '${name}'`);
      // As a key of tool arguments, written in the JSON text (an own key once parsed).
      const argKey = `{"episode_id":${JSON.stringify(id)},"action":{"type":"call_tool","tool_name":"fetch_page","arguments":{"page":1,${JSON.stringify(name)}:{"page":2}}}}`;
      const arg = await post('/step', argKey, auth);
      if (arg.status === 200) {
        expect(toolFailure(arg.body.observation)).toBe('CB_ERR_INVALID_ARGUMENT');
      } else {
        expect(arg.status).toBe(400); // the JSON parser refuses prototype-poisoning keys
        expect(arg.body.error.code).toMatch(/^CB_ERR_/);
      }
      const state = await app.inject({ method: 'GET', url: `/state?episode_id=${q}`, headers: auth });
      expect([state.statusCode, state.json().error.code]).toEqual([404, 'CB_ERR_EPISODE_NOT_FOUND']);
      const asToken = await app.inject({
        method: 'GET',
        url: '/state',
        headers: { 'x-episode-token': name },
      });
      expect([asToken.statusCode, asToken.json().error.code]).toEqual([404, 'CB_ERR_EPISODE_NOT_FOUND']);
      const del = await app.inject({ method: 'DELETE', url: `/episodes/${q}`, headers: auth });
      expect([del.statusCode, del.json().error.code]).toEqual([404, 'CB_ERR_EPISODE_NOT_FOUND']);

      const web = await post('/web/reset', { task_id: name });
      expect(web.body.error.code).toBe('CB_ERR_UNKNOWN_TASK');
      const webProfile = await post('/web/reset', { profile: name });
      expect(webProfile.body.error.code).toBe('CB_ERR_UNKNOWN_PROFILE');
      await healthy();
    });

    it(`'${name}' over /ws (message types, reset data, actions, mcp frames)`, async () => {
      const ws = await WsProbe.open(base);
      try {
        const unknownType = await ws.ask({ type: name });
        expect(unknownType.type).toBe('error');
        expect(unknownType.data.code).toBe('UNKNOWN_TYPE');
        const task = await ws.ask({ type: 'reset', data: { task_id: name } });
        expect([task.type, task.data.cb_code]).toEqual(['error', 'CB_ERR_UNKNOWN_TASK']);
        const profile = await ws.ask({ type: 'reset', data: { profile: name } });
        expect([profile.type, profile.data.cb_code]).toEqual(['error', 'CB_ERR_UNKNOWN_PROFILE']);
        const format = await ws.ask({ type: 'reset', data: { result_format: name } });
        expect([format.type, format.data.cb_code]).toEqual(['error', 'CB_ERR_VALIDATION']);

        expect((await ws.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 2 } })).type).toBe(
          'observation',
        );
        const action = await ws.ask({ type: 'step', data: { type: name } });
        expect([action.type, action.data.cb_code]).toEqual(['error', 'CB_ERR_VALIDATION']);
        const tool = await ws.ask({ type: 'step', data: { type: 'call_tool', tool_name: name } });
        expect(tool.type).toBe('observation');
        expect(toolFailure(tool.data.observation)).toBe('tool_not_found');
        // The name as a key in the frame's JSON text (an own key once parsed).
        ws.send(`{"type":"step","data":{${JSON.stringify(name)}:{"type":"list_tools"}}}`);
        const keyed = await ws.next();
        expect([keyed.type, keyed.data.cb_code]).toEqual(['error', 'CB_ERR_VALIDATION']);

        const method = await ws.ask({ type: 'mcp', data: { jsonrpc: '2.0', id: 1, method: name } });
        expect(method.data.error.code).toBe(JSONRPC_METHOD_NOT_FOUND);
        const call = await ws.ask({
          type: 'mcp',
          data: { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: {} } },
        });
        expect(call.data.error.data.code).toBe('CB_ERR_UNKNOWN_TOOL');
        // The session still works.
        const info = await ws.ask({ type: 'step', data: { type: 'call_tool', tool_name: 'get_task_info' } });
        expect(info.data.observation.result.is_error).toBe(false);
      } finally {
        ws.socket.close();
      }
      await healthy();
    });

    it(`'${name}' over /mcp (OpenEnv JSON-RPC methods, session params and tool names)`, async () => {
      const method = await post('/mcp', { jsonrpc: '2.0', id: 1, method: name, params: {} });
      expect(method.status).toBe(200);
      expect(method.body.error.code).toBe(JSONRPC_METHOD_NOT_FOUND);
      const create = (params: Record<string, unknown>) =>
        post('/mcp', { jsonrpc: '2.0', id: 2, method: 'openenv/session/create', params });
      expect((await create({ task_id: name })).body.error.data.code).toBe('CB_ERR_UNKNOWN_TASK');
      expect((await create({ profile: name })).body.error.data.code).toBe('CB_ERR_UNKNOWN_PROFILE');
      const session = (await create({ task_id: 'T1_single_page', seed: 3 })).body.result.session_id as string;
      const call = await post('/mcp', {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { session_id: session, name, arguments: {} },
      });
      expect(call.body.error.data.code).toBe('CB_ERR_UNKNOWN_TOOL');
      const close = await post('/mcp', {
        jsonrpc: '2.0',
        id: 4,
        method: 'openenv/session/close',
        params: { session_id: name },
      });
      expect(close.body.error.data.code).toMatch(/^CB_ERR_/);
      await healthy();
    });

    it(`'${name}' over a standard MCP session (the official client: initialize params, tool names)`, async () => {
      await expect(mcpClient(`task_id=${q}`)).rejects.toThrow(/unknown task_id/);
      await expect(mcpClient(`task_id=T7_totals_trap&profile=${q}`)).rejects.toThrow(/has no profile/);
      const client = await mcpClient('task_id=T1_single_page&seed=4');
      try {
        // Unknown to the session as to the core, never a hit on the SDK's tool table ("Tool ... disabled").
        const call = client.callTool({ name, arguments: {} });
        await expect(call).rejects.toThrow(/CB_ERR_UNKNOWN_TOOL|Unknown tool/);
        const info = await client.callTool({ name: 'get_task_info', arguments: {} });
        expect(info.isError).toBe(false);
      } finally {
        await client.close();
      }
      await healthy();
    });
  }
});
