/**
 * One result line per episode, the same for scripted agents (`comtradebench run`) and models
 * (`comtradebench eval`): what ran, what it scored per dimension, how it ended, what it cost, and the
 * versions that make results comparable. Built from what any client sees: the reset observation, the
 * reply that ended the episode (its breakdown when it was a submission) and the episode's state.
 */
import type { Episode } from '../core/episode.js';
import { type Breakdown, DIMENSIONS, type Dimension, type HeadlineEvidence } from '../core/judge/index.js';
import type { ToolReply } from '../env/connection.js';

/**
 * What an agent achieved in an episode: a function of the task, the seed and the agent's calls alone, so it
 * is the same in-process and over any transport.
 */
export interface EpisodeOutcome {
  readonly task_id: string;
  readonly seed: number;
  readonly profile: string;
  /** 0-based repeat of this (task, seed) (`--repeats`). */
  readonly repeat: number;
  /** The agent's name, or the model run's label (`--agent-label`, default the model name). */
  readonly agent: string;
  /** The model name for `eval`; null for scripted agents. */
  readonly model: string | null;
  readonly score: number;
  /** Points per dimension. */
  readonly dimensions: Record<Dimension, number>;
  /**
   * submitted, step_limit (the task's max_steps), max_turns and context_overflow (eval), not_ended
   * (a scripted agent returned without ending the episode).
   */
  readonly end_reason: string;
  readonly requests: number;
  readonly virtual_time_s: number;
  /** Model turns (chat completions answered); null for scripted agents. */
  readonly turns: number | null;
  /** Provider-reported tokens summed over the episode; null when not reported (or a scripted agent). */
  readonly prompt_tokens: number | null;
  readonly completion_tokens: number | null;
  /** Characters of tool output the agent received (the JSON text of every reply); null when not measured. */
  readonly tool_chars: number | null;
  readonly benchmark_version: string;
  readonly judge_version: string;
  readonly task_hash: string;
  readonly seed_salt_hash: string | null;
  /** The judge's headline evidence (empty when the episode ended without a submission). */
  readonly evidence: Partial<HeadlineEvidence>;
}

/** The result line of one episode: the outcome, and the run's own episode id and wall time. */
export interface EpisodeRecord extends EpisodeOutcome {
  readonly episode_id: string;
  readonly wall_time_s: number;
}

/** The record of an outcome, run as `episodeId` and started at `startedMs` (performance.now()). */
export function recordOf(outcome: EpisodeOutcome, episodeId: string, startedMs: number): EpisodeRecord {
  return {
    ...outcome,
    episode_id: episodeId,
    wall_time_s: Math.round(performance.now() - startedMs) / 1000,
  };
}

/** What the record needs beyond the environment's own answers; defaults fit a scripted agent. */
export interface RecordExtras {
  readonly repeat?: number;
  readonly agent: string;
  readonly model?: string | null;
  /** How the episode ended when no reply ended it (max_turns, context_overflow, not_ended). */
  readonly endReason?: string;
  readonly turns?: number | null;
  readonly promptTokens?: number | null;
  readonly completionTokens?: number | null;
  readonly toolChars?: number | null;
}

const ZERO = Object.fromEntries(DIMENSIONS.map((d) => [d, 0])) as Record<Dimension, number>;

/** The breakdown a submission's reply carries, if the reply is one. */
export function breakdownOf(reply: ToolReply | null): Breakdown | null {
  return (reply?.value?.breakdown as Breakdown | undefined) ?? null;
}

/**
 * The outcome of one episode. `observation` is the reset observation, `final` the first reply with
 * done true (null if none), `state` the episode's state before it was closed (requests and virtual time
 * of episodes that ended without a submission).
 */
export function outcomeOf(
  observation: Record<string, unknown>,
  final: ToolReply | null,
  state: Record<string, unknown> | null,
  extras: RecordExtras,
): EpisodeOutcome {
  const breakdown = breakdownOf(final);
  const common = {
    task_id: observation.task_id as string,
    seed: observation.seed as number,
    profile: observation.profile as string,
    repeat: extras.repeat ?? 0,
    agent: extras.agent,
    model: extras.model ?? null,
  };
  const costs = {
    turns: extras.turns ?? null,
    prompt_tokens: extras.promptTokens ?? null,
    completion_tokens: extras.completionTokens ?? null,
    tool_chars: extras.toolChars ?? null,
  };
  const versions = {
    benchmark_version: observation.benchmark_version as string,
    judge_version: observation.judge_version as string,
    task_hash: observation.task_hash as string,
    seed_salt_hash: (observation.seed_salt_hash as string | null) ?? null,
  };
  if (breakdown === null) {
    return {
      ...common,
      score: 0,
      dimensions: { ...ZERO },
      end_reason: final !== null ? 'step_limit' : (extras.endReason ?? 'not_ended'),
      requests: (state?.requests_used as number | undefined) ?? 0,
      virtual_time_s: (state?.virtual_time_s as number | undefined) ?? 0,
      ...costs,
      ...versions,
      evidence: {},
    };
  }
  return {
    ...common,
    score: breakdown.score,
    dimensions: Object.fromEntries(DIMENSIONS.map((d) => [d, breakdown.dimensions[d].points])) as Record<
      Dimension,
      number
    >,
    end_reason: breakdown.end_reason,
    requests: breakdown.evidence.r,
    virtual_time_s: breakdown.evidence.t_s,
    ...costs,
    ...versions,
    evidence: breakdown.evidence,
  };
}

/**
 * The outcome of an episode that ended in this process (a server's own episodes, whatever the transport),
 * read off the episode itself: what outcomeOf reads off the replies a client saw.
 */
export function outcomeOfEnded(ep: Episode, agent: string): EpisodeOutcome {
  const breakdown = ep.breakdown;
  const observation = { task_id: ep.task.id, seed: ep.inst.seed, profile: ep.task.profile, ...ep.versions() };
  const final: ToolReply | null =
    breakdown === null ? null : { value: { breakdown }, error: null, done: true, reward: breakdown.reward };
  return outcomeOf(observation, final, ep.state(), { agent });
}
