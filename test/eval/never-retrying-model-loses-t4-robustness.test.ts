/**
 * A model that never retries (a 429 or 500 loses its page; it waits out retry_after_s and moves on) is
 * judged on exactly that: on T4 it keeps at most the logged share of robustness (0.3 of 15 points) and
 * scores below the honest model on every seed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CliRun, cli, evalFlags } from './helpers.js';
import { FakeProvider } from './fake-provider.js';
import { policy } from './scripts.js';

const SEEDS = ['--tasks', 'T4', '--seeds', '0..3', '--concurrency', '2'];
let honest: FakeProvider;
let noRetry: FakeProvider;
let runs: { honest: CliRun; noRetry: CliRun };

beforeAll(async () => {
  honest = await FakeProvider.start({ script: policy() });
  noRetry = await FakeProvider.start({ script: policy({ retry: false }) });
  runs = {
    honest: await cli('eval', evalFlags(honest.baseUrl, 'fake-honest', SEEDS)),
    noRetry: await cli('eval', evalFlags(noRetry.baseUrl, 'fake-no-retry', SEEDS)),
  };
});
afterAll(async () => {
  await honest.close();
  await noRetry.close();
});

it('loses T4 robustness points on every seed', () => {
  expect(runs.noRetry.code, runs.noRetry.io.stderr).toBe(0);
  expect(runs.noRetry.episodes).toHaveLength(4);
  runs.noRetry.episodes.forEach((e, i) => {
    const h = runs.honest.episodes[i]!;
    expect([e.task_id, e.seed]).toEqual([h.task_id, h.seed]);
    expect(e.end_reason).toBe('submitted');
    expect(h.dimensions.robustness).toBe(15);
    // No fault properly recovered: at most the 0.3 share for logging them.
    expect(e.dimensions.robustness).toBeLessThanOrEqual(0.3 * 15 + 1e-9);
    expect(e.evidence.properly_recovered).toBe(0);
    expect(e.score).toBeLessThan(h.score);
  });
});
