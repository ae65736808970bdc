/**
 * Builds the service for the MCP tests with the real buildApp (src/server/app.ts), and hands the tests the
 * app and the SessionStore behind it.
 */
import type { FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../../src/config.js';
import { SessionStore } from '../../src/env/sessions.js';
import { loadTasks, type TaskCatalog } from '../../src/env/task-catalog.js';
import { buildApp } from '../../src/server/app.js';

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
}

export async function mcpTestApp(overrides: Partial<Config> = {}): Promise<McpTestApp> {
  const config = loadConfig({}, { LOG_LEVEL: 'silent', LEADERBOARD_PATH: '', ...overrides });
  const store = new SessionStore({
    catalog: tasks(),
    capacity: config.MAX_CONCURRENT_ENVS,
    idleTimeoutMs: config.SESSION_TIMEOUT_S * 1000,
    salt: config.SEED_SALT,
  });
  const app = buildApp(config, { store });
  await app.ready();
  return { app, store, config };
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
