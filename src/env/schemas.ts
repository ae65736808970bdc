/**
 * OpenEnv schemas: reset request, the step action union (list_tools / call_tool), observations and state.
 * The JSON Schemas served at /schema are generated from these zod schemas, and tool input schemas from the
 * core tool definitions. Envelopes checked on every message pair a zod schema with a hand-written check
 * for the hot path (Envelope, below).
 */
import { z } from 'zod';
import { BenchError, type Issue } from '../core/errors.js';
import { ROW_FORMATS } from '../core/row-format.js';
import { TOOLS } from '../core/tools.js';
import { MAX_SEED } from '../core/versions.js';

/** A JSON object (not null, not an array): what zod's z.record accepts of parsed JSON. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A zod failure as a catalogue error carrying FastAPI-like entries (type, loc, msg). */
function validationError(what: string, error: z.ZodError): BenchError<'CB_ERR_VALIDATION'> {
  const errors: Issue[] = error.issues.map((i) => ({ type: i.code, loc: i.path, msg: i.message }));
  return new BenchError('CB_ERR_VALIDATION', { what, errors });
}

/** `raw` parsed by `schema`, or a CB_ERR_VALIDATION naming `what` and zod's issues. */
export function checked<T>(schema: z.ZodType<T>, what: string, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(what, parsed.error);
  return parsed.data;
}

/**
 * A message kind checked on every message: its zod schema (the definition, and the wording of every
 * rejection) and a hand-written check for the hot path, about twenty times faster than zod's. The fast
 * check accepts exactly what the schema accepts and returns an equal value (test/server/
 * envelope-fast-checks-agree-with-zod.test.ts generates thousands of envelopes to prove it); what it
 * refuses (null) goes to the schema, which words the error.
 */
export interface Envelope<T> {
  readonly what: string;
  readonly schema: z.ZodType<T>;
  readonly fast: (raw: unknown) => T | null;
}

export function parseEnvelope<T>(envelope: Envelope<T>, raw: unknown): T {
  return envelope.fast(raw) ?? checked(envelope.schema, envelope.what, raw);
}

/** Whether every own key of `o` is one of `keys`. */
export function onlyKeys(o: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const k in o) if (!keys.includes(k)) return false;
  return true;
}

