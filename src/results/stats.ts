/**
 * Statistics over episode records, per task and overall: mean score with a 95 % bootstrap interval over
 * seeds, success rate, pass^k over repeats, per-dimension means and costs. One implementation for every
 * front end (`run`, `eval`, and any later leaderboard).
 *
 * The unit is the (task, seed) cell: its value is the mean score of its repeats, so repeats of one seed
 * never count as independent seeds. A task's mean is the mean over its cells; the overall mean is the mean
 * over all cells (equal to the mean over episodes when every cell has the same number of repeats). The
 * interval resamples cells with replacement within each task (stratified by task, so the overall interval
 * keeps every task's weight), BOOTSTRAP_RESAMPLES times, with a seeded generator over cells sorted by seed
 * (the same records give the same interval), and takes the 2.5th and 97.5th percentiles of the means.
 */
import seedrandom from 'seedrandom';
import { DIMENSIONS, type Dimension } from '../core/judge/index.js';
import type { EpisodeRecord } from './record.js';

/** An episode succeeds at this score or above (success rate and pass^k). */
export const SUCCESS_SCORE = 95;
export const BOOTSTRAP_RESAMPLES = 10_000;
/** The bootstrap generator's seed. */
export const BOOTSTRAP_SEED = 'comtradebench-bootstrap-v1';

export interface ScoreStats {
  readonly episodes: number;
  /** (task, seed) cells. */
  readonly seeds: number;
  readonly mean_score: number;
  /** 95 % bootstrap interval of the mean over seeds. */
  readonly ci95: readonly [number, number];
  readonly min_score: number;
  readonly max_score: number;
  /** Share of episodes scoring at least SUCCESS_SCORE. */
  readonly success_rate: number;
  /** Share of the cells with all k repeats whose k repeats all succeed; null when k is 1. */
  readonly pass_k: number | null;
  readonly mean_dimensions: Record<Dimension, number>;
  readonly mean_requests: number;
  readonly mean_virtual_time_s: number;
  /** Null when no record of the group has the figure (scripted agents have no turns or tokens). */
  readonly mean_turns: number | null;
  readonly mean_prompt_tokens: number | null;
  readonly mean_completion_tokens: number | null;
  readonly mean_tool_chars: number | null;
  readonly end_reasons: Record<string, number>;
}

export interface TaskSummary extends ScoreStats {
  readonly task_id: string;
}

