/**
 * The harder tier on seeds 0..49 (more than SEEDS: these episodes are cheap): on every seed and both
 * profiles the reference solver scores exactly 100 with the R* requests in the T* virtual time of the pure
 * reference plan, and each task's flaw persona loses at least 10 points.
 */
import { describe, expect, it } from 'vitest';
import { deriveInstance } from '../../src/core/instance.js';
import { referencePlan } from '../../src/core/judge/reference-plan.js';
import { catalog, PROFILES, run } from './helpers.js';

const SEEDS_0_49 = Array.from({ length: 50 }, (_, i) => i);

const TIER: ReadonlyArray<{ readonly task: string; readonly persona: string }> = [
  { task: 'T11_auth_expiry', persona: 'no-refresh' },
  { task: 'T14_timeouts', persona: 'no-timeout-retry' },
  { task: 'T16_cursor_pagination', persona: 'cursor-restart-from-zero' },
  { task: 'T12_truncated_page', persona: 'trust-page' },
  { task: 'T13_schema_drift', persona: 'schema-echo' },
  { task: 'T15_stale_records', persona: 'first-version' },
];

describe('the harder tier holds on seeds 0..49', () => {
  for (const { task, persona } of TIER) {
    it(`${task}: reference scores 100 with R* in T*, ${persona} loses >= 10, on both profiles`, async () => {
      for (const profile of PROFILES) {
        for (const seed of SEEDS_0_49) {
          const where = `${task}/${profile} seed ${seed}`;
          const ref = (await run('reference', task, seed, profile)).result;
          const plan = referencePlan(deriveInstance(catalog.resolve(task, profile), seed));
          expect(ref.score, where).toBe(100);
          expect([ref.requests, ref.virtual_time_s], where).toEqual([plan.requests, plan.timeMs / 1000]);
          const flawed = (await run(persona, task, seed, profile)).result;
          expect(ref.score - flawed.score, `${persona} ${where}`).toBeGreaterThanOrEqual(10);
        }
      }
    });
  }
});
