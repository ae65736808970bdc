/**
 * On T12, T13 and T15 the reference solver scores exactly 100 with exactly R* requests in T* on every seed of
 * 0..49, on both profiles, and each task's persona (the solver with the one flaw its fault punishes) loses at
 * least 10 points on every one of them: trust-page (T12), schema-echo (T13), first-version (T15). Both agents
 * run in-process (about 4 s for the 600 episodes), so this runs in npm test on all 50 seeds; the judge
 * properties run on the tested seeds with every other task (test/core/helpers.ts, SEEDS).
 */
import { describe, expect, it } from 'vitest';
import { deriveInstance } from '../../src/core/instance.js';
import { referencePlan } from '../../src/core/judge/reference-plan.js';
import { catalog, PROFILES, run } from './helpers.js';

const FIFTY = Array.from({ length: 50 }, (_, i) => i);
const PERSONA_OF = {
  T12_truncated_page: 'trust-page',
  T13_schema_drift: 'schema-echo',
  T15_stale_records: 'first-version',
} as const;

describe.each(PROFILES)('served-data tasks on seeds 0..49 (%s)', (profile) => {
  for (const [taskId, persona] of Object.entries(PERSONA_OF)) {
    it(`${taskId}/${profile}: reference 100 with R* in T*, ${persona} loses >= 10, on every seed`, async () => {
      const task = catalog.resolve(taskId, profile);
      for (const seed of FIFTY) {
        const where = `${taskId}/${profile} seed ${seed}`;
        const plan = referencePlan(deriveInstance(task, seed));
        const ref = (await run('reference', taskId, seed, profile)).result;
        expect(ref.score, where).toBe(100);
        expect([ref.requests, ref.virtual_time_s], where).toEqual([plan.requests, plan.timeMs / 1000]);
        const flawed = (await run(persona, taskId, seed, profile)).result;
        expect(flawed.end_reason, `${persona} ${where}`).toBe('submitted');
        expect(ref.score - flawed.score, `${persona} ${where}`).toBeGreaterThanOrEqual(10);
      }
    });
  }
});
