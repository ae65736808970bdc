/**
 * OpenEnv's HTTP routes (docs/protocol.md, HTTP). Upstream's /reset /step /state are stateless; ours keep
 * the episode, which belongs to whoever holds the token /reset hands out (`episode_token` in the body and
 * the x-episode-token header): /step, /state and DELETE /episodes/:id need it as the X-Episode-Token
 * header, and an episode_id (in the body, ?episode_id=, or X-Episode-Id), when given, must name that
 * token's episode. Every rule about actions, observations, episodes and their owners lives in src/env;
 * this file only moves requests there and writes the replies with the wire codec (src/server/wire/step.ts).
 *
 * The route schemas are for /openapi.json and /docs only: bodies are checked once, in src/env and
 * src/server/wire/envelopes.ts, and replies are written with JSON.stringify or the codec, so no field is
 * ever dropped by a response schema.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { BenchError } from '../../core/errors.js';
import type { StepResult } from '../../env/environment.js';
import {
  Action,
  Observation,
  parseEnvelope,
  ResetRequest,
  State,
  schemaDocument,
} from '../../env/schemas.js';
import type { HttpReset, Session, SessionStore } from '../../env/sessions.js';
import { environmentMetadata, taskSummaries } from '../metadata.js';
import { StepRequest, stepRequestEnvelope } from '../wire/envelopes.js';
import { resetJson, stepJson } from '../wire/step.js';

/** The X-Episode-Token header (the token POST /reset handed out), if sent. */
export function episodeToken(req: FastifyRequest): string | undefined {
  const t = req.headers['x-episode-token'];
  return typeof t === 'string' ? t : undefined;
}

/** Resets an HTTP episode for the request's client (ending the one its X-Episode-Token holds, if live). */
export function resetEpisode(store: SessionStore, req: FastifyRequest): HttpReset {
  const replaces = episodeToken(req);
  return store.httpReset(req.body ?? {}, {
    client: req.clientKey,
    ...(replaces === undefined ? {} : { replaces }),
  });
}

/** The reset triple with `episode_token` beside it, and the token as the x-episode-token header. */
export function sendReset(reply: FastifyReply, { result, token }: HttpReset): FastifyReply {
  return reply
    .header('x-episode-token', token)
    .type('application/json; charset=utf-8')
    .send(resetJson(result, token));
}

/** One episode address from the body, the query and the header; two different ones are an error. */
function episodeIdOf(req: FastifyRequest, fromBody?: string): string | undefined {
  const query = (req.query as Record<string, unknown> | undefined)?.episode_id;
  const header = req.headers['x-episode-id'];
  const given: Array<readonly [string, unknown]> = [
    ['body', fromBody],
    ['query', query],
    ['X-Episode-Id header', header],
  ];
  const present = given.filter(([, v]) => v !== undefined && v !== '');
  const distinct = new Set(present.map(([, v]) => v));
  if (distinct.size > 1 || present.some(([, v]) => typeof v !== 'string'))
    throw new BenchError('CB_ERR_EPISODE_ID_AMBIGUOUS', { given: present });
  return present[0]?.[1] as string | undefined;
}

/** The HTTP episode the request's X-Episode-Token opens (its episode_id, if given, must name it). */
export function requestedEpisode(store: SessionStore, req: FastifyRequest, fromBody?: string): Session {
  return store.ownedEpisode(episodeIdOf(req, fromBody), episodeToken(req));
}

/** POST /step (and /web/step): the action on the request's episode; a finished episode frees its slot. */
export function stepRequest(store: SessionStore, req: FastifyRequest): StepResult {
  const { action, episode_id } = parseEnvelope(stepRequestEnvelope, req.body);
  return store.httpStep(requestedEpisode(store, req, episode_id), action);
}

// ---- Documentation schemas (OpenAPI), generated from the same zod schemas the env validates with. ----

