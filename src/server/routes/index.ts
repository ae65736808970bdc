/**
 * GET /: with the /web page on, a redirect to it (relative, so it works behind a path prefix); otherwise a
 * small JSON index of the endpoints (docs/protocol.md).
 */
import type { FastifyPluginAsync } from 'fastify';
import { environmentMetadata } from '../metadata.js';

/** Where to look, in one line each (also what `npm start` prints, src/server/main.ts). */
export function endpointIndex(web: boolean, metrics: boolean): Record<string, string> {
  return {
    ...(web ? { web: '/web/ (the page: play an episode, watch an agent, the leaderboard)' } : {}),
    docs: '/docs (Swagger UI; /openapi.json)',
    ws: '/ws (OpenEnv WebSocket sessions: reset, step, state, mcp, close)',
    mcp: '/mcp (MCP: JSON-RPC over POST, Streamable HTTP handshake, WebSocket)',
    http: 'POST /reset, POST /step, GET /state (stateful HTTP episodes)',
    tasks: '/tasks (the task catalogue)',
    leaderboard: '/api/leaderboard (labelled agents ranked)',
    trajectory: '/episodes/{episode_id}/trajectory (an ended HTTP episode, with its token)',
    ...(metrics ? { metrics: '/metrics (Prometheus)' } : {}),
    health: '/health',
  };
}

const indexRoutes: FastifyPluginAsync = async (app) => {
  const { ENABLE_WEB_INTERFACE: web, ENABLE_METRICS: metrics } = app.config;
  const meta = environmentMetadata();
  const index = {
    name: meta.name,
    version: meta.version,
    description: meta.description,
    endpoints: endpointIndex(web, metrics),
  };
  // Public (answered without API_KEY, src/server/plugins/api-key.ts): it holds no episode and no data.
  app.get('/', { schema: { hide: true }, config: { public: true } }, async (_req, reply) =>
    web ? reply.redirect('web/', 307) : index,
  );
};

export default indexRoutes;
