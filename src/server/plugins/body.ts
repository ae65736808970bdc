/**
 * Request bodies: JSON only (anything else is 415 CB_ERR_UNSUPPORTED_MEDIA_TYPE), and an empty JSON body
 * means "no body" (POST /reset with no arguments). The size limit is the server's bodyLimit
 * (MAX_BODY_BYTES, set where the instance is made: src/server/app.ts). /mcp reads its bodies raw instead
 * (rawBodies), so that anything unreadable is a JSON-RPC parse error rather than an HTTP error.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const body: FastifyPluginAsync = async (app) => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, text, done) => {
    const s = typeof text === 'string' ? text : text.toString('utf8');
    if (/^\s*$/.test(s)) return done(null, undefined);
    parseJson(req, s, done);
  });
};

export default fp(body, { name: 'body' });

/** In an encapsulated route plugin: every body, of any content type, as a Buffer of at most `limit` bytes. */
export function rawBodies(app: FastifyInstance, limit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, raw, done) =>
    done(null, raw),
  );
}
