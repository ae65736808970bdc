/**
 * The /web page's files (src/server/web/: index.html, plain JavaScript modules, style.css), served by
 * @fastify/static from the folder beside this one (`npm run build` copies it to dist/src/server/web). The
 * page uses relative URLs only, so it works behind a path prefix (the Hugging Face proxy) and over https /
 * wss. GET /web redirects to web/ (relative, for the same reason). The page's JSON routes are
 * src/server/routes/web.ts (its episode) and src/server/routes/web-agents.ts (watch an agent play).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** The page's folder, in src/ (tsx) or dist/src/ (built). */
export const WEB_ASSETS_DIR = fileURLToPath(new URL('../web/', import.meta.url));

const webPage: FastifyPluginAsync = async (app) => {
  if (!existsSync(`${WEB_ASSETS_DIR}index.html`))
    throw new Error(`the /web page's files are missing from ${WEB_ASSETS_DIR}; run npm run build`);
  // The page's files are public (answered without API_KEY, src/server/plugins/api-key.ts): they hold no
  // episode and no data. Every route of this plugin, @fastify/static's included, is marked so.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true };
  });
  app.get('/web', { schema: { hide: true } }, async (_req, reply) => reply.redirect('web/', 307));
  await app.register(fastifyStatic, {
    root: WEB_ASSETS_DIR,
    prefix: '/web/',
    // One route per file, found at startup: nothing else under /web/ is served from the disk.
    wildcard: false,
    decorateReply: false,
    index: ['index.html'],
    // Revalidated on every load (ETag), so a new version is seen at once.
    cacheControl: true,
    maxAge: 0,
  });
};

export default webPage;
