/**
 * GET /metrics: the app's Prometheus registry (src/server/plugins/metrics.ts) in the text exposition
 * format. With ENABLE_METRICS=false neither the plugin nor this route is registered.
 */
import type { FastifyPluginAsync } from 'fastify';

const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics (text exposition format)', hide: false } },
    async (_req, reply) => {
      const text = await app.metrics.metrics();
      return reply.type(app.metrics.contentType).send(text);
    },
  );
};

export default metricsRoutes;
