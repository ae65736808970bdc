/**
 * API_KEY (off by default): when set, every route needs `Authorization: Bearer <API_KEY>` (compared in
 * constant time) or gets a typed 401 CB_ERR_UNAUTHORIZED with WWW-Authenticate: the HTTP routes, the /web
 * page's JSON routes, POST /mcp (a JSON-RPC body) and the WebSocket upgrades of /ws and /mcp (refused
 * before upgrading). /health, the /web page itself and the docs stay open. With the key, every client
 * works as before: HTTP, /ws, WS /mcp, the official MCP client and `comtradebench run --url` (the key from
 * $COMTRADEBENCH_API_KEY; without it, an error naming the variable).
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { runCli } from '../../src/cli/program.js';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/server/app.js';
import { bearerToken } from '../../src/server/plugins/api-key.js';
import { captureIo } from '../eval/helpers.js';
import { call, catalog, expectError, httpReset, listen, testConfig, WsProbe } from './helpers.js';

const KEY = 'k3y-0f-at-least-16-chars';
const app = buildApp(testConfig({ API_KEY: KEY, ENABLE_WEB_INTERFACE: true }), { catalog });
let base = '';
beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

const auth = { authorization: `Bearer ${KEY}` };
const wrong = { authorization: 'Bearer not-the-key-at-all' };

/** The HTTP status a WebSocket upgrade got: 101 when it opened, else the refusal's. */
function upgrade(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${base}${path}`, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('error', (e) => {
      const refused = /Unexpected server response: (\d+)/.exec(e.message);
      if (refused === null) reject(e);
      else resolve(Number(refused[1]));
    });
  });
}

describe('without the key', () => {
  it('every API route answers 401 CB_ERR_UNAUTHORIZED with WWW-Authenticate, a missing and a wrong key alike', async () => {
    const routes: Array<['GET' | 'POST' | 'DELETE', string, unknown?]> = [
      ['POST', '/reset', {}],
      ['POST', '/step', { action: { type: 'list_tools' } }],
      ['GET', '/state'],
      ['DELETE', '/episodes/x'],
      ['GET', '/schema'],
      ['GET', '/metadata'],
      ['GET', '/tasks'],
      ['POST', '/web/reset', {}],
      ['POST', '/web/step', { action: { type: 'list_tools' } }],
      ['GET', '/web/state'],
      ['GET', '/web/metadata'],
      ['GET', '/no/such/route'],
    ];
    for (const headers of [{}, wrong, { authorization: KEY }, { authorization: `Basic ${KEY}` }]) {
      for (const [method, url, body] of routes) {
        const r = await call(app, method, url, body, headers);
        expectError(r, 401, 'CB_ERR_UNAUTHORIZED');
        expect(r.headers['www-authenticate'], `${method} ${url}`).toBe('Bearer realm="comtradebench"');
      }
    }
    const missing = await call(app, 'POST', '/reset', {});
    expect(missing.body.error.message).toContain('Authorization: Bearer <API_KEY>');
    expect(JSON.stringify(missing.body)).not.toContain(KEY);
  });

  it('POST /mcp answers a JSON-RPC error with status 401, and the /ws and /mcp upgrades are refused with 401', async () => {
    for (const body of [{}, { jsonrpc: '2.0', id: 1, method: 'tools/list' }]) {
      const r = await call(app, 'POST', '/mcp', body);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({
        jsonrpc: '2.0',
        error: { code: -32000, data: { code: 'CB_ERR_UNAUTHORIZED' } },
      });
    }
    expect(await upgrade('/ws', {})).toBe(401);
    expect(await upgrade('/ws', wrong)).toBe(401);
    expect(await upgrade('/mcp?task_id=T1_single_page', {})).toBe(401);
    expect(app.store.size).toBe(0);
  });

  it('a refused upgrade is answered and its connection ended by the server, so it neither leaks nor holds up shutdown', async () => {
    const port = Number(new URL(base).port);
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (d) => (reply += d.toString()));
    const ended = new Promise<void>((r) => socket.once('end', () => r()));
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await ended; // the server ends it; without that, the test times out
    expect(reply).toMatch(/^HTTP\/1.1 401 /);
    expect(reply).toContain('CB_ERR_UNAUTHORIZED');
    socket.destroy();
  });

  it('/health, the /web page (its files too) and the docs stay open', async () => {
    expect((await call(app, 'GET', '/health')).body).toEqual({ status: 'healthy' });
    for (const url of ['/web/', '/web/app.js', '/web/style.css', '/docs/', '/openapi.json']) {
      const r = await app.inject({ method: 'GET', url });
      expect([url, r.statusCode]).toEqual([url, 200]);
    }
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(307);
  });
});

describe('with the key', () => {
  it('HTTP, /web, /ws, WS /mcp and the official MCP client work as without a key', async () => {
    const e = await httpReset(app, { task_id: 'T1_single_page', seed: 1 }, '/reset', auth);
    const step = await call(app, 'POST', '/step', { action: { type: 'list_tools' } }, { ...auth, ...e.auth });
    expect(step.status).toBe(200);
    expectError(await call(app, 'GET', '/state', undefined, e.auth), 401, 'CB_ERR_UNAUTHORIZED');
    expect((await call(app, 'DELETE', `/episodes/${e.id}`, undefined, { ...auth, ...e.auth })).status).toBe(
      204,
    );
    const w = await httpReset(app, {}, '/web/reset', auth);
    expect((await call(app, 'GET', '/web/state', undefined, { ...auth, ...w.auth })).status).toBe(200);

    const ws = await WsProbe.open(base, { headers: auth });
    expect((await ws.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 2 } })).type).toBe(
      'observation',
    );
    ws.socket.close();
    expect(await upgrade('/mcp?task_id=T1_single_page', auth)).toBe(101);

    const client = new Client({ name: 'api-key-test', version: '0.0.0' });
    const http = base.replace(/^ws/, 'http');
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${http}/mcp?task_id=T2_multi_page&seed=3`), {
        requestInit: { headers: auth },
      }),
    );
    const info = await client.callTool({ name: 'get_task_info', arguments: {} });
    expect(info.structuredContent).toMatchObject({ task_id: 'T2_multi_page', seed: 3 });
    await client.close();
    const rpc = await call(app, 'POST', '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, auth);
    expect(rpc.body.result.tools).toHaveLength(3);
  });
});

