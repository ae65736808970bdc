/**
 * The llm profile measures execution, not reading: on every task, the reference solver (an honest agent)
 * receives at most 40,000 characters of tool values in a whole episode on the median seed of 0..49, and at
 * most 60,000 on every one of them (retries and re-fetches included), counted as the trajectory recorder counts
 * tool_chars (src/env/trajectory.ts). The median pools seeds, so this test always takes its 50 (reference
 * episodes of the llm profile are cheap: about 3 s in all).
 */
import { describe, expect, it } from 'vitest';
import { InProcessEnv } from '../../src/env/in-process.js';
import { runEpisode } from '../../src/agents/runner.js';
import { TrajectoryRecorder } from '../../src/env/trajectory.js';
import { catalog, registry, TASK_IDS } from './helpers.js';

const BUDGET_SEEDS = Array.from({ length: 50 }, (_, i) => i);
const MEDIAN_LIMIT = 40_000;
const MAX_LIMIT = 60_000;

describe('an honest agent reads at most 40k characters on the median seed of the llm profile', () => {
  for (const taskId of TASK_IDS) {
    it(`${taskId}/llm: median <= ${MEDIAN_LIMIT}, every seed of 0..49 <= ${MAX_LIMIT}`, async () => {
      const reads: number[] = [];
      for (const seed of BUDGET_SEEDS) {
        const recorder = new TrajectoryRecorder(new InProcessEnv(catalog));
        const r = await runEpisode(recorder, registry.get('reference')!, {
          task_id: taskId,
          seed,
          profile: 'llm',
        });
        expect(r.score, `seed ${seed}`).toBe(100);
        expect(recorder.toolChars, `seed ${seed}`).toBeLessThanOrEqual(MAX_LIMIT);
        reads.push(recorder.toolChars);
      }
      reads.sort((a, b) => a - b);
      // 50 seeds: the median is the mean of the 25th and 26th smallest.
      expect((reads[24]! + reads[25]!) / 2).toBeLessThanOrEqual(MEDIAN_LIMIT);
      // Not vacuous: every episode read its pages.
      expect(reads[0]).toBeGreaterThan(5_000);
    });
  }
});
