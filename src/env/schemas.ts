/**
 * OpenEnv wire schemas: reset request, the step action union (list_tools / call_tool), observations and
 * state. The JSON Schemas served at /schema are generated from these zod schemas, and tool input schemas
 * from the core tool definitions.
 */
import { z } from 'zod';
import { ROW_FORMATS } from '../core/row-format.js';
import { TOOLS } from '../core/tools.js';
import { MAX_SEED } from '../core/versions.js';

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

export const CallToolResultSchema = z.object({
  content: z.array(z.object({ type: z.literal('text'), text: z.string() })),
  structured_content: z.record(z.string(), z.unknown()).nullable(),
  data: z.unknown(),
  is_error: z.boolean(),
  meta: z.record(z.string(), z.unknown()).nullable(),
});

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
    result: CallToolResultSchema.nullable().optional(),
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

type ToolSpecs = ReadonlyArray<Readonly<z.infer<typeof ToolSpec>>>;
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
