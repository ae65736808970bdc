/**
 * Judge property 2 (docs/benchmark.md, section 9) for key-enumerator: submitting every plausible key of the
 * query (about 180,000 key-only rows, just under max_submission_bytes) without fetching anything scores <= 5
 * on every seed and profile. Each of these submissions takes a few hundred milliseconds to judge, so there is one test
 * per (task, seed), and the tasks are split over two test files that run in parallel.
 */
import { describe, expect, it } from 'vitest';
import { PROFILES, run, SEEDS } from './helpers.js';

export function keyEnumeratorScoresNearZero(tasks: readonly string[]): void {
  describe.each(PROFILES)('key-enumerator scores near zero (%s)', (profile) => {
    for (const taskId of tasks) {
      for (const seed of SEEDS) {
        it(`${taskId}/${profile} seed ${seed}: <= 5`, async () => {
          const { result } = await run('key-enumerator', taskId, seed, profile);
          expect(result.end_reason).toBe('submitted');
          expect(result.requests).toBe(0);
          // The attack really happened: the whole enumeration was accepted and judged.
          expect(result.evidence.submitted as number).toBeGreaterThan(150_000);
          expect(result.score).toBeLessThanOrEqual(5);
        });
      }
    }
  });
}
