/**
 * Per-client caps (off by default): MAX_EPISODES_PER_CLIENT live sessions across HTTP, /web, /ws and MCP,
 * and MAX_RESETS_PER_MINUTE resets over a sliding minute. Hitting either is a typed 429
 * CB_ERR_CLIENT_LIMIT naming the limit and its value, with retry_after_s (and Retry-After on HTTP; a
 * CAPACITY_REACHED frame on /ws; a JSON-RPC error on /mcp). The client is the remote address, or with
 * TRUST_PROXY the first X-Forwarded-For address that is not a trusted proxy; other clients are not
 * affected, and the counters of idle clients are forgotten. Time is the store's fake clock.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { type Config, loadConfig, trustProxyOf } from '../../src/config.js';
import { SessionStore } from '../../src/env/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { clientKeyOf } from '../../src/server/plugins/clients.js';
import { call, catalog, expectError, httpReset, type Json, listen, testConfig, WsProbe } from './helpers.js';

const HTTP_MS = 60_000;
const WS_MS = 600_000;

interface Harness {
  app: FastifyInstance;
  store: SessionStore;
  base: string;
  advance: (ms: number) => void;
}

const open: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
  vi.useRealTimers();
});

/** An app whose store and rate windows read a fake clock; advance() moves it and runs housekeeping. */
async function harness(over: Partial<Config>): Promise<Harness> {
  let now = 10_000_000;
  const config = testConfig({ ENABLE_WEB_INTERFACE: true, TRUST_PROXY: 'loopback', ...over });
  const store = new SessionStore({
    catalog,
    capacity: 64,
    idleTimeoutMs: WS_MS,
    httpIdleTimeoutMs: HTTP_MS,
    maxSessionsPerClient: config.MAX_EPISODES_PER_CLIENT,
    now: () => now,
  });
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const app = buildApp(config, { store });
  open.push(app);
  const base = await listen(app);
  return {
    app,
    store,
    base,
    advance: (ms) => {
      now += ms;
      vi.advanceTimersByTime(store.reapEveryMs);
    },
  };
}

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const A = from('203.0.113.1');
const B = from('203.0.113.2');

function expectLimit(details: Json, limit: string, value: number, client: string): void {
  expect(details).toMatchObject({ limit, value, client });
  expect(details.retry_after_s).toBeGreaterThanOrEqual(1);
}

