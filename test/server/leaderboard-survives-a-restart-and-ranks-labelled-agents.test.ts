import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, expect, it } from 'vitest';
import { agents } from '../../src/agents/index.js';
import { runEpisode } from '../../src/agents/runner.js';
import { RemoteEnv } from '../../src/client/ws-client.js';
import { buildApp } from '../../src/server/app.js';
import { DIMENSION_MAX } from '../core/helpers.js';
import { call, catalog, expectError, type Json, listen, testConfig } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cb-leaderboard-'));
const path = join(dir, 'board', 'leaderboard.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const registry = agents(catalog);
const T1 = 'T1_single_page';
const T4 = 'T4_rate_limit_429';

/** A server with the leaderboard in `path`, listening (agents play over /ws). */
async function server(): Promise<{ app: FastifyInstance; base: string }> {
  const app = buildApp(testConfig({ LEADERBOARD_PATH: path }), { catalog });
  return { app, base: await listen(app) };
}

/** The leaderboard once every group's statistics are computed. */
async function board(app: FastifyInstance, groups: number): Promise<Json> {
  let doc: Json = null;
  const deadline = Date.now() + 10_000;
  for (;;) {
    doc = (await call(app, 'GET', '/api/leaderboard')).body;
    if ((doc.pending === 0 && doc.entries.length === groups) || Date.now() > deadline) return doc;
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('ranks labelled agents by their mean over (task, seed) cells, leaves unlabelled episodes out, and survives a restart', async () => {
  const first = await server();
  const scores = new Map<string, number[]>();
  const play = async (agent: string, label: string | undefined, task: string, seed: number) => {
    const env = await RemoteEnv.connect(first.base);
    const r = await runEpisode(env, registry.get(agent)!, { task_id: task, seed, agent_label: label });
    await env.close();
    if (label !== undefined) scores.set(label, [...(scores.get(label) ?? []), r.score]);
    return r.score;
  };
  // alpha: the reference solver (100 everywhere); beta: never retries, so T4's two 429s cost it.
  for (const seed of [0, 1]) {
    await play('reference', 'alpha', T1, seed);
    await play('reference', 'alpha', T4, seed);
    await play('no-retry', 'beta', T1, seed);
    await play('no-retry', 'beta', T4, seed);
  }
  await play('reference', undefined, T1, 5);
  const betaT4 = scores.get('beta')!.filter((_, i) => i % 2 === 1);
  expect(Math.max(...betaT4)).toBeLessThan(95);

  const doc = await board(first.app, 2);
  expect(doc).toMatchObject({ pending: 0, other_versions: 0, judge_version: expect.any(String) });
  const [a, b] = doc.entries;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  expect(a).toMatchObject({ rank: 1, agent_label: 'alpha', profile: 'default', episodes: 4, tasks: 2 });
  expect(a.mean).toBe(100);
  expect(a.success_rate).toBe(1);
  expect(a.ci95).toEqual([100, 100]);
  expect(a.dimensions).toEqual(DIMENSION_MAX);
  expect(b).toMatchObject({ rank: 2, agent_label: 'beta', episodes: 4, tasks: 2 });
  expect(b.mean).toBeCloseTo(mean(scores.get('beta')!), 3);
  expect(b.ci95[0]).toBeLessThanOrEqual(b.mean);
  expect(b.ci95[1]).toBeGreaterThanOrEqual(b.mean);
  expect(b.success_rate).toBe(0.5);
  // The drill-down: per task, in catalogue order.
  expect(b.by_task.map((t: Json) => [t.task_id, t.episodes])).toEqual([
    [T1, 2],
    [T4, 2],
  ]);
  expect(b.by_task[1].mean).toBeCloseTo(mean(betaT4), 3);
  expect(b.by_task[0].mean).toBe(100);
  // One line per labelled episode, in record.ts's shape.
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toHaveLength(8);
  expect(lines[0]).toMatchObject({ agent: 'alpha', model: null, task_id: T1, end_reason: 'submitted' });
  await first.app.close();

  // A new process on the same file ranks the same way, and a new episode adds to it.
  const second = await server();
  const again = await board(second.app, 2);
  expect(again.entries).toEqual(doc.entries);
  const env = await RemoteEnv.connect(second.base);
  await runEpisode(env, registry.get('reference')!, { task_id: T4, seed: 9, agent_label: 'beta' });
  await env.close();
  const after = await board(second.app, 2);
  expect(after.entries[1]).toMatchObject({ agent_label: 'beta', episodes: 5 });
  await second.app.close();
});

it('agent_label is validated at reset: at most 64 characters, not blank, no control characters', async () => {
  const app = buildApp(testConfig(), { catalog });
  for (const bad of ['x'.repeat(65), '   ', 'a\nb', 'a\u0000b', 'a\u202eb', ''])
    expectError(await call(app, 'POST', '/reset', { agent_label: bad }), 422, 'CB_ERR_VALIDATION');
  expect((await call(app, 'POST', '/reset', { agent_label: 'é'.repeat(64) })).status).toBe(200);
  await app.close();
});
