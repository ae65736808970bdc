/**
 * Builds the service for the MCP tests: the real buildApp (src/server/app.ts) when it is available, else
 * a bare Fastify app with only @fastify/websocket and the /mcp plugin (MCP_TEST_BARE=1 forces the bare one). Either way the
 * tests get the app and the SessionStore behind it.
 */
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../../src/config.js';
import { SessionStore } from '../../src/env/sessions.js';
import { mcpRoutes } from '../../src/server/routes/mcp.js';
import { loadTasks, type TaskCatalog } from '../../src/env/task-catalog.js';

import type { Json } from './helpers.js';

export type { Json };

let catalog: TaskCatalog | undefined;
export const tasks = (): TaskCatalog => {
  catalog ??= loadTasks();
  return catalog;
};

export interface McpTestApp {
  readonly app: FastifyInstance;
  readonly store: SessionStore;
  readonly config: Config;
  readonly kind: 'buildApp' | 'bare';
}

type BuildApp = (config: Config, deps: { store?: SessionStore }) => FastifyInstance;

async function loadBuildApp(): Promise<BuildApp | undefined> {
  if (process.env.MCP_TEST_BARE === '1') return undefined;
  try {
    // Not a static import: the tests must also run while app.ts does not exist yet.
    const path = '../../src/server/app.js';
    const mod = (await import(/* @vite-ignore */ path)) as { buildApp?: BuildApp };
    return typeof mod.buildApp === 'function' ? mod.buildApp : undefined;
  } catch {
    return undefined;
  }
}

export async function mcpTestApp(overrides: Partial<Config> = {}): Promise<McpTestApp> {
  const config = loadConfig({}, { LOG_LEVEL: 'silent', ...overrides });
  const store = new SessionStore({
    catalog: tasks(),
    capacity: config.MAX_CONCURRENT_ENVS,
    idleTimeoutMs: config.SESSION_TIMEOUT_S * 1000,
    salt: config.SEED_SALT,
  });
  const buildApp = await loadBuildApp();
  if (buildApp !== undefined) {
    const app = buildApp(config, { store });
    await app.ready();
    return { app, store, config, kind: 'buildApp' };
  }
  const app = Fastify({ logger: false, bodyLimit: config.MAX_BODY_BYTES });
  await app.register(websocket, { options: { maxPayload: config.MAX_BODY_BYTES } });
  await app.register(mcpRoutes, { store, config });
  await app.ready();
  return { app, store, config, kind: 'bare' };
}

/** POSTs a JSON-RPC body to /mcp through app.inject; returns status, headers and the parsed body. */
export async function rpc(app: FastifyInstance, body: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: res.body === '' ? undefined : (res.json() as Json),
  };
}
