/**
 * One OpenEnv environment instance (what a session owns): reset / step / state over a core Episode, and
 * the list_tools / call_tool action union. Every transport goes through here, so HTTP, WS and MCP apply the
 * same rules and get the same outcomes. It returns plain values; how they are written on each transport
 * (observation triples, call results, frames) is src/server/wire/.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { type CallResult, Episode, type ToolOutcome } from '../core/episode.js';
import { BenchError } from '../core/errors.js';
import type { ResolvedTask } from '../core/task-spec.js';
import type { TaskInfoText } from '../core/task-info.js';
import type { TaskCatalog } from './task-catalog.js';
import {
  actionEnvelope,
  checked,
  parseEnvelope,
  ResetRequest,
  type ToolSpecs,
  toolSpecs,
} from './schemas.js';

/** The default task when reset names none. */
export const DEFAULT_TASK = 'T1_single_page';

/** OpenEnv's reward for every non-terminal step and for reset. */
export const NON_TERMINAL_REWARD = 0.0;

/**
 * How call results carry a tool's value on the OpenEnv paths (step and OpenEnv JSON-RPC), chosen per
 * episode at reset (else the server's TOOL_RESULT_FORMAT):
 * - `full` (default, upstream's shape): the value as JSON text in `content`, and again in
 *   `structured_content` and `data`, so every kind of client finds it (rows travel three times);
 * - `compact`: the value once, in `data` (what OpenEnv's Python clients return from call_tool), with a
 *   one-line summary in `content` and `structured_content` null.
 */
export type ResultFormat = 'full' | 'compact';

interface Scored {
  readonly reward: number;
  readonly done: boolean;
}

/** What reset returns: the task (get_task_info's fields, episode_id included) and the tool list. */
export interface ResetStep extends Scored {
  readonly kind: 'reset';
  readonly observation: Record<string, unknown>;
}

/** A list_tools step. */
export interface ListToolsStep extends Scored {
  readonly kind: 'list_tools';
  readonly tools: ToolSpecs;
}

/** A call_tool step: the tool's outcome, and how this episode's results carry values. */
export interface CallToolStep extends Scored {
  readonly kind: 'call_tool';
  readonly toolName: string;
  readonly outcome: ToolOutcome;
  readonly format: ResultFormat;
}

/** The outcome of reset or step, told apart by `kind`; src/server/wire/step.ts writes it. */
export type StepResult = ResetStep | ListToolsStep | CallToolStep;

/** What an environment needs from the service around it. */
export interface EnvContext {
  readonly catalog: TaskCatalog;
  readonly salt: string;
  readonly saltHash: string | null;
  /** True when another environment's episode holds this id (a live episode, or a kept HTTP one). */
  readonly episodeIdTaken: (episodeId: string, self: ComtradeEnvironment) => boolean;
  /** How call results carry tool values on the OpenEnv paths, unless a reset says otherwise. */
  readonly resultFormat: ResultFormat;
  /** The task's get_task_info text writer, kept once per task by the service. */
  readonly infoText: (task: ResolvedTask) => TaskInfoText | undefined;
  /**
   * Run once a reset request is valid, before anything changes; throws to refuse the reset (the store's
   * per-client rate gate). Absent: every reset is admitted.
   */
  readonly admitReset?: (self: ComtradeEnvironment) => void;
  /** Told when this environment's episode id changes (for the store's index). */
  readonly onEpisode: (self: ComtradeEnvironment, previousId: string | null, episodeId: string) => void;
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
  reset(raw: unknown): ResetStep {
    const req = checked(ResetRequest, 'reset request', raw ?? {});
    const task = this.ctx.catalog.resolve(req.task_id ?? DEFAULT_TASK, req.profile);
    const episodeId = req.episode_id ?? randomBytes(16).toString('hex');
    if (this.ctx.episodeIdTaken(episodeId, this)) {
      throw new BenchError('CB_ERR_EPISODE_CONFLICT', { episode_id: episodeId });
    }
    this.ctx.admitReset?.(this);
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
      kind: 'reset',
      observation: { ...this.ep.taskInfo(), tools: toolSpecs() },
      reward: NON_TERMINAL_REWARD,
      done: false,
    };
  }

  private liveEpisode(): Episode {
    if (this.ep === null) throw new BenchError('CB_ERR_NOT_RESET');
    return this.ep;
  }

  /** An OpenEnv step with an MCP action (list_tools or call_tool). */
  step(raw: unknown): ListToolsStep | CallToolStep {
    const action = parseEnvelope(actionEnvelope, raw);
    const ep = this.liveEpisode();
    if (action.type === 'list_tools') {
      return {
        kind: 'list_tools',
        tools: toolSpecs(),
        reward: ep.breakdown?.reward ?? NON_TERMINAL_REWARD,
        done: ep.done,
      };
    }
    if (ep.done) {
      throw new BenchError('CB_ERR_EPISODE_DONE', { episode_id: ep.episodeId, end_reason: ep.endReason! });
    }
    const r = ep.runTool(action.tool_name, action.arguments);
    return {
      kind: 'call_tool',
      toolName: action.tool_name,
      outcome: r.outcome,
      format: this.format,
      reward: r.reward ?? NON_TERMINAL_REWARD,
      done: r.done,
    };
  }

  /** A tool call outside step (MCP tools/call, in-process agents): the core outcome, not a step. */
  runTool(name: string, args: unknown): CallResult {
    return this.liveEpisode().runTool(name, args);
  }

  state(): Record<string, unknown> {
    return this.ep === null ? { episode_id: null, step_count: 0 } : this.ep.state();
  }

  /** Ends the live episode without a submission (close, idle reap, shutdown). */
  close(reason: 'closed' | 'idle_timeout' = 'closed'): void {
    if (this.ep !== null && !this.ep.done) this.ep.end(reason);
  }
}
