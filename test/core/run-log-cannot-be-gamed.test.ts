/**
 * Judge property 3 (docs/benchmark.md, section 9): keyword stuffing never raises a score and fabricated log
 * events lower it, on every profile.
 *
 * Stuffing changes nothing: keyword-stuffer (the reference solver with a stuffed run log) gets exactly the
 * reference's breakdown, and a flawed agent (no-retry, below 100 on its tasks) gets exactly its own score
 * with a stuffed log, so the test would fail if stuffed words earned (or cost) anything. A log of stuffing
 * alone holds no request event: it scores what no log scores. fake-log (fabricated events) is strictly below
 * the reference, through faithfulness alone.
 */
import { describe, expect, it } from 'vitest';
import { STUFFING, stuffRunLog } from '../../src/agents/personas/keyword-stuffer.js';
import { solve, type SolverFlaws } from '../../src/agents/solver.js';
import type { Agent } from '../../src/agents/types.js';
import { type Call, PROFILES, run, runAgent, SEEDS, TASK_IDS } from './helpers.js';

/** The solver with `flaws`, as an agent. */
const solverWith = (name: string, flaws: SolverFlaws): Agent => ({
  name,
  description: name,
  run: (env) => solve(env, flaws),
});

/** The run_log the agent submitted. */
function submittedLog(calls: readonly Call[]): unknown {
  const submit = calls.find((c) => c.name === 'submit_results');
  if (submit === undefined) throw new Error('no submission');
  return submit.args.run_log;
}

const FAULT_TASKS = ['T4_rate_limit_429', 'T5_server_error_500', 'T8_mixed_faults', 'T9_adaptive_adversary'];

describe.each(PROFILES)('the run log cannot be gamed (%s)', (profile) => {
  for (const taskId of TASK_IDS) {
    it(`${taskId}/${profile}: keyword-stuffer gets the reference's breakdown exactly; fake-log < reference on every seed`, async () => {
      for (const seed of SEEDS) {
        const where = `${taskId}/${profile} seed ${seed}`;
        const ref = await run('reference', taskId, seed, profile);
        const stuffer = await run('keyword-stuffer', taskId, seed, profile);
        // The log really was stuffed: every event line prefixed, 50 stuffing lines added.
        const refLog = submittedLog(ref.calls) as unknown[];
        const stuffedLog = submittedLog(stuffer.calls) as string[];
        expect(stuffedLog, where).toHaveLength(refLog.length + 50);
        expect(
          stuffedLog.every((line) => line.startsWith(STUFFING)),
          where,
        ).toBe(true);
        // Stuffing changes nothing: same score, same points per dimension, same evidence.
        expect(stuffer.result.score, where).toBe(ref.result.score);
        expect(stuffer.result.dimensions, where).toEqual(ref.result.dimensions);
        expect(stuffer.result.evidence, where).toEqual(ref.result.evidence);

        const fake = await run('fake-log', taskId, seed, profile);
        expect(fake.result.score, where).toBeLessThan(ref.result.score);
        // The loss comes from the log alone: fabricated events lower faithfulness, nothing else changes.
        expect(fake.result.evidence.faithfulness as number, where).toBeLessThan(1);
        expect(fake.result.evidence.coverage, where).toBe(1);
        expect(fake.result.dimensions.observability, where).toBeLessThan(ref.result.dimensions.observability);
        expect(fake.result.dimensions.correctness, where).toBe(ref.result.dimensions.correctness);
      }
    });
  }

  for (const taskId of FAULT_TASKS) {
    it(`${taskId}/${profile}: stuffing the log of an agent that scores below 100 (no-retry) leaves its score unchanged`, async () => {
      const noRetry = solverWith('no-retry', { retry: 'lose-page' });
      const stuffedNoRetry = solverWith('no-retry+stuffing', { retry: 'lose-page', editLog: stuffRunLog });
      for (const seed of SEEDS) {
        const where = `${taskId}/${profile} seed ${seed}`;
        const plain = await runAgent(noRetry, taskId, seed, profile);
        const stuffed = await runAgent(stuffedNoRetry, taskId, seed, profile);
        // Room to gain: the agent lost points, robustness among them, which "retry backoff" words might claim.
        expect(plain.result.score, where).toBeLessThan(100);
        expect(plain.result.dimensions.robustness, where).toBeLessThan(15);
        expect(stuffed.result.score, where).toBe(plain.result.score);
        expect(stuffed.result.dimensions, where).toEqual(plain.result.dimensions);
      }
    });
  }

  it(`${profile}: a log of stuffing alone holds no request event: it scores what no log scores`, async () => {
    const onlyStuffing = solverWith('stuffing-only', { editLog: () => stuffRunLog([]) });
    for (const taskId of TASK_IDS) {
      for (const seed of SEEDS) {
        const where = `${taskId}/${profile} seed ${seed}`;
        const stuffed = await runAgent(onlyStuffing, taskId, seed, profile);
        const noLog = await run('no-log', taskId, seed, profile);
        expect(stuffed.result.evidence.coverage, where).toBe(0);
        expect(stuffed.result.dimensions.observability, where).toBe(0);
        expect(stuffed.result.score, where).toBe(noLog.result.score);
      }
    }
  });
});
