/**
 * The provider's own 429s are the SDK's business: a provider that answers 429 to the first two requests,
 * or to every other request, still gets every episode scored, and the environment sees exactly the
 * requests the honest run made (no extra request, no extra step, the same scores).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, cli, evalFlags } from './helpers.js';
import { FakeProvider } from './fake-provider.js';
import { policy } from './scripts.js';

const JOBS = ['--tasks', 'T4,T7', '--seeds', '0..1', '--concurrency', '2'];
const providers: Record<string, FakeProvider> = {};
const runs: Record<string, CliRun> = {};

/** What the environment and the judge saw of an episode. */
const seen = (r: CliRun) =>
  r.episodes.map((e) => ({
    task: e.task_id,
    seed: e.seed,
    score: e.score,
    dimensions: e.dimensions,
    requests: e.requests,
    virtual_time_s: e.virtual_time_s,
    turns: e.turns,
  }));

beforeAll(async () => {
  providers.honest = await FakeProvider.start({ script: policy() });
  providers.twice = await FakeProvider.start({ script: policy(), rateLimited: (n) => n <= 2 });
  providers.alternate = await FakeProvider.start({ script: policy(), rateLimited: (n) => n % 2 === 1 });
  for (const [name, p] of Object.entries(providers))
    runs[name] = await cli('eval', evalFlags(p.baseUrl, 'fake-honest', JOBS));
});
afterAll(async () => {
  for (const p of Object.values(providers)) await p.close();
});

describe.each(['twice', 'alternate'])('a provider answering 429 %s', (name) => {
  it('has every episode scored exactly as without its 429s', () => {
    expect(runs[name]!.code, runs[name]!.io.stderr).toBe(0);
    expect(runs[name]!.episodes).toHaveLength(4);
    expect(seen(runs[name]!)).toEqual(seen(runs.honest!));
    for (const e of runs[name]!.episodes) expect(e.score).toBeGreaterThanOrEqual(99);
  });

  it('was retried by the SDK: its 429s never reached the model or the environment', () => {
    const p = providers[name]!;
    const limited = p.log.filter((r) => r.status === 429).length;
    expect(limited).toBe(name === 'twice' ? 2 : p.completions);
    const turns = runs[name]!.episodes.reduce((n, e) => n + e.turns!, 0);
    expect(p.completions).toBe(turns);
    expect(runs[name]!.trajectories.map((t) => t.calls.length)).toEqual(
      runs.honest!.trajectories.map((t) => t.calls.length),
    );
  });
});
