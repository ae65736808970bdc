/**
 * One OpenEnv environment instance (what a session owns): reset / step / state over a core Episode, the
 * list_tools / call_tool action union, and the MCP call-result shape. Every transport goes through here,
 * so HTTP, WS and MCP give the same observations, rewards and errors.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { z } from 'zod';
import { type CallResult, Episode } from '../core/episode.js';
import { BenchError } from '../core/errors.js';
import type { TaskCatalog } from '../task-catalog.js';
import { Action, ResetRequest, toolSpecs } from './schemas.js';

/** The default task when reset names none. */
export const DEFAULT_TASK = 'T1_single_page';

/** OpenEnv's reward for every non-terminal step and for reset. */
export const NON_TERMINAL_REWARD = 0.0;

export interface StepResult {
  readonly observation: Record<string, unknown>;
  readonly reward: number | null;
  readonly done: boolean;
}

export interface McpCallResult {
  content: Array<{ type: 'text'; text: string }>;
  structured_content: Record<string, unknown> | null;
  data: unknown;
  is_error: boolean;
  meta: Record<string, unknown> | null;
}

/** What an environment needs from the service around it. */
export interface EnvContext {
  readonly catalog: TaskCatalog;
  readonly salt: string;
  readonly saltHash: string | null;
  /** True when a live episode of another environment has this id. */
  readonly episodeIdTaken: (episodeId: string, self: ComtradeEnvironment) => boolean;
  /** How call results carry tool values on the OpenEnv paths. */
  readonly resultFormat: ResultFormat;
  /** Told when this environment's episode id changes (for the store's index). */
  readonly onEpisode: (self: ComtradeEnvironment, previousId: string | null, episodeId: string) => void;
}

/** A validation failure as a typed error carrying pydantic-like error entries (loc, msg, type). */
export function validationError(what: string, error: z.ZodError): BenchError {
  const errors = error.issues.map((i) => ({ type: i.code, loc: i.path, msg: i.message }));
  const first = errors[0];
  const where = first && first.loc.length > 0 ? ` at ${first.loc.join('.')}` : '';
  return new BenchError('CB_ERR_VALIDATION', `invalid ${what}${where}: ${first?.msg ?? 'invalid'}`, {
    errors,
  });
}

/**
 * How call results carry a tool's value on the OpenEnv paths (step and OpenEnv JSON-RPC):
 * - `full` (default, upstream's shape): the value as JSON text in `content`, and again in
 *   `structured_content` and `data`, so every kind of client finds it (rows travel three times);
 * - `compact`: the value once, in `data` (what OpenEnv's Python clients return from call_tool), with a
 *   one-line summary in `content` and `structured_content` null.
 */
export type ResultFormat = 'full' | 'compact';

/** The one-line summary `compact` results carry as text. */
function summary(value: Record<string, unknown>): string {
  const rows = Array.isArray(value.rows) ? ` rows=${value.rows.length}` : '';
  const status =
    value.status !== undefined ? `status=${value.status}` : `keys=${Object.keys(value).join(',')}`;
  return `${status}${rows} (full result in data)`;
}

/** A full result's value, already serialised once (symbol keys are invisible to JSON.stringify). */
const VALUE_JSON = Symbol('valueJson');
type FullResult = McpCallResult & { [VALUE_JSON]?: string };

/**
 * The JSON text of a step result (or any value). For a `full` call result the tool's value was serialised
 * once when the result was made; that text is spliced in for content, structured_content and data instead
 * of serialising the rows three more times. The output is byte-identical to JSON.stringify (tested).
 */
export function wireJson(value: unknown): string {
  const r = value as StepResult;
  const result = r?.observation?.result as FullResult | null | undefined;
  const text = result?.[VALUE_JSON];
  if (text === undefined || Object.keys(r.observation).length !== 3) return JSON.stringify(value);
  return (
    `{"observation":{"tool_name":${JSON.stringify(r.observation.tool_name)},"result":{"content":[{"type":"text","text":` +
    `${JSON.stringify(text)}}],"structured_content":${text},"data":${text},"is_error":false,"meta":null},` +
    `"error":null},"reward":${JSON.stringify(r.reward)},"done":${JSON.stringify(r.done)}}`
  );
}

