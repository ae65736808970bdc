/** Runs one agent for one episode on any EnvConnection and reports its result record (and trajectory). */
import type { EnvConnection, ResetOptions, ToolReply } from '../env/connection.js';
import type { Trajectory, TrajectoryRecorder } from '../env/trajectory.js';
import { breakdownOf, type EpisodeOutcome, outcomeOf } from '../results/record.js';
import type { Agent } from './types.js';

/** What a scripted agent achieved in an episode (src/results/record.ts). */
export type EpisodeResult = EpisodeOutcome;

export interface RunEpisodeOptions {
  readonly repeat?: number;
}

export async function runEpisode(
  env: EnvConnection,
  agent: Agent,
  opts: ResetOptions,
  extra: RunEpisodeOptions = {},
): Promise<EpisodeResult> {
  const observation = await env.reset(opts);
  let final: ToolReply | null = null;
  const watched: EnvConnection = {
    reset: (o) => env.reset(o),
    close: () => env.close(),
    callTool: async (name, args) => {
      const r = await env.callTool(name, args);
      if (r.done && final === null) final = r;
      return r;
    },
  };
  await agent.run(watched);
  // Requests and time of an episode that did not end in a submission come from its state.
  const state = breakdownOf(final) === null && env.state !== undefined ? await env.state() : null;
  return outcomeOf(observation, final, state, { agent: agent.name, repeat: extra.repeat ?? 0 });
}

/**
 * Runs one agent for one episode through a trajectory recorder: the outcome (with the characters of tool
 * output the agent received) and the episode's trajectory (src/env/trajectory.ts).
 */
export async function runRecordedEpisode(
  recorder: TrajectoryRecorder,
  agent: Agent,
  opts: ResetOptions,
  extra: RunEpisodeOptions = {},
): Promise<{ outcome: EpisodeOutcome; trajectory: Trajectory }> {
  const result = await runEpisode(recorder, agent, opts, extra);
  const outcome = { ...result, tool_chars: recorder.toolChars };
  const trajectory = recorder.trajectory({
    agent: agent.name,
    model: null,
    repeat: extra.repeat ?? 0,
    endReason: outcome.end_reason,
    score: outcome.score,
  });
  return { outcome, trajectory };
}
