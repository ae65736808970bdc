/**
 * One model episode end to end: a fresh connection, reset, the model's loop (src/eval/loop.ts), the
 * episode closed whatever happened, and its result record and trajectory. Everything the record and the
 * trajectory say comes from the environment's own replies and state (src/results/record.ts,
 * src/env/trajectory.ts); the loop adds only what the provider reported.
 */
import type { EnvConnection } from '../env/connection.js';
import { AgentLabel } from '../env/schemas.js';
import { type Trajectory, TrajectoryRecorder } from '../env/trajectory.js';
import { breakdownOf, type EpisodeRecord, outcomeOf, recordOf } from '../results/record.js';
import { type ModelRunOptions, runModel } from './loop.js';

export interface EvalJob {
  readonly task_id: string;
  readonly seed: number;
  readonly repeat: number;
}

export interface EvalOptions extends Omit<ModelRunOptions, 'signal'> {
  /** The label results carry (`--agent-label`, default the model name). */
  readonly label: string;
  readonly profile: string;
  /** Opens one connection per episode (in-process, or a /ws session); closing it ends the episode. */
  readonly connect: () => Promise<EnvConnection>;
}

export interface EpisodeOutput {
  readonly record: EpisodeRecord;
  readonly trajectory: Trajectory;
}

export async function evalEpisode(
  job: EvalJob,
  opts: EvalOptions,
  signal?: AbortSignal,
): Promise<EpisodeOutput> {
  const started = performance.now();
  const env = new TrajectoryRecorder(await opts.connect());
  try {
    const observation = await env.reset({
      task_id: job.task_id,
      seed: job.seed,
      profile: opts.profile,
      // A server ranks the run under its label; a model name that is no valid label is not sent.
      agent_label: AgentLabel.safeParse(opts.label).success ? opts.label : undefined,
    });
    const run = await runModel(env, observation, { ...opts, signal });
    const final = env.final;
    const state = breakdownOf(final) === null && env.state !== undefined ? await env.state() : null;
    const outcome = outcomeOf(observation, final, state, {
      repeat: job.repeat,
      agent: opts.label,
      model: opts.model,
      endReason: run.ending === 'ended' ? undefined : run.ending,
      turns: run.turns,
      promptTokens: run.promptTokens,
      completionTokens: run.completionTokens,
      toolChars: run.toolChars,
    });
    const record = recordOf(outcome, observation.episode_id as string, started);
    const trajectory = env.trajectory({
      agent: opts.label,
      model: opts.model,
      repeat: job.repeat,
      endReason: record.end_reason,
      score: record.score,
      conversation: run.messages,
      toolCallIds: run.toolCallIds,
    });
    return { record, trajectory };
  } finally {
    await env.close();
  }
}
