/** Aggregates episode results into the per-task summary printed as a table and written with --json. */
import Table from 'cli-table3';
import type { EpisodeResult } from '../agents/runner.js';
import { DIMENSIONS, type Dimension } from '../core/judge/index.js';

export interface TaskSummary {
  readonly task_id: string;
  readonly episodes: number;
  readonly mean_score: number;
  readonly min_score: number;
  readonly max_score: number;
  readonly mean_dimensions: Record<Dimension, number>;
  readonly mean_requests: number;
}

export interface RunSummary {
  readonly agent: string;
  readonly profile: string;
  readonly episodes: number;
  readonly mean_score: number;
  readonly benchmark_version: string;
  readonly judge_version: string;
  readonly tasks: TaskSummary[];
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

export function summarise(
  agent: string,
  profile: string,
  results: readonly EpisodeResult[],
  taskOrder: readonly string[],
): RunSummary {
  const tasks: TaskSummary[] = [];
  for (const id of taskOrder) {
    const rs = results.filter((r) => r.task_id === id);
    if (rs.length === 0) continue;
    const scores = rs.map((r) => r.score);
    tasks.push({
      task_id: id,
      episodes: rs.length,
      mean_score: r4(mean(scores)),
      min_score: Math.min(...scores),
      max_score: Math.max(...scores),
      mean_dimensions: Object.fromEntries(
        DIMENSIONS.map((d) => [d, r4(mean(rs.map((r) => r.dimensions[d])))]),
      ) as Record<Dimension, number>,
      mean_requests: r4(mean(rs.map((r) => r.requests))),
    });
  }
  return {
    agent,
    profile,
    episodes: results.length,
    mean_score: r4(mean(results.map((r) => r.score))),
    benchmark_version: results[0]?.benchmark_version ?? '',
    judge_version: results[0]?.judge_version ?? '',
    tasks,
  };
}

const SHORT: Record<Dimension, string> = {
  correctness: 'corr/30',
  completeness: 'compl/15',
  robustness: 'robust/15',
  efficiency: 'effic/15',
  data_quality: 'dq/15',
  observability: 'obs/10',
};

export function renderTable(summary: RunSummary): string {
  const table = new Table({
    head: ['task', 'n', 'score', 'min', ...DIMENSIONS.map((d) => SHORT[d]), 'req'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const f = (x: number) => x.toFixed(2);
  for (const t of summary.tasks) {
    table.push([
      t.task_id,
      t.episodes,
      f(t.mean_score),
      f(t.min_score),
      ...DIMENSIONS.map((d) => f(t.mean_dimensions[d])),
      f(t.mean_requests),
    ]);
  }
  table.push(['all', summary.episodes, f(summary.mean_score), '', ...DIMENSIONS.map(() => ''), '']);
  return `agent ${summary.agent}, profile ${summary.profile}\n${table.toString()}`;
}
