/**
 * The only place that listens. `node dist/src/server/main.js` (Docker, openenv.yaml) and `comtradebench serve`
 * both call serve(): HOST/PORT from the environment, and SIGTERM/SIGINT close the app, whose one shutdown
 * path (src/server/plugins/shutdown.ts) refuses new requests, closes WebSockets with 1001 and lets
 * in-flight requests finish before the process exits 0. A bad configuration exits 1 with a message,
 * before the server is even loaded.
 */
import { realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { type Config, ConfigError, loadConfig } from '../config.js';

/** How long a graceful shutdown may take before the process is killed. */
const SHUTDOWN_DELAY_MS = 10_000;

export async function serve(overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const config = loadConfig(process.env, overrides);
  const { buildApp } = await import('./app.js');
  const app = buildApp(config);
  closeWithGrace(
    { delay: SHUTDOWN_DELAY_MS, logger: { error: (m: unknown) => app.log.error(m) } },
    async ({ signal, err }) => {
      if (err) app.log.error({ err }, 'shutting down after an uncaught error');
      else app.log.info({ signal }, 'shutting down');
      await app.close();
    },
  );
  await app.listen({ host: config.HOST, port: config.PORT });
  if (config.LOG_LEVEL !== 'silent') process.stdout.write(`${firstContact(app, config)}\n`);
  app.log.info(
    {
      max_concurrent_envs: config.MAX_CONCURRENT_ENVS,
      session_timeout_s: config.SESSION_TIMEOUT_S,
      http_session_timeout_s: config.HTTP_SESSION_TIMEOUT_S,
      max_episodes_per_client: config.MAX_EPISODES_PER_CLIENT,
      max_resets_per_minute: config.MAX_RESETS_PER_MINUTE,
      trust_proxy: config.TRUST_PROXY,
      api_key: config.API_KEY !== '',
      cors_origins: config.CORS_ORIGINS,
      web: config.ENABLE_WEB_INTERFACE,
    },
    'comtradebench ready',
  );
  return app;
}

/**
 * The one human line printed at startup, beside the JSON logs: where the server listens and where to
 * look (the page when it is on, the API docs, the OpenEnv WebSocket, MCP, metrics).
 */
export function firstContact(app: FastifyInstance, config: Config): string {
  const { port } = app.server.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const look = [
    ...(config.ENABLE_WEB_INTERFACE ? [`the page ${base}/web/`] : []),
    `API docs ${base}/docs`,
    `OpenEnv ${base.replace('http', 'ws')}/ws`,
    `MCP ${base}/mcp`,
    ...(config.ENABLE_METRICS ? [`metrics ${base}/metrics`] : []),
  ];
  return `ComtradeBench listening on ${config.HOST}:${port}: ${look.join(', ')}`;
}

/** Runs serve() and turns a startup failure into one clear line and exit code 1. */
export function serveOrExit(overrides: Partial<Config> = {}): Promise<FastifyInstance | undefined> {
  return serve(overrides).catch((e: unknown) => {
    const why =
      e instanceof ConfigError
        ? `configuration error: ${e.message}`
        : e instanceof Error
          ? e.message
          : String(e);
    process.stderr.write(`comtradebench: cannot start the server: ${why}\n`);
    process.exit(1);
  });
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) void serveOrExit();
