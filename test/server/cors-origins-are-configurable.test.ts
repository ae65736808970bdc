/**
 * CORS_ORIGINS (@fastify/cors): by default no CORS headers at all, so browsers allow same-origin pages
 * only; with a list, exactly those origins (or `*`) may call the server, preflights are answered before
 * the API key is asked for, and replies expose the headers a client reads (x-episode-token above all).
 */
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, testConfig } from './helpers.js';

const ALLOWED = 'https://allowed.example';
const KEY = 'k3y-0f-at-least-16-chars';
const closed = buildApp(testConfig(), { catalog });
const listed = buildApp(testConfig({ CORS_ORIGINS: `${ALLOWED}, http://localhost:3000`, API_KEY: KEY }), {
  catalog,
});
const any = buildApp(testConfig({ CORS_ORIGINS: '*' }), { catalog });
afterAll(async () => {
  for (const app of [closed, listed, any]) await app.close();
});

const preflight = (origin: string) => ({
  method: 'OPTIONS' as const,
  url: '/reset',
  headers: {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'content-type, x-episode-token, authorization',
  },
});
const reset = (origin: string, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/reset',
  headers: { origin, 'content-type': 'application/json', ...headers },
  payload: '{}',
});

it('by default, no origin gets CORS headers (same-origin only)', async () => {
  const r = await closed.inject(reset(ALLOWED));
  expect(r.statusCode).toBe(200);
  expect(r.headers['access-control-allow-origin']).toBeUndefined();
  const p = await closed.inject(preflight(ALLOWED));
  expect(p.headers['access-control-allow-origin']).toBeUndefined();
});

it('a listed origin may call (preflight answered without the API key), others get no CORS headers', async () => {
  const p = await listed.inject(preflight(ALLOWED));
  expect(p.statusCode).toBe(204);
  expect(p.headers['access-control-allow-origin']).toBe(ALLOWED);
  expect(String(p.headers['access-control-allow-methods'])).toContain('DELETE');
  expect(String(p.headers['access-control-allow-headers'])).toContain('x-episode-token');
  const r = await listed.inject(reset(ALLOWED, { authorization: `Bearer ${KEY}` }));
  expect(r.statusCode).toBe(200);
  expect(r.headers['access-control-allow-origin']).toBe(ALLOWED);
  expect(String(r.headers['access-control-expose-headers'])).toContain('x-episode-token');
  const unauthorised = await listed.inject(reset(ALLOWED));
  expect(unauthorised.statusCode).toBe(401);
  expect(unauthorised.headers['access-control-allow-origin']).toBe(ALLOWED); // the browser may read why

  const other = await listed.inject(preflight('https://evil.example'));
  expect(other.headers['access-control-allow-origin']).toBeUndefined();
  const otherCall = await listed.inject(reset('https://evil.example', { authorization: `Bearer ${KEY}` }));
  expect(otherCall.headers['access-control-allow-origin']).toBeUndefined();
});

it('* allows any origin', async () => {
  const r = await any.inject(reset('https://anyone.example'));
  expect(r.headers['access-control-allow-origin']).toBe('*');
});

it('a malformed CORS_ORIGINS fails fast naming the variable', () => {
  expect(loadConfig({}).CORS_ORIGINS).toBe('');
  for (const bad of ['allowed.example', 'https://allowed.example/path', 'ftp://x.example'])
    expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
});