/** MAX_AGENT_LABEL characters at most, no control or format characters, not blank. */
export const MAX_AGENT_LABEL = 64;
export const AgentLabel = z
  .string()
  .min(1)
  .max(MAX_AGENT_LABEL)
  .regex(
    /^(?=.*\S)[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u,
    'must not be blank or contain control or format characters',
  );

export const ResetRequest = z
  .object({
    task_id: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('task id, e.g. T4_rate_limit_429 (default T1_single_page)'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(MAX_SEED)
      .optional()
      .describe(`instance seed in [0, ${MAX_SEED}] (default: random)`),
    episode_id: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('client-chosen episode id (default: random 128-bit)'),
    profile: z.string().min(1).max(64).optional().describe('size profile: default or llm'),
    agent_label: AgentLabel.optional().describe(
      'who is playing, for the leaderboard (GET /api/leaderboard ranks labelled episodes the server scored)',
    ),
    row_format: z
      .enum(ROW_FORMATS)
      .optional()
      .describe(
        'how fetch_page carries rows: objects (one object per row) or columns (a columns list once, each ' +
          "row an array in that order); default: the profile's (llm: columns)",
      ),
    result_format: z
      .enum(['full', 'compact'])
      .optional()
      .describe(
        "how this episode's call results carry tool values: full (in content, structured_content and data) " +
          "or compact (once, in data); default: the server's TOOL_RESULT_FORMAT",
      ),
  })
  .describe('Reset: start an episode. Unknown keys are ignored, as upstream OpenEnv does.');
export type ResetRequest = z.infer<typeof ResetRequest>;

const metadata = z.record(z.string(), z.unknown()).optional();

export const ListToolsAction = z.object({ type: z.literal('list_tools'), metadata }).strict();
export const CallToolAction = z
  .object({
    type: z.literal('call_tool'),
    tool_name: z.string().min(1).describe('get_task_info, fetch_page or submit_results'),
    arguments: z.record(z.string(), z.unknown()).default({}),
    metadata,
  })
  .strict();
export const Action = z
  .discriminatedUnion('type', [ListToolsAction, CallToolAction])
  .describe('An MCP action: list the tools, or call one.');
export type Action = z.infer<typeof Action>;

const CALL_TOOL_KEYS = ['type', 'tool_name', 'arguments', 'metadata'] as const;
const LIST_TOOLS_KEYS = ['type', 'metadata'] as const;

/** A step's action (the bare `data` of a /ws step, the `action` of POST /step). */
export const actionEnvelope: Envelope<Action> = {
  what: 'action',
  schema: Action,
  fast: (raw) => {
    if (!isRecord(raw)) return null;
    const { metadata } = raw;
    if (metadata !== undefined && !isRecord(metadata)) return null;
    if (raw.type === 'call_tool') {
      const { tool_name, arguments: args } = raw;
      if (!onlyKeys(raw, CALL_TOOL_KEYS) || typeof tool_name !== 'string' || tool_name.length === 0)
        return null;
      if (args !== undefined && !isRecord(args)) return null;
      const action: Action = { type: 'call_tool', tool_name, arguments: args ?? {} };
      if (metadata !== undefined) action.metadata = metadata;
      return action;
    }
    if (raw.type === 'list_tools' && onlyKeys(raw, LIST_TOOLS_KEYS))
      return metadata === undefined ? { type: 'list_tools' } : { type: 'list_tools', metadata };
    return null;
  },
};

export const ToolSpec = z.object({
  name: z.string(),
  description: z.string(),
  input_schema: z.record(z.string(), z.unknown()),
});

export const ToolError = z
  .object({
    error_type: z.enum(['execution_error', 'invalid_args', 'transport_error', 'tool_not_found', 'timeout']),
    message: z.string(),
  })
  .strict();

/** MCP's CallToolResult as OpenEnv observations carry it (snake_case); src/server/wire/results.ts writes it. */
export const CallToolResult = z.object({
  content: z.array(z.object({ type: z.literal('text'), text: z.string() })),
  structured_content: z.record(z.string(), z.unknown()).nullable(),
  data: z.unknown(),
  is_error: z.boolean(),
  meta: z.record(z.string(), z.unknown()).nullable(),
});
export type CallToolResult = z.infer<typeof CallToolResult>;

const observationCommon = {
  done: z.boolean().default(false),
  reward: z.number().nullable().default(null),
  metadata: z.record(z.string(), z.unknown()).default({}),
};

export const Observation = z
  .object({
    // Reset observation: the task (all get_task_info fields) and the tool list.
    task_id: z.string().optional(),
    episode_id: z.string().optional(),
    seed: z.number().int().optional(),
    tools: z.array(ToolSpec).optional(),
    // Call-tool observation.
    tool_name: z.string().optional(),
    result: CallToolResult.nullable().optional(),
    error: ToolError.nullable().optional(),
    ...observationCommon,
  })
  .catchall(z.unknown())
  .describe(
    'Reset observations carry the task (get_task_info fields) and tools; list_tools observations carry tools; call_tool ' +
      'observations carry tool_name, result and error. done/reward travel beside the observation on the wire.',
  );

export const State = z
  .object({
    episode_id: z.string().nullable().default(null),
    step_count: z.number().int().min(0).default(0),
  })
  .catchall(z.unknown())
  .describe(
    'Base OpenEnv state; ComtradeBench adds task_id, seed, done, end_reason, budget and clock fields.',
  );

export type ToolSpecs = ReadonlyArray<Readonly<z.infer<typeof ToolSpec>>>;
let toolSpecsMemo: ToolSpecs | null = null;
let schemaMemo: { action: unknown; observation: unknown; state: unknown } | null = null;

/**
 * Tool list entries as OpenEnv step observations give them (snake_case input_schema). Generated once from
 * the tool definitions: every reset observation carries them, and JSON Schema generation is not cheap.
 */
export function toolSpecs(): ToolSpecs {
  toolSpecsMemo ??= Object.freeze(
    TOOLS.map((t) =>
      Object.freeze({
        name: t.name,
        description: t.description,
        input_schema: z.toJSONSchema(t.input, { io: 'input' }) as Record<string, unknown>,
      }),
    ),
  );
  return toolSpecsMemo;
}

/** The /schema document (generated once). */
export function schemaDocument(): { action: unknown; observation: unknown; state: unknown } {
  schemaMemo ??= {
    action: z.toJSONSchema(Action, { io: 'input' }),
    observation: z.toJSONSchema(Observation, { io: 'input' }),
    state: z.toJSONSchema(State, { io: 'input' }),
  };
  return schemaMemo;
}
