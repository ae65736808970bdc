/**
 * The whole service as one Fastify instance: error mapping, body limits, OpenAPI + Swagger UI, the HTTP,
 * /ws, /mcp and /web routes, the idle reaper and shutdown hooks. It never listens (src/server/main.ts
 * does), so tests drive it with app.inject or listen on an ephemeral port.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Config } from '../config.js';
import { BenchError } from '../core/errors.js';
import { SessionStore } from '../env/sessions.js';
import { loadTasks, type TaskCatalog } from '../env/task-catalog.js';
import { fromFrameworkError, httpError } from './errors.js';
import { ENV_NAME, HTTP_API_VERSION } from './metadata.js';
import { httpRoutes } from './routes/http.js';
import { mcpRoutes } from './routes/mcp.js';
import { webRoutes } from './routes/web.js';
import { wsRoutes } from './routes/ws.js';
import { SocketRegistry } from './sockets.js';

export interface AppDeps {
  readonly catalog?: TaskCatalog;
  /** A prepared store (tests inject one with a fake clock or a small capacity). */
  readonly store?: SessionStore;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** How long shutdown waits for /ws clients to answer the 1001 close before dropping them. */
const WS_CLOSE_GRACE_MS = 3000;

export function buildApp(config: Config, deps: AppDeps = {}): FastifyInstance {
  const catalog = deps.catalog ?? deps.store?.catalog ?? loadTasks(config.TASKS_DIR);
  const store =
    deps.store ??
    new SessionStore({
      catalog,
      capacity: config.MAX_CONCURRENT_ENVS,
      idleTimeoutMs: config.SESSION_TIMEOUT_S * 1000,
      salt: config.SEED_SALT,
      resultFormat: config.TOOL_RESULT_FORMAT,
    });
  const verbose = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  const limits = { maxBodyBytes: config.MAX_BODY_BYTES };
  const app = Fastify({
    logger: { level: config.LOG_LEVEL },
    logController: new LogController({ disableRequestLogging: !verbose }),
    bodyLimit: config.MAX_BODY_BYTES,
    genReqId: () => randomUUID(),
    // Requests that arrive while closing get a catalogue error from the hook below, not Fastify's own body.
    return503OnClosing: false,
    frameworkErrors: (err, req, reply) => sendError(req, reply, fromFrameworkError(err, limits)),
  });

  // ---- Errors: every non-2xx reply is JSON with a stable error.code and the request id. ----
  function sendError(req: FastifyRequest, reply: FastifyReply, e: BenchError): FastifyReply {
    const { status, body } = httpError(e, req.id);
    // Set here too: replies to framework errors (a malformed URL) skip the onSend hook below.
    return reply
      .code(status)
      .header('content-type', 'application/json; charset=utf-8')
      .header('x-request-id', req.id)
      .send(body);
  }
  app.setErrorHandler((err, req, reply) => {
    const e = fromFrameworkError(err, limits);
    if (e.code === 'CB_ERR_INTERNAL') req.log.error({ err }, 'unhandled error');
    return sendError(req, reply, e);
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((m) => m !== req.method && app.hasRoute({ method: m, url: path }));
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        req,
        reply,
        new BenchError(
          'CB_ERR_METHOD_NOT_ALLOWED',
          `${req.method} ${path} is not allowed; use ${allowed.join(' or ')}`,
        ),
      );
    }
    return sendError(
      req,
      reply,
      new BenchError('CB_ERR_NOT_FOUND', `no route ${req.method} ${path}; see /docs or /openapi.json`),
    );
  });

  // ---- Bodies: JSON only; an empty JSON body means "no body" (POST /reset with no arguments). ----
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (/^\s*$/.test(text)) return done(null, undefined);
    parseJson(req, text, done);
  });

  // ---- Shutdown: refuse new requests, close /ws sessions with 1001, then end every session. ----
  const conns = new SocketRegistry();
  let closing = false;
  // Callback-style hooks: they run on every request, and an async hook costs a promise per request.
  app.addHook('onRequest', (_req, _reply, done) => {
    if (!closing) return done();
    done(
      new BenchError('CB_ERR_SHUTTING_DOWN', 'the server is shutting down; retry against another instance'),
    );
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    // Replies finished during shutdown end their keep-alive connection, so the process exits at once.
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('preClose', async () => {
    closing = true;
    await conns.closeAll(1001, 'server shutting down', WS_CLOSE_GRACE_MS);
  });
  app.addHook('onClose', async () => {
    store.closeAll();
  });

  // ---- Idle reaper: reaped /ws sessions lose their socket too. ----
  store.startReaper((s) => {
    if (s.kind === 'ws') conns.close(s.id, 1000, 'session idle timeout');
  });

  // ---- OpenAPI (HTTP routes only: /ws is hidden) and Swagger UI. ----
  app.register(swagger, {
    openapi: {
      info: {
        title: 'ComtradeBench OpenEnv HTTP API',
        version: HTTP_API_VERSION,
        description: `The ${ENV_NAME} environment. Stateful HTTP episodes are addressed by episode_id; /ws speaks the OpenEnv session protocol; /mcp speaks JSON-RPC and MCP.`,
      },
    },
  });
  app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.register(websocket, {
    options: { maxPayload: config.MAX_BODY_BYTES },
    // ws itself closes the socket (1009 for an oversized frame, 1002 for a protocol error); only log here.
    errorHandler: (err, _socket, req) => req.log.warn({ err: err.message }, 'websocket error'),
  });
  app.register(httpRoutes, { store, catalog });
  app.register(wsRoutes, { store, conns });
  app.register(mcpRoutes, { store, config });
  if (config.ENABLE_WEB_INTERFACE) app.register(webRoutes, { store, catalog });

  return app;
}
