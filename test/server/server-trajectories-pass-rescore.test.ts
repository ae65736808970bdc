/**
 * GET /episodes/:id/trajectory: the server records an HTTP episode's calls and regenerates the replies by
 * replaying them. The trajectory carries exactly the replies the client received, `comtradebench rescore`
 * reproduces it (exit 0) and flags an edited one (exit 3); only the token opens it, only after the end, and
 * the memory bound forgets the oldest with a typed 410.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { agents } from '../../src/agents/index.js';
import { runEpisode } from '../../src/agents/runner.js';
import { runCli } from '../../src/cli/program.js';
import { SessionStore } from '../../src/env/sessions.js';
import { type Trajectory, TrajectoryRecorder } from '../../src/env/trajectory.js';
import { buildApp } from '../../src/server/app.js';
import { captureIo } from '../eval/helpers.js';
import { call, catalog, expectError, httpReset, InjectEnv, type Json, testConfig } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cb-server-trajectories-'));
const app = buildApp(testConfig({ ENABLE_WEB_INTERFACE: true }), { catalog });
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});
const registry = agents(catalog);

async function rescore(trajectories: readonly unknown[]): Promise<{ code: number; out: string }> {
  const file = join(dir, `t-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, trajectories.map((t) => `${JSON.stringify(t)}\n`).join(''));
  const io = captureIo();
  const code = await runCli(['rescore', file], io);
  return { code, out: io.stdout + io.stderr };
}

/** Plays `agent` over the HTTP routes; returns the client's own recording and the episode's address. */
async function play(agent: string, task: string, seed: number, profile?: string) {
  const http = new InjectEnv(app);
  const recorder = new TrajectoryRecorder(http);
  const outcome = await runEpisode(recorder, registry.get(agent)!, { task_id: task, seed, profile });
  const seen = recorder.trajectory({
    agent,
    model: null,
    repeat: 0,
    endReason: outcome.end_reason,
    score: outcome.score,
  });
  return { http, seen, outcome, episode: http.episode! };
}

it('the trajectory carries exactly the replies the client saw, and rescore reproduces it (exit 0)', async () => {
  const played = [
    await play('keep-totals', 'T7_totals_trap', 2), // defects, a totals trap
    await play('premature-retry', 'T4_rate_limit_429', 1), // 429s inside the window
    await play('reference', 'T6_page_drift', 3, 'llm'), // rows as columns
  ];
  const downloaded: Trajectory[] = [];
  for (const p of played) {
    const r = await call(app, 'GET', `/episodes/${p.episode.id}/trajectory`, undefined, p.episode.auth);
    expect(r.status).toBe(200);
    const t = r.body as Trajectory;
    expect(t).toMatchObject({
      format: 'comtradebench.trajectory.v1',
      episode_id: p.episode.id,
      task_id: p.seen.task_id,
      seed: p.seen.seed,
      profile: p.seen.profile,
      end_reason: 'submitted',
      score: p.outcome.score,
      agent: 'unlabelled',
      model: null,
    });
    // Every call, with the very reply the client received over HTTP.
    expect(t.calls).toEqual(p.seen.calls);
    expect(t.breakdown).toEqual(p.seen.breakdown);
    expect(t.submission_call).toBe(p.seen.submission_call);
    downloaded.push(t);
  }
  expect(played[0]!.outcome.score).toBeLessThan(95);
  expect(await rescore(downloaded)).toMatchObject({ code: 0 });

  // An edited reply is caught: rescore exits 3 naming the call.
  const edited = structuredClone(downloaded[1]!) as Json;
  const c = edited.calls.findIndex((x: Json) => x.reply?.status === 429);
  edited.calls[c].reply.retry_after_s += 1;
  const flagged = await rescore([edited]);
  expect(flagged.code).toBe(3);
  expect(flagged.out).toContain(`call ${c}`);
});

it('only the token opens a trajectory, only once the episode has ended; an episode closed without a submission has one too', async () => {
  const a = await httpReset(app, { task_id: 'T1_single_page', seed: 4, agent_label: 'tester' }, '/web/reset');
  const url = `/episodes/${a.id}/trajectory`;
  await call(
    app,
    'POST',
    '/web/step',
    { action: { type: 'call_tool', tool_name: 'fetch_page', arguments: { page: 1 } } },
    a.auth,
  );
  expectError(await call(app, 'GET', url, undefined, a.auth), 409, 'CB_ERR_EPISODE_NOT_DONE');
  expectError(await call(app, 'GET', url), 401, 'CB_ERR_EPISODE_TOKEN_REQUIRED');
  const b = await httpReset(app, { task_id: 'T1_single_page', seed: 4 });
  expectError(await call(app, 'GET', url, undefined, b.auth), 404, 'CB_ERR_EPISODE_NOT_FOUND');
  expectError(
    await call(app, 'GET', `/episodes/nope/trajectory`, undefined, a.auth),
    404,
    'CB_ERR_EPISODE_NOT_FOUND',
  );

  expect((await call(app, 'DELETE', `/episodes/${a.id}`, undefined, a.auth)).status).toBe(204);
  const t = (await call(app, 'GET', url, undefined, a.auth)).body as Trajectory;
  expect(t).toMatchObject({ end_reason: 'closed', score: 0, breakdown: null, agent: 'tester' });
  expect(t.calls.map((x) => x.name)).toEqual(['fetch_page']);
  expect(await rescore([t])).toMatchObject({ code: 0 });
});

it('the memory bound forgets the oldest finished episodes first, with a typed 410', async () => {
  // Room for one episode's calls (a page fetched, its 25 rows submitted: about 8 kB), not two.
  const store = new SessionStore({ catalog, capacity: 8, idleTimeoutMs: 900_000, keepCallsBytes: 12_000 });
  const small = buildApp(testConfig(), { store });
  const episode = async (seed: number) => {
    const e = await httpReset(small, { task_id: 'T4_rate_limit_429', seed });
    const step = (name: string, args: Json) =>
      call(
        small,
        'POST',
        '/step',
        { action: { type: 'call_tool', tool_name: name, arguments: args } },
        e.auth,
      );
    const page = (await step('fetch_page', { page: 1 })).body.observation.result.data;
    expect(page.rows).toHaveLength(25);
    expect((await step('submit_results', { rows: page.rows })).status).toBe(200);
    return e;
  };
  const first = await episode(0);
  expect((await call(small, 'GET', `/episodes/${first.id}/trajectory`, undefined, first.auth)).status).toBe(
    200,
  );
  const second = await episode(1);
  const gone = await call(small, 'GET', `/episodes/${first.id}/trajectory`, undefined, first.auth);
  expectError(gone, 410, 'CB_ERR_TRAJECTORY_UNAVAILABLE');
  expect(gone.body.error.message).toContain('TRAJECTORY_KEEP_MB');
  expect((await call(small, 'GET', `/episodes/${second.id}/trajectory`, undefined, second.auth)).status).toBe(
    200,
  );
  // The episode itself is still readable: only its calls were forgotten.
  expect((await call(small, 'GET', `/state?episode_id=${first.id}`, undefined, first.auth)).body.done).toBe(
    true,
  );
  await small.close();
});