/** The MCP CallToolResult of a core tool outcome (tool-level errors are results with is_error true). */
export function toMcpResult(r: CallResult, format: ResultFormat = 'full'): McpCallResult {
  if (r.outcome.ok) {
    const value = r.outcome.value;
    if (format === 'compact') {
      return {
        content: [{ type: 'text', text: summary(value) }],
        structured_content: null,
        data: value,
        is_error: false,
        meta: null,
      };
    }
    const text = JSON.stringify(value);
    const full: FullResult = {
      content: [{ type: 'text', text }],
      structured_content: value,
      data: value,
      is_error: false,
      meta: null,
    };
    full[VALUE_JSON] = text;
    return full;
  }
  const error = r.outcome.error.toJSON();
  const value = { error };
  return {
    content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
    structured_content: value,
    data: value,
    is_error: true,
    meta: null,
  };
}

export class ComtradeEnvironment {
  private ep: Episode | null = null;

  constructor(private readonly ctx: EnvContext) {}

  get episode(): Episode | null {
    return this.ep;
  }

  /** Starts a new episode (ending the current one, if live, as 'closed'). */
  reset(raw: unknown): StepResult {
    const parsed = ResetRequest.safeParse(raw ?? {});
    if (!parsed.success) throw validationError('reset request', parsed.error);
    const req = parsed.data;
    const task = this.ctx.catalog.resolve(req.task_id ?? DEFAULT_TASK, req.profile);
    const episodeId = req.episode_id ?? randomBytes(16).toString('hex');
    if (this.ctx.episodeIdTaken(episodeId, this)) {
      throw new BenchError(
        'CB_ERR_EPISODE_CONFLICT',
        `episode_id '${episodeId}' is a live episode of another session; choose another id or omit it`,
      );
    }
    const seed = req.seed ?? randomInt(0, 2 ** 32);
    const previous = this.ep;
    if (previous !== null && !previous.done) previous.end('closed');
    this.ep = new Episode({ task, seed, episodeId, salt: this.ctx.salt, saltHash: this.ctx.saltHash });
    this.ctx.onEpisode(this, previous?.episodeId ?? null, episodeId);
    return {
      observation: { ...this.ep.taskInfo(), tools: toolSpecs() },
      reward: NON_TERMINAL_REWARD,
      done: false,
    };
  }

  private live(): Episode {
    if (this.ep === null) throw new BenchError('CB_ERR_NOT_RESET', 'no episode yet: call reset first');
    return this.ep;
  }

  /** An OpenEnv step with an MCP action. */
  step(raw: unknown): StepResult {
    const parsed = Action.safeParse(raw);
    if (!parsed.success) throw validationError('action', parsed.error);
    const action = parsed.data;
    const ep = this.live();
    if (action.type === 'list_tools') {
      return {
        observation: { tools: toolSpecs() },
        reward: ep.done ? ep.breakdown!.reward : NON_TERMINAL_REWARD,
        done: ep.done,
      };
    }
    if (ep.done) {
      throw new BenchError(
        'CB_ERR_EPISODE_DONE',
        `episode ${ep.episodeId} has ended (${ep.endReason}); reset to start a new one`,
      );
    }
    const r = ep.callTool(action.tool_name, action.arguments);
    const reward = r.done ? r.reward : NON_TERMINAL_REWARD;
    if (!r.outcome.ok && r.outcome.error.code === 'CB_ERR_UNKNOWN_TOOL') {
      return {
        observation: {
          tool_name: action.tool_name,
          result: null,
          error: { error_type: 'tool_not_found', message: r.outcome.error.message },
        },
        reward,
        done: r.done,
      };
    }
    return {
      observation: {
        tool_name: action.tool_name,
        result: toMcpResult(r, this.ctx.resultFormat),
        error: null,
      },
      reward,
      done: r.done,
    };
  }

  /** A direct MCP tools/call (JSON-RPC paths). */
  callTool(name: string, args: unknown): CallResult {
    return this.live().callTool(name, args);
  }

  state(): Record<string, unknown> {
    return this.ep === null ? { episode_id: null, step_count: 0 } : this.ep.state();
  }

  /** Ends the live episode without a submission (close, idle reap, shutdown). */
  close(reason: 'closed' | 'idle_timeout' = 'closed'): void {
    if (this.ep !== null && !this.ep.done) this.ep.end(reason);
  }
}
