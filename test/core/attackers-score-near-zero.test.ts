/**
 * Judge property 2 (docs/benchmark.md, section 9): agents that fetch nothing (fabricator, generator-replay)
 * score <= 5 on every task, profile and seed, an empty submission scores exactly 0, and inventing rows on top
 * of an honest half (superset) never beats submitting the honest half alone. (key-enumerator has its own
 * files: its submissions are large.)
 */
import { describe, expect, it } from 'vitest';
import { PROFILES, run, SEEDS, TASK_IDS } from './helpers.js';

describe('agents that fetch nothing score near zero', () => {
  for (const profile of PROFILES) {
    for (const taskId of TASK_IDS) {
      it(`${taskId}/${profile}: fabricator and generator-replay <= 5, empty == 0`, async () => {
        for (const seed of SEEDS) {
          const where = `${taskId}/${profile} seed ${seed}`;
          const fab = await run('fabricator', taskId, seed, profile);
          expect(fab.result.end_reason, where).toBe('submitted');
          expect(fab.result.evidence.submitted, where).toBe(500);
          expect(fab.result.requests, where).toBe(0);
          expect(fab.result.score, `fabricator ${where}`).toBeLessThanOrEqual(5);

          const replay = await run('generator-replay', taskId, seed, profile);
          // The replayed rows are the exact ground truth: only the server's evidence can tell them apart.
          expect(replay.result.evidence.submitted, where).toBe(replay.result.evidence.n);
          expect(replay.result.requests, where).toBe(0);
          expect(replay.result.score, `generator-replay ${where}`).toBeLessThanOrEqual(5);

          const empty = await run('empty', taskId, seed, profile);
          expect(empty.result.end_reason, where).toBe('submitted');
          expect(empty.result.score, `empty ${where}`).toBe(0);
        }
      });
    }
  }
});

describe('inventing the missing half never beats the honest half', () => {
  for (const profile of PROFILES) {
    for (const taskId of TASK_IDS) {
      it(`${taskId}/${profile}: superset <= honest-half on every seed (< when rows were invented)`, async () => {
        for (const seed of SEEDS) {
          const where = `${taskId}/${profile} seed ${seed}`;
          const sup = await run('superset', taskId, seed, profile);
          const half = await run('honest-half', taskId, seed, profile);
          expect(sup.result.score, where).toBeLessThanOrEqual(half.result.score);
          const invented =
            (sup.result.evidence.submitted as number) - (half.result.evidence.submitted as number);
          if (invented > 0) expect(sup.result.score, where).toBeLessThan(half.result.score);
          // On multi-page tasks the superset really invents rows (the comparison is not vacuous).
          if (taskId !== 'T1_single_page') expect(invented, where).toBeGreaterThan(0);
        }
      });
    }
  }
});
