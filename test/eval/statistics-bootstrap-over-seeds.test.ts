/**
 * The report's statistics (src/results/stats.ts): a 95 % bootstrap interval of the mean over seeds with a
 * seeded generator (the same records in any order give the same interval, and Math.random is never used),
 * repeats averaged within their seed, success rate at 95, pass^k over repeats, per-dimension means.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIMENSIONS } from '../../src/core/judge/index.js';
import type { EpisodeRecord } from '../../src/results/record.js';
import { summarise } from '../../src/results/stats.js';

function record(task_id: string, seed: number, score: number, repeat = 0): EpisodeRecord {
  return {
    task_id,
    seed,
    profile: 'llm',
    repeat,
    agent: 'm',
    model: 'm',
    episode_id: `${task_id}-${seed}-${repeat}`,
    score,
    dimensions: Object.fromEntries(
      DIMENSIONS.map((d, i) => [d, (score / 100) * (i + 1)]),
    ) as EpisodeRecord['dimensions'],
    end_reason: 'submitted',
    requests: 10,
    virtual_time_s: 1,
    turns: 12,
    prompt_tokens: 1000,
    completion_tokens: 100,
    tool_chars: 5000,
    wall_time_s: 1,
    benchmark_version: '1.0.0',
    judge_version: '1.0.0',
    task_hash: 'h',
    seed_salt_hash: null,
    evidence: {},
  };
}

afterEach(() => vi.restoreAllMocks());

describe('summary statistics', () => {
  it('bootstraps over seeds with a seeded generator, never Math.random, with at least 2,000 resamples', () => {
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random used');
    });
    const records = [40, 55, 70, 80, 90, 95, 100, 100, 60, 75].map((s, seed) =>
      record('T1_single_page', seed, s),
    );
    const a = summarise(records, { agent: 'm', profile: 'llm', taskOrder: ['T1_single_page'] });
    const b = summarise([...records].reverse(), {
      agent: 'm',
      profile: 'llm',
      taskOrder: ['T1_single_page'],
    });
    expect(a.bootstrap.resamples).toBeGreaterThanOrEqual(2000);
    expect(a.overall.ci95).toEqual(b.overall.ci95);
    expect(a.overall.mean_score).toBe(76.5);
    const [lo, hi] = a.overall.ci95;
    expect(lo).toBeLessThan(76.5);
    expect(hi).toBeGreaterThan(76.5);
    expect(lo).toBeGreaterThan(40);
    expect(hi).toBeLessThan(100);
  });

  it('gives the exact percentiles of a two-seed sample and a point interval for equal scores', () => {
    // Resampling {0, 100} twice gives means 0, 50, 100 with probabilities 1/4, 1/2, 1/4.
    const two = summarise([record('T4_rate_limit_429', 0, 0), record('T4_rate_limit_429', 1, 100)], {
      agent: 'm',
      profile: 'llm',
      taskOrder: ['T4_rate_limit_429'],
    });
    expect(two.overall.ci95).toEqual([0, 100]);
    const equal = summarise(
      [0, 1, 2].map((s) => record('T4_rate_limit_429', s, 88)),
      {
        agent: 'm',
        profile: 'llm',
        taskOrder: ['T4_rate_limit_429'],
      },
    );
    expect(equal.overall.ci95).toEqual([88, 88]);
  });

  it('averages repeats within their seed, and reports success and pass^k', () => {
    // Seed 0 succeeds twice, seed 1 once of two, seed 2 never; T7 seed 0 twice.
    const records = [
      record('T4_rate_limit_429', 0, 100, 0),
      record('T4_rate_limit_429', 0, 96, 1),
      record('T4_rate_limit_429', 1, 100, 0),
      record('T4_rate_limit_429', 1, 20, 1),
      record('T4_rate_limit_429', 2, 50, 0),
      record('T4_rate_limit_429', 2, 50, 1),
      record('T7_totals_trap', 0, 99, 0),
      record('T7_totals_trap', 0, 95, 1),
    ];
    const s = summarise(records, {
      agent: 'm',
      profile: 'llm',
      repeats: 2,
      taskOrder: ['T4_rate_limit_429', 'T7_totals_trap'],
    });
    const t4 = s.tasks[0]!;
    expect(t4).toMatchObject({ task_id: 'T4_rate_limit_429', episodes: 6, seeds: 3 });
    expect(t4.mean_score).toBe(69.3333); // (98 + 60 + 50) / 3
    expect(t4.success_rate).toBe(0.5);
    expect(t4.pass_k).toBe(0.3333);
    expect(s.tasks[1]!.pass_k).toBe(1);
    // Overall: the mean over the four (task, seed) cells; pass^2 over them.
    expect(s.overall.mean_score).toBe(76.25); // (98 + 60 + 50 + 97) / 4
    expect(s.overall.pass_k).toBe(0.5);
    expect(s.overall.mean_dimensions.correctness).toBe(0.7625); // mean score 610 / 8, over 100
    expect(s.overall.mean_turns).toBe(12);
    expect(s.overall.end_reasons).toEqual({ submitted: 8 });
  });
});
