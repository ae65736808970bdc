/**
 * Judge property 2 for key-enumerator: submitting every plausible key of the query (about 180,000 key-only
 * rows, just under max_submission_bytes) without fetching anything scores <= 5 on every seed and profile.
 * Each of these submissions takes ~0.4 s to judge, so the tasks are split over two test files that run in
 * parallel.
 */
import { describe, expect, it } from 'vitest';
import { PROFILES, run, SEEDS } from './helpers.js';

export function keyEnumeratorScoresNearZero(tasks: readonly string[]): void {
  describe.each(PROFILES)('key-enumerator scores near zero (%s)', (profile) => {
    for (const taskId of tasks) {
      it(`${taskId}/${profile}: <= 5 on every seed`, async () => {
        for (const seed of SEEDS) {
          const where = `${taskId}/${profile} seed ${seed}`;
          const { result } = await run('key-enumerator', taskId, seed, profile);
          expect(result.end_reason, where).toBe('submitted');
          expect(result.requests, where).toBe(0);
          // The attack really happened: the whole enumeration was accepted and judged.
          expect(result.evidence.submitted as number, where).toBeGreaterThan(150_000);
          expect(result.score, where).toBeLessThanOrEqual(5);
        }
      });
    }
  });
}
