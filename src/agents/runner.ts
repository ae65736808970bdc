/** Runs one agent for one episode on any EnvConnection and reports the result row. */
import { type Breakdown, DIMENSIONS, type Dimension } from '../core/judge/index.js';
import type { EnvConnection, ResetOptions, ToolReply } from '../env/connection.js';
import type { Agent } from './types.js';

export interface EpisodeResult {
  readonly task_id: string;
  readonly seed: number;
  readonly profile: string;
  readonly agent: string;
  readonly score: number;
  /** Points per dimension. */
  readonly dimensions: Record<Dimension, number>;
  readonly requests: number;
  readonly virtual_time_s: number;
  readonly end_reason: string;
  readonly benchmark_version: string;
  readonly judge_version: string;
  readonly task_hash: string;
  readonly evidence: Record<string, number | string>;
}

const ZERO = Object.fromEntries(DIMENSIONS.map((d) => [d, 0])) as Record<Dimension, number>;

export async function runEpisode(
  env: EnvConnection,
  agent: Agent,
  opts: ResetOptions,
): Promise<EpisodeResult> {
  const info = await env.reset(opts);
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
  const end = final as ToolReply | null;
  const breakdown = end?.value?.breakdown as Breakdown | undefined;
  const base = {
    task_id: info.task_id as string,
    seed: info.seed as number,
    profile: info.profile as string,
    agent: agent.name,
    benchmark_version: info.benchmark_version as string,
    judge_version: info.judge_version as string,
    task_hash: info.task_hash as string,
  };
  if (breakdown === undefined) {
    const value = end?.value ?? {};
    return {
      ...base,
      score: 0,
      dimensions: { ...ZERO },
      requests: 0,
      virtual_time_s: (value.virtual_time_s as number) ?? 0,
      end_reason: end === null ? 'not_ended' : 'step_limit',
      evidence: {},
    };
  }
  return {
    ...base,
    score: breakdown.score,
    dimensions: Object.fromEntries(DIMENSIONS.map((d) => [d, breakdown.dimensions[d].points])) as Record<
      Dimension,
      number
    >,
    requests: breakdown.evidence.r,
    virtual_time_s: breakdown.evidence.t_s,
    end_reason: breakdown.end_reason,
    evidence: breakdown.evidence,
  };
}
