/**
 * API_KEY: when set, every request needs `Authorization: Bearer <API_KEY>`, else 401 CB_ERR_UNAUTHORIZED
 * (with WWW-Authenticate: Bearer). That covers the HTTP routes, the /web page's JSON routes, POST and
 * DELETE /mcp and the WebSocket upgrades of /ws and /mcp (refused with an HTTP 401 before any upgrade).
 * Only the header is read: a key in a query string ends up in access logs and browser history, and no
 * client of this server needs another place (browsers do not open WebSockets here). Open without the
 * key: routes that declare `config: { public: true }` (GET /health; the /web page itself and the docs,
 * which hold no episode and no data).
 *
 * The key is compared in constant time, as SHA-256 digests (equal lengths whatever was sent).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { BenchError } from '../../core/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answered without the API key (src/server/plugins/api-key.ts). */
    public?: boolean;
  }
}

const digestOf = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return m?.[1];
}

export interface ApiKeyOptions {
  /** API_KEY; empty: no key is needed. */
  readonly key: string;
}

const apiKey: FastifyPluginAsync<ApiKeyOptions> = async (app, { key }) => {
  if (key === '') return;
  const expected = digestOf(key);
  // Callback-style: it runs on every request, and an async hook costs a promise per request.
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.routeOptions.config.public === true) return done();
    const given = bearerToken(req.headers.authorization);
    if (given !== undefined && timingSafeEqual(digestOf(given), expected)) return done();
    done(new BenchError('CB_ERR_UNAUTHORIZED', { given: given !== undefined }));
  });
};

export default fp(apiKey, { name: 'api-key' });
