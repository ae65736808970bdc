/**
 * The /web page's JSON routes (ENABLE_WEB_INTERFACE=true; the page's files are src/server/routes/web-page.ts,
 * the Hugging Face Space opens it through base_path: /web), like upstream's for custom UIs
 * (docs/protocol.md, /web). Every visitor drives their own episode: POST /web/reset hands out the
 * episode's token (episode_token, x-episode-token), which POST /web/step and GET /web/state need as
 * X-Episode-Token, exactly as POST /reset, /step and /state do (the same handlers,
 * src/server/routes/http.ts). A web episode is an ordinary HTTP episode: the same capacity, per-client
 * caps, short idle timeout and DELETE /episodes/:id. The page itself is public (open without API_KEY);
 * its JSON routes are API routes.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { StepResult } from '../../env/environment.js';
import { environmentMetadata } from '../metadata.js';
import { stepJson } from '../wire/step.js';
import { requestedEpisode, resetEpisode, sendReset, stepRequest } from './http.js';

const sendStep = (reply: FastifyReply, r: StepResult): FastifyReply =>
  reply.type('application/json; charset=utf-8').send(stepJson(r));

const webRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app;
  const metadata = environmentMetadata();

  app.get('/web/metadata', async () => metadata);
  app.post('/web/reset', async (req, reply) => sendReset(reply, resetEpisode(store, req)));
  app.post('/web/step', async (req, reply) => sendStep(reply, stepRequest(store, req)));
  app.get('/web/state', async (req) => requestedEpisode(store, req).env.state());
};

export default webRoutes;
