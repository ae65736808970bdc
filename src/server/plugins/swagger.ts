/**
 * OpenAPI and Swagger UI: GET /openapi.json (info.version is what `openenv validate` reads) and /docs.
 * WebSocket routes are hidden: OpenAPI lists the HTTP routes only, as upstream's does. Both are public
 * (open without API_KEY, src/server/plugins/api-key.ts): they describe the API and hold no episode.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ENV_NAME, HTTP_API_VERSION } from '../metadata.js';

const openapi: FastifyPluginAsync = async (app) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'ComtradeBench OpenEnv HTTP API',
        version: HTTP_API_VERSION,
        description: `The ${ENV_NAME} environment. Stateful HTTP episodes are addressed by episode_id; /ws speaks the OpenEnv session protocol; /mcp speaks JSON-RPC and MCP. Every route and message: docs/protocol.md.`,
      },
    },
  });
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
};

export default fp(openapi, { name: 'swagger' });
