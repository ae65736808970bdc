/**
 * Judge property 1 (docs/benchmark.md, section 9): the reference solver scores exactly 100 on every task,
 * profile and seed, and makes exactly the R* requests in the T* virtual time of the pure reference plan.
 */
import { describe, expect, it } from 'vitest';
import { deriveInstance } from '../../src/core/instance.js';
import { DIMENSIONS } from '../../src/core/judge/index.js';
import { referencePlan } from '../../src/core/judge/reference-plan.js';
import { catalog, DIMENSION_MAX, PROFILES, run, SEEDS, TASK_IDS } from './helpers.js';

describe('the reference solver scores exactly 100', () => {
  for (const profile of PROFILES) {
    for (const taskId of TASK_IDS) {
      it(`${taskId}/${profile}: every seed scores 100 with R* requests in T*`, async () => {
        const task = catalog.resolve(taskId, profile);
        for (const seed of SEEDS) {
          const { result } = await run('reference', taskId, seed, profile);
          const inst = deriveInstance(task, seed);
          const plan = referencePlan(inst);
          const where = `${taskId}/${profile} seed ${seed}`;
          expect(result.profile, where).toBe(profile);
          expect(result.end_reason, where).toBe('submitted');
          expect(result.score, where).toBe(100);
          for (const d of DIMENSIONS) expect(result.dimensions[d], `${where} ${d}`).toBe(DIMENSION_MAX[d]);
          expect(plan.complete, where).toBe(true);
          expect(result.requests, where).toBe(plan.requests);
          expect(result.virtual_time_s, where).toBe(plan.timeMs / 1000);
          expect(result.evidence.r_star, where).toBe(plan.requests);
          expect(result.evidence.present, where).toBe(result.evidence.n);
          if (profile === 'llm') {
            expect(inst.n, where).toBeLessThanOrEqual(300);
            expect(task.max_page_size, where).toBeLessThanOrEqual(50);
          }
        }
      });
    }
  }
});
