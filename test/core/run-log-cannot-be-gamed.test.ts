/**
 * Judge property 3: keyword stuffing never raises a score (keyword-stuffer never beats reference on the same
 * seed) and fabricated log events lower it (fake-log is strictly below reference on every seed, task and
 * profile).
 */
import { describe, expect, it } from 'vitest';
import { PROFILES, run, SEEDS, TASK_IDS } from './helpers.js';

describe('the run log cannot be gamed', () => {
  for (const profile of PROFILES) {
    for (const taskId of TASK_IDS) {
      it(`${taskId}/${profile}: keyword-stuffer <= reference and fake-log < reference on every seed`, async () => {
        for (const seed of SEEDS) {
          const where = `${taskId}/${profile} seed ${seed}`;
          const ref = await run('reference', taskId, seed, profile);
          const stuffer = await run('keyword-stuffer', taskId, seed, profile);
          const fake = await run('fake-log', taskId, seed, profile);
          expect(stuffer.result.score, where).toBeLessThanOrEqual(ref.result.score);
          expect(stuffer.result.dimensions.observability, where).toBeLessThanOrEqual(
            ref.result.dimensions.observability,
          );
          expect(fake.result.score, where).toBeLessThan(ref.result.score);
          // The loss comes from the log alone: fabricated events lower faithfulness, nothing else changes.
          expect(fake.result.evidence.faithfulness as number, where).toBeLessThan(1);
          expect(fake.result.evidence.coverage, where).toBe(1);
          expect(fake.result.dimensions.observability, where).toBeLessThan(
            ref.result.dimensions.observability,
          );
          expect(fake.result.dimensions.correctness, where).toBe(ref.result.dimensions.correctness);
        }
      });
    }
  }
});
