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
import { faultOf, type FaultKind, type RecordedCall } from './events.js';
import type { TaskCatalog } from './task-catalog.js';
import { approxJsonBytes } from './trajectory.js';
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
  /** Where the environment reports episodes and tool calls (src/env/sessions.ts); none in-process. */
  readonly events?: EnvEvents;
}

/** What an environment reports to its store, which tells the observers (src/env/events.ts). */
export interface EnvEvents {
  started(self: ComtradeEnvironment, ep: Episode): void;
  called(self: ComtradeEnvironment, tool: string, ok: boolean, fault: FaultKind | null): void;
  ended(self: ComtradeEnvironment, ep: Episode): void;
  /** Whether this environment keeps its episodes' calls (for GET /episodes/:id/trajectory). */
  recordsCalls(self: ComtradeEnvironment): boolean;
  /** Asks for `bytes` more of recorded calls under the store's bound; false: stop recording this episode. */
  reserve(bytes: number): boolean;
  /** Gives back bytes of recorded calls that are dropped. */
  release(bytes: number): void;
}

/** What one recorded call costs beyond its arguments (the entry, its name, the array slot). */
const CALL_OVERHEAD_BYTES = 64;

export class ComtradeEnvironment {
  private ep: Episode | null = null;
  private format: ResultFormat;
  private label: string | null = null;
  /** The current episode's calls, in order, when the store asked for them (null otherwise). */
  private calls: RecordedCall[] | null = null;
  /** The approximate size of `calls` (approxJsonBytes), reserved from the store. */
  private callsBytes = 0;

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

  /** The current episode's agent_label (reset), or null. */
  get agentLabel(): string | null {
    return this.label;
  }

  /**
   * The current episode's tool calls (name and arguments as given), when this environment records them;
   * replies are not kept: they are a pure function of the calls (src/env/trajectory.ts regenerates them).
   */
  get recordedCalls(): readonly RecordedCall[] | null {
    return this.calls;
  }

  /** The approximate size of the recorded calls, as reserved from the store. */
  get recordedBytes(): number {
    return this.callsBytes;
  }

  /** Drops the recorded calls (the store's memory bound); the trajectory is then no longer available. */
  forgetCalls(): void {
    this.calls = null;
    this.callsBytes = 0;
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
    if (previous !== null && !previous.done) this.end(previous, 'closed');
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
    this.label = req.agent_label ?? null;
    const events = this.ctx.events;
    this.calls = events?.recordsCalls(this) === true ? [] : null;
    this.callsBytes = 0;
    this.ctx.onEpisode(this, previous?.episodeId ?? null, episodeId);
    events?.started(this, this.ep);
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
    const r = this.run(ep, action.tool_name, action.arguments);
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
    const ep = this.liveEpisode();
    // After the end the episode answers CB_ERR_EPISODE_DONE and counts nothing: not a call to record.
    return ep.done ? ep.runTool(name, args) : this.run(ep, name, args);
  }

  /** A call to a live episode: run, recorded (when asked), reported. */
  private run(ep: Episode, name: string, args: unknown): CallResult {
    const trace = ep.api.trace;
    const before = trace.length;
    const r = ep.runTool(name, args);
    const events = this.ctx.events;
    if (this.calls !== null && events !== undefined) this.record(events, name, args);
    if (events !== undefined) {
      events.called(this, name, r.outcome.ok, trace.length > before ? faultOf(trace[before]!.kind) : null);
      if (r.done) events.ended(this, ep);
    }
    return r;
  }

  /** Records a call, or stops recording this episode when the store's bound is reached. */
  private record(events: EnvEvents, name: string, args: unknown): void {
    const bytes = CALL_OVERHEAD_BYTES + name.length + approxJsonBytes(args);
    if (events.reserve(bytes)) {
      this.calls!.push({ name, arguments: args });
      this.callsBytes += bytes;
    } else {
      events.release(this.callsBytes);
      this.forgetCalls();
    }
  }

  /** Ends a live episode without a submission and reports it. */
  private end(ep: Episode, reason: 'closed' | 'idle_timeout'): void {
    ep.end(reason);
    this.ctx.events?.ended(this, ep);
  }

  state(): Record<string, unknown> {
    return this.ep === null ? { episode_id: null, step_count: 0 } : this.ep.state();
  }

  /** Ends the live episode without a submission (close, idle reap, shutdown). */
  close(reason: 'closed' | 'idle_timeout' = 'closed'): void {
    if (this.ep !== null && !this.ep.done) this.end(this.ep, reason);
  }
}
