/**
 * The /web page's episode (ENABLE_WEB_INTERFACE=true; the page itself is src/server/routes/web-page.ts): one
 * shared web episode driven by POST /web/reset, POST /web/step and GET /web/state, like upstream's JSON
 * routes for custom UIs (docs/protocol.md, /web). The web episode is an ordinary HTTP episode (same
 * capacity, reaper and rules).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { BenchError } from '../../core/errors.js';
import type { StepResult } from '../../env/environment.js';
import { parseEnvelope } from '../../env/schemas.js';
import type { Session } from '../../env/sessions.js';
import { environmentMetadata } from '../metadata.js';
import { stepRequestEnvelope } from '../wire/envelopes.js';
import { stepJson } from '../wire/step.js';
import { stepEpisode } from './http.js';

const sendStep = (reply: FastifyReply, r: StepResult): FastifyReply =>
  reply.type('application/json; charset=utf-8').send(stepJson(r));

const webRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app;
  let current: string | null = null;
  const episode = (): Session => {
    if (current === null)
      throw new BenchError('CB_ERR_NOT_RESET', { reset_with: 'the Reset button, POST /web/reset' });
    return store.httpEpisode(current);
  };
  const metadata = environmentMetadata();

  app.get('/web/metadata', async () => metadata);
  app.post('/web/reset', async (req, reply) => {
    if (current !== null) store.close(current);
    const { session, result } = store.httpReset(req.body ?? {});
    current = session.id;
    return sendStep(reply, result);
  });
  app.post('/web/step', async (req, reply) => {
    const { action } = parseEnvelope(stepRequestEnvelope, req.body);
    return sendStep(reply, stepEpisode(store, episode(), action));
  });
  app.get('/web/state', async () => episode().env.state());
};

export default webRoutes;
