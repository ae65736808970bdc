/**
 * OpenEnv's HTTP routes. Upstream's /reset /step /state are stateless; ours keep the episode, addressed
 * by the episode_id /reset returns (in the body, ?episode_id=, or the X-Episode-Id header). Every rule
 * about actions, observations and episodes lives in src/env; this file only moves requests there.
 *
 * The route schemas are for /openapi.json and /docs only: validation happens once, in src/env (zod), and
 * responses are serialised with JSON.stringify, so no field is ever dropped by a response schema.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BenchError } from '../../core/errors.js';
import { isRecord, type StepResult, validationError, wireJson } from '../../env/environment.js';
import { Action, Observation, ResetRequest, State, schemaDocument } from '../../env/schemas.js';
import type { Session, SessionStore } from '../../env/sessions.js';
import type { TaskCatalog } from '../../env/task-catalog.js';
import { environmentMetadata, taskSummaries } from '../metadata.js';

export interface HttpRoutesOptions {
  readonly store: SessionStore;
  readonly catalog: TaskCatalog;
}

const STEP_SHAPE =
  'POST /step takes {"action": {"type": "call_tool", "tool_name": ..., "arguments": {...}}, "episode_id": "<from /reset>"}';

/** POST /step's envelope (upstream StepRequest, plus our episode_id). The action itself is checked by the env. */
export const StepRequest = z
  .object({
    action: z.record(z.string(), z.unknown(), {
      error: (iss) =>
        iss.input === undefined
          ? `Field required: wrap the action. ${STEP_SHAPE}`
          : `the action must be a JSON object. ${STEP_SHAPE}`,
    }),
    episode_id: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('the episode to step (or ?episode_id=, or X-Episode-Id)'),
    timeout_s: z.number().positive().optional().describe('accepted for compatibility; tools never block'),
    request_id: z.string().max(255).optional().describe('accepted for compatibility; never echoed'),
  })
  .catchall(z.unknown());

/**
 * The common StepRequest, `{action: {...}, episode_id?}`, checked without zod (null for anything else,
 * which the StepRequest schema then accepts or rejects with its errors).
 */
function plainStepRequest(body: unknown): { action: Record<string, unknown>; episode_id?: string } | null {
  if (!isRecord(body) || !isRecord(body.action)) return null;
  if (body.timeout_s !== undefined || body.request_id !== undefined) return null;
  const id = body.episode_id;
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 255)) return null;
  return { action: body.action, episode_id: id };
}

/** Steps a stateful HTTP episode; a finished episode frees its capacity slot but stays readable. */
export function stepEpisode(store: SessionStore, session: Session, action: unknown): StepResult {
  store.touch(session);
  const result = session.env.step(action);
  store.settleHttp(session);
  return result;
}

/** One episode address from the body, the query and the header; two different ones are an error. */
export function episodeIdOf(req: FastifyRequest, fromBody?: string): string | undefined {
  const query = (req.query as Record<string, unknown> | undefined)?.episode_id;
  const header = req.headers['x-episode-id'];
  const given: Array<[string, unknown]> = [
    ['body', fromBody],
    ['query', query],
    ['X-Episode-Id header', header],
  ];
  const present = given.filter(([, v]) => v !== undefined && v !== '');
  for (const [where, v] of present) {
    if (typeof v !== 'string')
      throw new BenchError(
        'CB_ERR_VALIDATION',
        `episode_id in the ${where} was given more than once; pass it once`,
      );
  }
  const distinct = new Set(present.map(([, v]) => v as string));
  if (distinct.size > 1) {
    throw new BenchError(
      'CB_ERR_VALIDATION',
      `episode_id differs between ${present.map(([w, v]) => `${w} '${v}'`).join(' and ')}; pass one episode_id`,
    );
  }
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
const triple = doc(z.object({ observation: Observation, reward: z.number().nullable(), done: z.boolean() }));
const errorBody = {
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
const errors = {
  400: errorBody,
  404: errorBody,
  409: errorBody,
  413: errorBody,
  415: errorBody,
  422: errorBody,
  503: errorBody,
};
const episodeQuery = {
  type: 'object',
  properties: { episode_id: { type: 'string', description: 'the episode_id returned by POST /reset' } },
};
const episodeHeader = { type: 'object', properties: { 'x-episode-id': { type: 'string' } } };

export const httpRoutes: FastifyPluginAsync<HttpRoutesOptions> = async (app, { store, catalog }) => {
  // Schemas document; they never validate or serialise (see the header comment).
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => wireJson(data));

  const schemas = schemaDocument();
  const metadata = environmentMetadata();
  const tasks = taskSummaries(catalog);

  app.post(
    '/reset',
    {
      schema: {
        summary: 'Start an episode; returns the observation triple (the observation carries episode_id)',
        body: doc(ResetRequest),
        response: { 200: triple, ...errors },
      },
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
        response: { 200: triple, ...errors },
      },
    },
    async (req) => {
      let body = plainStepRequest(req.body);
      if (body === null) {
        const parsed = StepRequest.safeParse(req.body);
        if (!parsed.success) throw validationError('step request', parsed.error);
        body = parsed.data;
      }
      return stepEpisode(store, store.httpEpisode(episodeIdOf(req, body.episode_id)), body.action);
    },
  );

  app.get(
    '/state',
    {
      schema: {
        summary: 'The state of an HTTP episode',
        querystring: episodeQuery,
        headers: episodeHeader,
        response: { 200: doc(State), ...errors },
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
