/**
 * CORS_ORIGINS: which browser origins may call the server (@fastify/cors). Empty (the default): no CORS
 * headers at all, so browsers allow only same-origin pages (the /web page). `*`: any origin. Otherwise the
 * listed origins exactly. Preflight requests are answered here, before the API key is asked for
 * (browsers never send credentials on a preflight); replies expose the headers a client reads:
 * x-episode-token, x-request-id, retry-after and mcp-session-id.
 */
import fastifyCors from '@fastify/cors';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { listOf } from '../../config.js';

export interface CorsOptions {
  /** CORS_ORIGINS. */
  readonly origins: string;
}

const cors: FastifyPluginAsync<CorsOptions> = async (app, { origins }) => {
  const list = listOf(origins);
  if (list.length === 0) return;
  await app.register(fastifyCors, {
    origin: list.includes('*') ? '*' : list,
    methods: ['GET', 'POST', 'DELETE'],
    exposedHeaders: ['x-episode-token', 'x-request-id', 'retry-after', 'mcp-session-id'],
    maxAge: 600,
  });
};

export default fp(cors, { name: 'cors' });
