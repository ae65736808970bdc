/**
 * Tool-call arguments that are not JSON go back to the model as a typed tool error and never reach the
 * environment (they cost no request and no step); the model recovers and scores as the honest one does.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CliRun, cli, evalFlags } from './helpers.js';
import { FakeProvider } from './fake-provider.js';
import { policy } from './scripts.js';

const JOBS = ['--tasks', 'T4,T7', '--seeds', '1..2', '--concurrency', '2'];
let honest: FakeProvider;
let sloppy: FakeProvider;
let runs: { honest: CliRun; sloppy: CliRun };

beforeAll(async () => {
  honest = await FakeProvider.start({ script: policy() });
  sloppy = await FakeProvider.start({ script: policy({ malformedFirstFetch: true }) });
  runs = {
    honest: await cli('eval', evalFlags(honest.baseUrl, 'fake-honest', JOBS)),
    sloppy: await cli('eval', evalFlags(sloppy.baseUrl, 'fake-sloppy', JOBS)),
  };
});
afterAll(async () => {
  await honest.close();
  await sloppy.close();
});

it('gets a typed tool error, recovers, and scores like the honest model with the same requests', () => {
  expect(runs.sloppy.code, runs.sloppy.io.stderr).toBe(0);
  runs.sloppy.trajectories.forEach((t, i) => {
    const conversation = t.conversation as Array<{ role: string; content?: string; tool_call_id?: string }>;
    const errors = conversation.filter((m) => m.role === 'tool' && m.content!.includes('not valid JSON'));
    expect(errors).toHaveLength(1);
    const error = JSON.parse(errors[0]!.content!) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('CB_ERR_INVALID_ARGUMENT');
    expect(error.error.message).toContain('fetch_page');
    // The environment never saw it: the calls are the honest model's, reply for reply.
    const h = runs.honest.trajectories[i]!;
    expect(t.calls.map((c) => c.tool_call_id)).not.toContain(errors[0]!.tool_call_id);
    expect(t.calls.map((c) => [c.name, c.arguments])).toEqual(h.calls.map((c) => [c.name, c.arguments]));
    const e = runs.sloppy.episodes[i]!;
    const he = runs.honest.episodes[i]!;
    expect(e.score).toBeGreaterThanOrEqual(99);
    expect({ score: e.score, requests: e.requests, dimensions: e.dimensions }).toEqual({
      score: he.score,
      requests: he.requests,
      dimensions: he.dimensions,
    });
    expect(e.turns).toBe(he.turns! + 1);
  });
});
