/**
 * OpenEnv's HTTP routes (docs/protocol.md, HTTP). Upstream's /reset /step /state are stateless; ours keep
 * the episode, addressed by the episode_id /reset returns (in the body, ?episode_id=, or the X-Episode-Id
 * header). Every rule about actions, observations and episodes lives in src/env; this file only moves
 * requests there and writes the replies with the wire codec (src/server/wire/step.ts).
 *
 * The route schemas are for /openapi.json and /docs only: bodies are checked once, in src/env and
 * src/server/wire/envelopes.ts, and replies are written with JSON.stringify or the codec, so no field is
 * ever dropped by a response schema.
 */
import type { FastifyPluginAsync, FastifyRequest, FastifySchemaCompiler } from 'fastify';
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
import type { Session, SessionStore } from '../../env/sessions.js';
import { environmentMetadata, taskSummaries } from '../metadata.js';
import { StepRequest, stepRequestEnvelope } from '../wire/envelopes.js';
import { stepJson } from '../wire/step.js';

/** Steps a stateful HTTP episode; a finished episode frees its capacity slot but stays readable. */
export function stepEpisode(store: SessionStore, session: Session, action: unknown): StepResult {
  store.touch(session);
  const result = session.env.step(action);
  store.settleHttp(session);
  return result;
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

// ---- Documentation schemas (OpenAPI), generated from the same zod schemas the env validates with. ----

function doc(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}
const tripleDoc = doc(
  z.object({ observation: Observation, reward: z.number().nullable(), done: z.boolean() }),
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
  404: errorBodyDoc,
  409: errorBodyDoc,
  413: errorBodyDoc,
  415: errorBodyDoc,
  422: errorBodyDoc,
  503: errorBodyDoc,
};
const episodeQuery = {
  type: 'object',
  properties: { episode_id: { type: 'string', description: 'the episode_id returned by POST /reset' } },
};
const episodeHeader = { type: 'object', properties: { 'x-episode-id': { type: 'string' } } };

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
        summary: 'Start an episode; returns the observation triple (the observation carries episode_id)',
        body: doc(ResetRequest),
        response: { 200: tripleDoc, ...errorDocs },
      },
      serializerCompiler: stepReplies,
    },
    async (req) => store.httpReset(req.body ?? {}).result,
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
    async (req) => {
      const { action, episode_id } = parseEnvelope(stepRequestEnvelope, req.body);
      return stepEpisode(store, store.httpEpisode(episodeIdOf(req, episode_id)), action);
    },
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
    async (req) => store.httpEpisode(episodeIdOf(req)).env.state(),
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
