/**
 * The one shutdown path (src/server/main.ts calls app.close() on SIGTERM/SIGINT): from the first moment
 * of closing, new requests get 503 CB_ERR_SHUTTING_DOWN and replies end their keep-alive connection; the
 * sockets plugin then closes every WebSocket with 1001 within SOCKET_CLOSE_GRACE_MS; in-flight requests
 * finish; last, the sessions plugin ends every session. Requests that gate on anything else (API keys,
 * CORS, per-client caps) belong in their own plugins, registered after this one.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { BenchError } from '../../core/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the moment the server starts closing. */
    readonly closing: boolean;
  }
}

const shutdown: FastifyPluginAsync = async (app) => {
  let closing = false;
  app.decorate('closing', { getter: () => closing });
  // Callback-style hooks: they run on every request, and an async hook costs a promise per request.
  app.addHook('onRequest', (_req, _reply, done) => {
    if (!closing) return done();
    done(new BenchError('CB_ERR_SHUTTING_DOWN'));
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    // Replies finished during shutdown end their keep-alive connection, so the process exits at once.
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
};

export default fp(shutdown, { name: 'shutdown' });
