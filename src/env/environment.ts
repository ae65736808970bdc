/**
 * One OpenEnv environment instance (what a session owns): reset / step / state over a core Episode, the
 * list_tools / call_tool action union, and the MCP call-result shape. Every transport goes through here,
 * so HTTP, WS and MCP give the same observations, rewards and errors.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { z } from 'zod';
import { type DirectValue, LazyValue } from '../core/direct-value.js';
import { type CallResult, Episode } from '../core/episode.js';
import { BenchError } from '../core/errors.js';
import type { ResolvedTask } from '../core/task-spec.js';
import type { TaskInfoText } from '../core/task-info.js';
import type { TaskCatalog } from './task-catalog.js';
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
  /** The task's get_task_info text writer, kept once per task by the service. */
  readonly infoText: (task: ResolvedTask) => TaskInfoText | undefined;
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
function summary(r: { value: Record<string, unknown>; direct?: DirectValue }): string {
  const d = r.direct;
  if (d?.rowCount !== undefined) return `status=${d.status} rows=${d.rowCount} (full result in data)`;
  const value = r.value;
  const rows = Array.isArray(value.rows) ? ` rows=${value.rows.length}` : '';
  const status =
    value.status !== undefined ? `status=${value.status}` : `keys=${Object.keys(value).join(',')}`;
  return `${status}${rows} (full result in data)`;
}

/** How a WiredResult carries its value. */
interface Wire {
  readonly direct: DirectValue;
  readonly format: ResultFormat;
}

/**
 * A successful call result, made from the value's DirectValue: wireJson splices the value's text into the
 * frame, and the object faces (structured_content, data) are built only when something reads them;
 * JSON.stringify reads them through toJSON, in the result's field order. The accessors are on the
 * prototype: accessor literals made per call would give every result its own hidden class, allocated in
 * old space, which made scavenges slow and promoted young objects.
 */
class WiredResult implements McpCallResult {
  readonly content: Array<{ type: 'text'; text: string }>;
  readonly is_error = false;
  readonly meta = null;
  readonly #wire: Wire;

  constructor(wire: Wire, text: string) {
    this.#wire = wire;
    this.content = [{ type: 'text', text }];
  }

  static wireOf(r: unknown): Wire | undefined {
    return r instanceof WiredResult ? r.#wire : undefined;
  }

  get structured_content(): Record<string, unknown> | null {
    return this.#wire.format === 'full' ? this.#wire.direct.value() : null;
  }

  get data(): unknown {
    return this.#wire.direct.value();
  }

  toJSON(): McpCallResult {
    const { content, structured_content, data, is_error, meta } = this;
    return { content, structured_content, data, is_error, meta };
  }
}

/**
 * The JSON text of a step result (or any value), byte-identical to JSON.stringify (tested). A call result
 * made from a DirectValue is written from its text: in `full`, the text is spliced in for content,
 * structured_content and data (with its escaped form, when the value has one cached) instead of
 * serialising the value three times; in `compact`, once for data.
 */
export function wireJson(value: unknown): string {
  const r = value as StepResult;
  const result = r?.observation?.result as McpCallResult | null | undefined;
  const wire = WiredResult.wireOf(result);
  if (wire === undefined || Object.keys(r.observation).length !== 3) return JSON.stringify(value);
  const d = wire.direct;
  const text = d.json();
  const body =
    wire.format === 'full'
      ? `${d.escapedJson?.() ?? JSON.stringify(text)}}],"structured_content":${text},"data":${text}`
      : `${JSON.stringify(result!.content[0]!.text)}}],"structured_content":null,"data":${text}`;
  return (
    `{"observation":{"tool_name":${JSON.stringify(r.observation.tool_name)},"result":{"content":[{"type":"text","text":` +
    `${body},"is_error":false,"meta":null},"error":null},"reward":${JSON.stringify(r.reward)},"done":${JSON.stringify(r.done)}}`
  );
}

/** A value that came as an object, with its text made once on demand. */
const plainValue = (value: Record<string, unknown>): DirectValue =>
  new LazyValue(
    () => value,
    () => JSON.stringify(value),
  );

/** The MCP CallToolResult of a core tool outcome (tool-level errors are results with is_error true). */
export function toMcpResult(r: CallResult, format: ResultFormat = 'full'): McpCallResult {
  const o = r.outcome;
  if (o.ok) {
    const direct = o.direct ?? plainValue(o.value);
    return new WiredResult({ direct, format }, format === 'full' ? direct.json() : summary(o));
  }
  const error = o.error.toJSON();
  const value = { error };
  return {
    content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
    structured_content: value,
    data: value,
    is_error: true,
    meta: null,
  };
}

/** A JSON object (not null, not an array): what zod's z.record accepts of parsed JSON. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The common action, a well-formed call_tool, checked without zod (null for anything else, which the
 * Action schema then accepts or rejects with its errors).
 */
function callToolAction(raw: unknown): Action | null {
  if (!isRecord(raw) || raw.type !== 'call_tool') return null;
  for (const k in raw) {
    if (k !== 'type' && k !== 'tool_name' && k !== 'arguments' && k !== 'metadata') return null;
  }
  const { tool_name, arguments: args, metadata } = raw;
  if (typeof tool_name !== 'string' || tool_name.length === 0) return null;
  if ((args !== undefined && !isRecord(args)) || (metadata !== undefined && !isRecord(metadata))) return null;
  const action: Action = { type: 'call_tool', tool_name, arguments: args ?? {} };
  if (metadata !== undefined) action.metadata = metadata;
  return action;
}

export class ComtradeEnvironment {
  private ep: Episode | null = null;
  private format: ResultFormat;

  constructor(private readonly ctx: EnvContext) {
    this.format = ctx.resultFormat;
  }

  /** How this episode's call results carry tool values (reset's result_format, else the server's). */
  get resultFormat(): ResultFormat {
    return this.format;
  }

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
    this.ep = new Episode({
      task,
      seed,
      episodeId,
      salt: this.ctx.salt,
      saltHash: this.ctx.saltHash,
      rowFormat: req.row_format,
      infoText: this.ctx.infoText(task),
    });
    this.format = req.result_format ?? this.ctx.resultFormat;
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
    let action = callToolAction(raw);
    if (action === null) {
      const parsed = Action.safeParse(raw);
      if (!parsed.success) throw validationError('action', parsed.error);
      action = parsed.data;
    }
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
    const r = ep.runTool(action.tool_name, action.arguments);
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
        result: toMcpResult(r, this.format),
        error: null,
      },
      reward,
      done: r.done,
    };
  }

  /** A direct MCP tools/call (JSON-RPC paths). */
  runTool(name: string, args: unknown): CallResult {
    return this.live().runTool(name, args);
  }

  state(): Record<string, unknown> {
    return this.ep === null ? { episode_id: null, step_count: 0 } : this.ep.state();
  }

  /** Ends the live episode without a submission (close, idle reap, shutdown). */
  close(reason: 'closed' | 'idle_timeout' = 'closed'): void {
    if (this.ep !== null && !this.ep.done) this.ep.end(reason);
  }
}