function doc(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}
const Triple = z.object({ observation: Observation, reward: z.number().nullable(), done: z.boolean() });
const tripleDoc = doc(Triple);
const resetDoc = doc(
  Triple.extend({
    episode_token: z
      .string()
      .describe("the episode's token (also the x-episode-token header): send it as X-Episode-Token"),
  }),
);
const errorBodyDoc = {
  type: 'object',
  description:
    'Every non-2xx reply: a stable error.code (CB_ERR_*), a message naming the fix, and the request id.',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, request_id: { type: 'string' } },
      additionalProperties: true,
    },
    detail: {},
  },
};
const errorDocs = {
  400: errorBodyDoc,
  401: errorBodyDoc,
  404: errorBodyDoc,
  409: errorBodyDoc,
  413: errorBodyDoc,
  415: errorBodyDoc,
  422: errorBodyDoc,
  429: errorBodyDoc,
  503: errorBodyDoc,
};
const episodeQuery = {
  type: 'object',
  properties: {
    episode_id: {
      type: 'string',
      description: "optional: the episode_id, which must be the token's episode",
    },
  },
};
const episodeHeader = {
  type: 'object',
  properties: {
    'x-episode-token': { type: 'string', description: 'required: the episode_token POST /reset returned' },
    'x-episode-id': { type: 'string', description: 'optional, as ?episode_id=' },
  },
  required: ['x-episode-token'],
};

/** Schemas document; they never validate (see the header comment). */
const documentOnly: FastifySchemaCompiler<unknown> = () => () => true;
/** Step triples are written by the codec, everything else (errors included) by JSON.stringify. */
const stepReplies = ({ httpStatus }: { httpStatus?: string }) =>
  httpStatus === '200' ? (r: unknown) => stepJson(r as StepResult) : (data: unknown) => JSON.stringify(data);

const httpRoutes: FastifyPluginAsync = async (app) => {
  const { store, catalog } = app;
  app.setValidatorCompiler(documentOnly);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const schemas = schemaDocument();
  const metadata = environmentMetadata();
  const tasks = taskSummaries(catalog);

  app.post(
    '/reset',
    {
      schema: {
        summary:
          'Start an episode; returns the observation triple (the observation carries episode_id) and the episode_token that owns it',
        body: doc(ResetRequest),
        headers: {
          type: 'object',
          properties: {
            'x-episode-token': {
              type: 'string',
              description: 'optional: a live episode of yours to end first',
            },
          },
        },
        response: { 200: resetDoc, ...errorDocs },
      },
    },
    async (req, reply) => sendReset(reply, resetEpisode(store, req)),
  );

  app.post(
    '/step',
    {
      schema: {
        summary: 'Step an HTTP episode with an MCP action (list_tools or call_tool)',
        body: doc(StepRequest.extend({ action: Action })),
        querystring: episodeQuery,
        headers: episodeHeader,
        response: { 200: tripleDoc, ...errorDocs },
      },
      serializerCompiler: stepReplies,
    },
    async (req) => stepRequest(store, req),
  );

  app.get(
    '/state',
    {
      schema: {
        summary: 'The state of an HTTP episode',
        querystring: episodeQuery,
        headers: episodeHeader,
        response: { 200: doc(State), ...errorDocs },
      },
    },
    async (req) => requestedEpisode(store, req).env.state(),
  );

  app.delete<{ Params: { id: string } }>(
    '/episodes/:id',
    {
      schema: {
        summary:
          'End an HTTP or /web episode (end_reason closed) and free its slot; 204, also when it had already ended',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        headers: episodeHeader,
        response: { 204: { type: 'null', description: 'ended' }, ...errorDocs },
      },
    },
    async (req, reply) => {
      store.close(store.ownedEpisode(req.params.id, episodeToken(req)).id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/schema',
    { schema: { summary: 'Action, observation and state JSON Schemas' } },
    async () => schemas,
  );

  app.get(
    '/metadata',
    {
      schema: {
        summary: 'OpenEnv environment metadata',
        response: {
          200: {
            type: 'object',
            properties: Object.fromEntries(Object.keys(metadata).map((k) => [k, { type: 'string' }])),
          },
        },
      },
    },
    async () => metadata,
  );

  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        summary: 'Liveness',
        response: { 200: { type: 'object', properties: { status: { type: 'string', enum: ['healthy'] } } } },
      },
    },
    async () => ({ status: 'healthy' }),
  );

  app.get('/tasks', { schema: { summary: 'The task catalogue (no ground truth)' } }, async () => ({ tasks }));
};

export default httpRoutes;