describe('comtradebench run --url', () => {
  const runOn = async (env: Record<string, string>) => {
    const io = captureIo(env);
    const args = [
      'run',
      '--agent',
      'reference',
      '--tasks',
      'T1',
      '--seeds',
      '0',
      '--url',
      base,
      '--no-progress',
    ];
    return { code: await runCli(args, io), io };
  };

  it('sends the key from $COMTRADEBENCH_API_KEY and scores the episode', async () => {
    const { code, io } = await runOn({ COMTRADEBENCH_API_KEY: KEY });
    expect(code, io.stderr).toBe(0);
    expect(io.stdout).toMatch(/T1_single_page +│ 1 +│ 100\.00/);
  });

  it('without the variable, or with a wrong key, stops with exit 1 naming the variable', async () => {
    const unset = await runOn({});
    expect(unset.code).toBe(1);
    expect(unset.io.stderr).toContain('HTTP 401; the server needs its API key');
    expect(unset.io.stderr).toContain('$COMTRADEBENCH_API_KEY, which is not set');
    const bad = await runOn({ COMTRADEBENCH_API_KEY: 'not-the-key-at-all' });
    expect(bad.code).toBe(1);
    expect(bad.io.stderr).toContain('HTTP 401; the server refused the API key');
  });
});

describe('configuration', () => {
  it('API_KEY is off by default and, when set, at least 16 characters (a shorter one fails fast naming it)', () => {
    expect(loadConfig({}).API_KEY).toBe('');
    expect(() => loadConfig({ API_KEY: 'short' })).toThrow(/API_KEY/);
  });

  it('bearerToken reads `Bearer <token>` only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    for (const h of [undefined, '', 'abc', 'Basic abc', 'Bearer', 'Bearer a b'])
      expect(bearerToken(h)).toBeUndefined();
  });
});
