/**
 * An EnvConnection to an environment in this process: no server and no serialisation, but the same
 * ComtradeEnvironment every transport drives, so every rule the wire enforces (the step envelope, unknown
 * tools, steps after the end) holds here too, and replies come through the same toolReplyOf.
 */
import { BenchError } from '../core/errors.js';
import type { Episode } from '../core/episode.js';
import {
  type EnvConnection,
  refusedStep,
  type ResetOptions,
  type ToolReply,
  toolReplyOfStep,
} from './connection.js';
import { type CallToolStep, ComtradeEnvironment, type ListToolsStep } from './environment.js';
import { saltHashOf } from './salt.js';
import type { TaskCatalog } from './task-catalog.js';

export class InProcessEnv implements EnvConnection {
  private readonly env: ComtradeEnvironment;

  constructor(catalog: TaskCatalog, salt = '') {
    this.env = new ComtradeEnvironment({
      catalog,
      salt,
      saltHash: saltHashOf(salt),
      // One environment, so no other live episode can hold an id.
      episodeIdTaken: () => false,
      // Values are read as objects here; the compact shape builds no text for them.
      resultFormat: 'compact',
      // In-process callers read values, never get_task_info's JSON text.
      infoText: () => undefined,
      onEpisode: () => undefined,
    });
  }

  /** The live core episode (for tests, replays and the runner's evidence). */
  get current(): Episode | null {
    return this.env.episode;
  }

  async reset(opts: ResetOptions): Promise<Record<string, unknown>> {
    const req: Record<string, unknown> = { task_id: opts.task_id, seed: opts.seed };
    if (opts.profile !== undefined) req.profile = opts.profile;
    if (opts.row_format !== undefined) req.row_format = opts.row_format;
    if (opts.episode_id !== undefined) req.episode_id = opts.episode_id;
    if (opts.agent_label !== undefined) req.agent_label = opts.agent_label;
    return this.env.reset(req).observation;
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<ToolReply> {
    let step: ListToolsStep | CallToolStep;
    try {
      step = this.env.step({ type: 'call_tool', tool_name: name, arguments: args });
    } catch (e) {
      if (e instanceof BenchError) return refusedStep(e.toJSON());
      throw e;
    }
    // A call_tool action always gives a call_tool step.
    return toolReplyOfStep(step as CallToolStep);
  }

  async state(): Promise<Record<string, unknown>> {
    return this.env.state();
  }

  async close(): Promise<void> {
    this.env.close('closed');
  }
}
