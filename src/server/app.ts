/**
 * The whole service as one Fastify instance, built from plugins (src/server/plugins/) and route plugins
 * (src/server/routes/). It never listens (src/server/main.ts does), so tests drive it with app.inject or
 * listen on an ephemeral port. docs/protocol.md describes every route and message.
 *
 * Order matters: cross-cutting plugins first (their hooks and decorators reach every route), then the
 * routes. Plugins that gate requests register after `shutdown` and before the routes: `cors` (answers
 * preflights), `api-key` (API_KEY), and after `sessions`, `clients` (who is asking, resets per minute).
 * Who counts as a client is Fastify's trustProxy (TRUST_PROXY, src/config.ts trustProxyOf).
 * docs/protocol.md, Security and limits, describes the gates. `metrics` and `leaderboard` observe the
 * environment layer's events (src/env/events.ts) through the store, so they register after `sessions`.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { type Config, trustProxyOf } from '../config.js';
import { SessionStore } from '../env/sessions.js';
import { loadTasks, type TaskCatalog } from '../env/task-catalog.js';
import apiKey from './plugins/api-key.js';
import body from './plugins/body.js';
import clients from './plugins/clients.js';
import cors from './plugins/cors.js';
import errors, { frameworkError, replyError } from './plugins/errors.js';
import leaderboard from './plugins/leaderboard.js';
import metrics from './plugins/metrics.js';
import sessions from './plugins/sessions.js';
import shutdown from './plugins/shutdown.js';
import sockets from './plugins/sockets.js';
import swagger from './plugins/swagger.js';
import httpRoutes from './routes/http.js';
import indexRoutes from './routes/index.js';
import leaderboardRoutes from './routes/leaderboard.js';
import mcpRoutes from './routes/mcp.js';
import metricsRoutes from './routes/metrics.js';
import trajectoryRoutes from './routes/trajectory.js';
import webAgents from './routes/web-agents.js';
import webPage from './routes/web-page.js';
import webRoutes from './routes/web.js';
import wsRoutes from './routes/ws.js';

export interface AppDeps {
  readonly catalog?: TaskCatalog;
  /**
   * A prepared store (tests inject one with a fake clock or a small capacity); it then sets capacity,
   * timeouts and MAX_EPISODES_PER_CLIENT itself, in place of the config's.
   */
  readonly store?: SessionStore;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly config: Config;
  }
}

export function buildApp(config: Config, deps: AppDeps = {}): FastifyInstance {
  const store =
    deps.store ??
    new SessionStore({
      catalog: deps.catalog ?? loadTasks(config.TASKS_DIR),
      capacity: config.MAX_CONCURRENT_ENVS,
      idleTimeoutMs: config.SESSION_TIMEOUT_S * 1000,
      httpIdleTimeoutMs: config.HTTP_SESSION_TIMEOUT_S * 1000,
      maxSessionsPerClient: config.MAX_EPISODES_PER_CLIENT,
      salt: config.SEED_SALT,
      resultFormat: config.TOOL_RESULT_FORMAT,
      keepCallsBytes: config.TRAJECTORY_KEEP_MB * 1024 * 1024,
    });
  const verbose = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  const app = Fastify({
    logger: { level: config.LOG_LEVEL },
    logController: new LogController({ disableRequestLogging: !verbose }),
    bodyLimit: config.MAX_BODY_BYTES,
    genReqId: () => randomUUID(),
    trustProxy: trustProxyOf(config.TRUST_PROXY),
    // Requests that arrive while closing get a catalogue error (plugins/shutdown.ts), not Fastify's own body.
    return503OnClosing: false,
    frameworkErrors: (err, req, reply) =>
      replyError(req, reply, frameworkError(err, req, config.MAX_BODY_BYTES)),
  });
  app.decorate('config', config);

  // Cross-cutting plugins.
  app.register(errors, { maxBodyBytes: config.MAX_BODY_BYTES });
  app.register(body);
  app.register(shutdown);
  // Gates.
  app.register(cors, { origins: config.CORS_ORIGINS });
  app.register(apiKey, { key: config.API_KEY });
  app.register(sessions, { store });
  app.register(clients, { resetsPerMinute: config.MAX_RESETS_PER_MINUTE });
  if (config.ENABLE_METRICS) app.register(metrics);
  app.register(leaderboard);
  app.register(sockets, { maxPayload: config.MAX_BODY_BYTES });
  app.register(swagger);

  // Routes.
  app.register(indexRoutes);
  app.register(httpRoutes);
  app.register(wsRoutes);
  app.register(mcpRoutes);
  app.register(trajectoryRoutes);
  app.register(leaderboardRoutes);
  if (config.ENABLE_METRICS) app.register(metricsRoutes);
  if (config.ENABLE_WEB_INTERFACE) {
    app.register(webRoutes);
    app.register(webPage);
    app.register(webAgents);
  }

  return app;
}