/** The first frame a WebSocket gets, and how it closes. */
async function firstFrameAndClose(url: string, headers: Record<string, string>) {
  const socket = new WebSocket(url, { headers });
  const frame = new Promise<Json>((r) => socket.once('message', (d) => r(JSON.parse(d.toString()))));
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    socket.once('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  return { frame: await frame, closed: await closed };
}

describe('MAX_EPISODES_PER_CLIENT', () => {
  it('caps one client across HTTP, /web, /ws and MCP with a typed 429, and leaves other clients alone', async () => {
    const h = await harness({ MAX_EPISODES_PER_CLIENT: 3 });
    const http = await httpReset(h.app, { task_id: 'T1_single_page', seed: 1 }, '/reset', A);
    await httpReset(h.app, { task_id: 'T1_single_page', seed: 2 }, '/web/reset', A);
    const ws = await WsProbe.open(h.base, { headers: A });
    expect((await ws.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 3 } })).type).toBe(
      'observation',
    );

    // HTTP: 429, Retry-After, the limit and its value named; the first episode to time out is the HTTP one.
    const over = await call(h.app, 'POST', '/reset', {}, A);
    expectError(over, 429, 'CB_ERR_CLIENT_LIMIT');
    expectLimit(over.body.error, 'MAX_EPISODES_PER_CLIENT', 3, '203.0.113.1');
    expect(over.body.error.retry_after_s).toBe(HTTP_MS / 1000);
    expect(over.headers['retry-after']).toBe(String(HTTP_MS / 1000));
    expect(over.body.error.message).toContain('MAX_EPISODES_PER_CLIENT is 3');
    expectError(await call(h.app, 'POST', '/web/reset', {}, A), 429, 'CB_ERR_CLIENT_LIMIT');

    // /ws: CAPACITY_REACHED naming the limit, then close.
    const refused = await firstFrameAndClose(`${h.base}/ws`, A);
    expect(refused.frame).toMatchObject({
      type: 'error',
      data: {
        code: 'CAPACITY_REACHED',
        cb_code: 'CB_ERR_CLIENT_LIMIT',
        limit: 'MAX_EPISODES_PER_CLIENT',
        value: 3,
      },
    });
    expect(refused.closed).toEqual({ code: 1000, reason: 'client limit' });
    // WS /mcp: -32000 with the limit, then close.
    const wsMcp = await firstFrameAndClose(`${h.base}/mcp?task_id=T1_single_page`, A);
    expect(wsMcp.frame.error).toMatchObject({
      code: -32000,
      data: { code: 'CB_ERR_CLIENT_LIMIT', value: 3 },
    });
    // POST /mcp: OpenEnv JSON-RPC (HTTP 200) and the MCP SDK client's initialize.
    const rpc = await call(
      h.app,
      'POST',
      '/mcp',
      { jsonrpc: '2.0', id: 7, method: 'openenv/session/create', params: {} },
      A,
    );
    expect(rpc.status).toBe(200);
    expect(rpc.body.error).toMatchObject({
      code: -32000,
      data: { code: 'CB_ERR_CLIENT_LIMIT', limit: 'MAX_EPISODES_PER_CLIENT' },
    });
    const sdk = new Client({ name: 'caps-test', version: '0.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${h.base.replace(/^ws/, 'http')}/mcp`), {
      requestInit: { headers: A },
    });
    await expect(sdk.connect(transport)).rejects.toThrow(/MAX_EPISODES_PER_CLIENT is 3/);

    // Another client is not affected.
    const other = await httpReset(h.app, {}, '/reset', B);
    expect(h.store.size).toBe(4);

    // Ending one of A's episodes frees one of A's places at once.
    expect((await call(h.app, 'DELETE', `/episodes/${http.id}`, undefined, http.auth)).status).toBe(204);
    const again = await httpReset(h.app, { task_id: 'T1_single_page', seed: 4 }, '/reset', A);
    expectError(await call(h.app, 'POST', '/reset', {}, A), 429, 'CB_ERR_CLIENT_LIMIT');
    // A reset that replaces the caller's own episode (its X-Episode-Token) fits within the cap.
    await httpReset(h.app, { task_id: 'T2_multi_page', seed: 5 }, '/reset', { ...A, ...again.auth });
    ws.socket.close();
    await call(h.app, 'DELETE', `/episodes/${other.id}`, undefined, other.auth);
  });

  it('is off by default: one client holds as many sessions as capacity allows', async () => {
    const h = await harness({});
    for (let i = 0; i < 12; i++) await httpReset(h.app, { seed: i }, '/reset', A);
    expect(h.store.size).toBe(12);
  });
});

describe('MAX_RESETS_PER_MINUTE', () => {
  it("counts every transport's resets over a sliding minute, refuses the one too many, and admits again after it", async () => {
    const h = await harness({ MAX_RESETS_PER_MINUTE: 5 });
    const ws = await WsProbe.open(h.base, { headers: A }); // connecting is no reset
    expect((await ws.ask({ type: 'reset', data: { task_id: 'T3_duplicates', seed: 1 } })).type).toBe(
      'observation',
    );
    expect((await ws.ask({ type: 'reset', data: { task_id: 'T3_duplicates', seed: 2 } })).type).toBe(
      'observation',
    );
    const rpc = await call(
      h.app,
      'POST',
      '/mcp',
      { jsonrpc: '2.0', id: 1, method: 'openenv/session/create', params: {} },
      A,
    );
    expect(rpc.body.result.session_id).toBeTypeOf('string');
    const first = await httpReset(h.app, {}, '/reset', A);
    h.advance(20_000);
    await httpReset(h.app, {}, '/web/reset', A);

    const over = await call(h.app, 'POST', '/reset', {}, A);
    expectError(over, 429, 'CB_ERR_CLIENT_LIMIT');
    expectLimit(over.body.error, 'MAX_RESETS_PER_MINUTE', 5, '203.0.113.1');
    expect(over.body.error.retry_after_s).toBe(40);
    expect(over.headers['retry-after']).toBe('40');
    // On /ws the refused reset is an error frame; the socket and its episode stay as they were.
    const wsOver = await ws.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 9 } });
    expect(wsOver).toMatchObject({
      type: 'error',
      data: {
        code: 'CAPACITY_REACHED',
        cb_code: 'CB_ERR_CLIENT_LIMIT',
        limit: 'MAX_RESETS_PER_MINUTE',
        value: 5,
      },
    });
    expect((await ws.ask({ type: 'state' })).data).toMatchObject({
      task_id: 'T3_duplicates',
      seed: 2,
      done: false,
    });
    // Refused resets are not counted; stepping is not limited; other clients are not affected.
    expect((await call(h.app, 'GET', '/state', undefined, first.auth)).status).toBe(200);
    await httpReset(h.app, {}, '/reset', B);

    h.advance(40_000); // the first four resets leave the window
    for (let i = 0; i < 4; i++) await httpReset(h.app, { seed: i }, '/reset', A);
    expectError(await call(h.app, 'POST', '/reset', {}, A), 429, 'CB_ERR_CLIENT_LIMIT');
    ws.socket.close();
  });

  it('forgets the counters of clients idle for a minute, so memory is bounded by recent clients', async () => {
    const h = await harness({ MAX_RESETS_PER_MINUTE: 2 });
    for (let i = 0; i < 50; i++) {
      const e = await httpReset(h.app, {}, '/reset', from(`198.51.100.${i}`));
      await call(h.app, 'DELETE', `/episodes/${e.id}`, undefined, e.auth);
    }
    expect(h.app.resetWindows?.size).toBe(50);
    h.advance(30_000);
    expect(h.app.resetWindows?.size).toBe(50);
    h.advance(31_000);
    expect(h.app.resetWindows?.size).toBe(0);
    expect(h.store.stats().clients).toBe(0);
  });
});

