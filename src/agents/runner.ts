/** Runs one agent for one episode on any EnvConnection and reports its result record. */
import type { EnvConnection, ResetOptions, ToolReply } from '../env/connection.js';
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