export interface Summary {
  readonly agent: string;
  readonly model: string | null;
  readonly profile: string;
  /** k: the repeats asked per (task, seed). */
  readonly repeats: number;
  readonly success_score: number;
  readonly bootstrap: { readonly resamples: number; readonly seed: string; readonly unit: string };
  readonly benchmark_version: string;
  readonly judge_version: string;
  readonly overall: ScoreStats;
  readonly tasks: TaskSummary[];
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Mean of the non-null figures, or null when there are none. */
function meanOrNull(xs: ReadonlyArray<number | null>): number | null {
  const present = xs.filter((x): x is number => x !== null);
  return present.length === 0 ? null : r4(mean(present));
}

/** The p-quantile of sorted values (linear interpolation between order statistics). */
function quantile(sorted: ArrayLike<number>, p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

interface Cell {
  readonly seed: number;
  readonly value: number;
  readonly scores: readonly number[];
}

/** A task's cells, sorted by seed: each the mean score of its repeats. */
function cellsOf(records: readonly EpisodeRecord[]): Cell[] {
  const bySeed = new Map<number, number[]>();
  for (const r of records) {
    const scores = bySeed.get(r.seed);
    if (scores === undefined) bySeed.set(r.seed, [r.score]);
    else scores.push(r.score);
  }
  return [...bySeed.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([seed, scores]) => ({ seed, value: mean(scores), scores }));
}

/**
 * The bootstrap interval of the mean over all cells, resampling each stratum's cells with replacement.
 * One generator per call, drawn in a fixed order, so the interval is a function of the cells.
 */
function bootstrapInterval(strata: ReadonlyArray<readonly Cell[]>, resamples: number): [number, number] {
  const total = strata.reduce((n, s) => n + s.length, 0);
  if (total === 0) return [0, 0];
  const rng = seedrandom(BOOTSTRAP_SEED);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (const cells of strata) {
      for (let i = 0; i < cells.length; i++) sum += cells[Math.floor(rng() * cells.length)]!.value;
    }
    means[b] = sum / total;
  }
  means.sort();
  return [r4(quantile(means, 0.025)), r4(quantile(means, 0.975))];
}

function statsOf(
  records: readonly EpisodeRecord[],
  strata: ReadonlyArray<readonly Cell[]>,
  k: number,
  resamples: number,
): ScoreStats {
  const cells = strata.flat();
  const scores = records.map((r) => r.score);
  const complete = cells.filter((c) => c.scores.length >= k);
  const endReasons: Record<string, number> = {};
  for (const r of records) endReasons[r.end_reason] = (endReasons[r.end_reason] ?? 0) + 1;
  return {
    episodes: records.length,
    seeds: cells.length,
    mean_score: r4(mean(cells.map((c) => c.value))),
    ci95: bootstrapInterval(strata, resamples),
    min_score: scores.length === 0 ? 0 : Math.min(...scores),
    max_score: scores.length === 0 ? 0 : Math.max(...scores),
    success_rate: r4(mean(scores.map((s) => (s >= SUCCESS_SCORE ? 1 : 0)))),
    pass_k:
      k <= 1 || complete.length === 0
        ? null
        : r4(mean(complete.map((c) => (c.scores.slice(0, k).every((s) => s >= SUCCESS_SCORE) ? 1 : 0)))),
    mean_dimensions: Object.fromEntries(
      DIMENSIONS.map((d) => [d, r4(mean(records.map((r) => r.dimensions[d])))]),
    ) as Record<Dimension, number>,
    mean_requests: r4(mean(records.map((r) => r.requests))),
    mean_virtual_time_s: r4(mean(records.map((r) => r.virtual_time_s))),
    mean_turns: meanOrNull(records.map((r) => r.turns)),
    mean_prompt_tokens: meanOrNull(records.map((r) => r.prompt_tokens)),
    mean_completion_tokens: meanOrNull(records.map((r) => r.completion_tokens)),
    mean_tool_chars: meanOrNull(records.map((r) => r.tool_chars)),
    end_reasons: endReasons,
  };
}

export interface SummaryOptions {
  readonly agent: string;
  readonly model?: string | null;
  readonly profile: string;
  /** The repeats asked per (task, seed) (the k of pass^k). */
  readonly repeats?: number;
  /** Tasks in report order; tasks without records are left out. */
  readonly taskOrder: readonly string[];
  readonly resamples?: number;
}

export function summarise(records: readonly EpisodeRecord[], opts: SummaryOptions): Summary {
  const k = opts.repeats ?? 1;
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const tasks: TaskSummary[] = [];
  const strata: Cell[][] = [];
  const order = [...opts.taskOrder, ...new Set(records.map((r) => r.task_id))].filter(
    (id, i, all) => all.indexOf(id) === i,
  );
  for (const task_id of order) {
    const rs = records.filter((r) => r.task_id === task_id);
    if (rs.length === 0) continue;
    const cells = cellsOf(rs);
    strata.push(cells);
    tasks.push({ task_id, ...statsOf(rs, [cells], k, resamples) });
  }
  return {
    agent: opts.agent,
    model: opts.model ?? null,
    profile: opts.profile,
    repeats: k,
    success_score: SUCCESS_SCORE,
    bootstrap: { resamples, seed: BOOTSTRAP_SEED, unit: '(task, seed) cell, mean of its repeats' },
    benchmark_version: records[0]?.benchmark_version ?? '',
    judge_version: records[0]?.judge_version ?? '',
    overall: statsOf(records, strata, k, resamples),
    tasks,
  };
}