describe('who the client is', () => {
  it('without TRUST_PROXY, X-Forwarded-For is ignored: every request from one address is one client', async () => {
    const h = await harness({ MAX_EPISODES_PER_CLIENT: 1, TRUST_PROXY: '' });
    await httpReset(h.app, {}, '/reset', A);
    const over = await call(h.app, 'POST', '/reset', {}, B);
    expectError(over, 429, 'CB_ERR_CLIENT_LIMIT');
    expect(over.body.error.client).toBe('127.0.0.1');
  });

  it('with TRUST_PROXY, the client is the first forwarded address that is not a trusted proxy (a forged entry does not help)', async () => {
    const h = await harness({ MAX_EPISODES_PER_CLIENT: 1 });
    await httpReset(h.app, {}, '/reset', from('203.0.113.7'));
    const forged = await call(h.app, 'POST', '/reset', {}, from('192.0.2.50, 203.0.113.7'));
    expectError(forged, 429, 'CB_ERR_CLIENT_LIMIT');
    expect(forged.body.error.client).toBe('203.0.113.7');
  });

  it('TRUST_PROXY, MAX_EPISODES_PER_CLIENT and MAX_RESETS_PER_MINUTE: off by default, checked at start naming the variable', () => {
    const d = loadConfig({});
    expect([d.TRUST_PROXY, d.MAX_EPISODES_PER_CLIENT, d.MAX_RESETS_PER_MINUTE]).toEqual(['', 0, 0]);
    expect(trustProxyOf('')).toBe(false);
    expect(trustProxyOf('false')).toBe(false);
    expect(trustProxyOf('true')).toBe(true);
    expect(trustProxyOf('loopback, 10.0.0.0/8 ,::1')).toEqual(['loopback', '10.0.0.0/8', '::1']);
    expect(
      loadConfig({ TRUST_PROXY: 'loopback,linklocal,uniquelocal,192.0.2.1,fd00::/8' }).TRUST_PROXY,
    ).toBeTruthy();
    for (const bad of ['2', 'proxy.example', '10.0.0.0/33', '1.2.3.4/8/8'])
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ MAX_EPISODES_PER_CLIENT: '-1' })).toThrow(/MAX_EPISODES_PER_CLIENT/);
    expect(() => loadConfig({ MAX_RESETS_PER_MINUTE: '1.5' })).toThrow(/MAX_RESETS_PER_MINUTE/);
  });

  it('clientKeyOf: IPv4 as is (also IPv4-mapped), IPv6 by its /64, anything else as bounded text', () => {
    expect(clientKeyOf('203.0.113.1')).toBe('203.0.113.1');
    expect(clientKeyOf('::ffff:203.0.113.1')).toBe('203.0.113.1');
    expect(clientKeyOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(clientKeyOf('x'.repeat(500))).toHaveLength(64);
  });
});
