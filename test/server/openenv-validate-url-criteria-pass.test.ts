/**
 * Every check of OpenEnv's `openenv validate --url`, in its order and with its exact pass conditions
 * (/openapi.json info.version, /health, /metadata, /schema, `POST /mcp {}` answered 200, and the HTTP
 * routes of simulation mode; docs/protocol.md), against a listening server over real HTTP.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig } from './helpers.js';

const app = buildApp(testConfig(), { catalog });
let http = '';
beforeAll(async () => {
  http = (await listen(app)).replace('ws://', 'http://');
});
afterAll(() => app.close());

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const get = async (path: string) => {
  const r = await fetch(`${http}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: r.status, body: (await r.json()) as unknown };
};

let paths: Record<string, unknown> | undefined;

it('1. openapi_version_available: 200, an object, info an object, info.version a string ("openenv-http/1.x")', async () => {
  const r = await get('/openapi.json');
  expect(r.status).toBe(200);
  expect(isObject(r.body)).toBe(true);
  const doc = r.body as { info: unknown; paths: Record<string, unknown> };
  expect(isObject(doc.info)).toBe(true);
  const version = (doc.info as { version: unknown }).version;
  expect(typeof version).toBe('string');
  expect((version as string).startsWith('1.')).toBe(true);
  paths = doc.paths;
});

it('2. health_endpoint: 200 and status == "healthy"', async () => {
  const r = await get('/health');
  expect(r.status).toBe(200);
  expect(isObject(r.body) && r.body.status === 'healthy').toBe(true);
});

it('3. metadata_endpoint: 200, name and description strings', async () => {
  const r = await get('/metadata');
  expect(r.status).toBe(200);
  const m = r.body as Record<string, unknown>;
  expect(typeof m.name).toBe('string');
  expect(typeof m.description).toBe('string');
});

it('4. schema_endpoint: 200, action, observation and state JSON objects', async () => {
  const r = await get('/schema');
  expect(r.status).toBe(200);
  const s = r.body as Record<string, unknown>;
  for (const k of ['action', 'observation', 'state']) expect(isObject(s[k]), k).toBe(true);
});

it('5. mcp_endpoint: POST /mcp {} answers HTTP 200 with a JSON-RPC 2.0 object', async () => {
  const r = await fetch(`${http}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(5000),
  });
  expect(r.status).toBe(200);
  const body = (await r.json()) as Record<string, unknown>;
  expect(isObject(body)).toBe(true);
  expect(body.jsonrpc).toBe('2.0');
});

it('6. mode_endpoint_consistency: /reset present (simulation mode) so /step and /state are present too', () => {
  expect(isObject(paths) && Object.keys(paths!).length > 0).toBe(true);
  expect(Object.keys(paths!)).toContain('/reset');
  expect(Object.keys(paths!)).toContain('/step');
  expect(Object.keys(paths!)).toContain('/state');
});
