import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { BENCHMARK_VERSION, JUDGE_VERSION } from '../../src/core/versions.js';
import { Leaderboard, type LeaderboardOptions } from '../../src/results/leaderboard.js';
import type { EpisodeRecord } from '../../src/results/record.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, type Json, testConfig } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cb-leaderboard-corrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T1 = catalog.resolve('T1_single_page');

function record(agent: string, seed: number, score: number): EpisodeRecord {
  const d = score / 100;
  return {
    task_id: T1.id,
    seed,
    profile: 'default',
    repeat: 0,
    agent,
    model: null,
    score,
    dimensions: {
      correctness: 30 * d,
      completeness: 15 * d,
      robustness: 15 * d,
      efficiency: 15 * d,
      data_quality: 15 * d,
      observability: 10 * d,
    },
    end_reason: 'submitted',
    requests: 1,
    virtual_time_s: 0.1,
    turns: null,
    prompt_tokens: null,
    completion_tokens: null,
    tool_chars: null,
    benchmark_version: BENCHMARK_VERSION,
    judge_version: JUDGE_VERSION,
    task_hash: T1.task_hash,
    seed_salt_hash: null,
    evidence: {},
    episode_id: `e${seed}`,
    wall_time_s: 0.01,
  };
}

/** A leaderboard on `path` whose log is kept, with its statistics computed synchronously enough to read. */
function open(path: string, over: Partial<LeaderboardOptions> = {}) {
  const logged: Array<{ level: string; msg: string; obj: Json }> = [];
  const log = (level: string) => (obj: object, msg: string) => logged.push({ level, msg, obj });
  const board = new Leaderboard({
    path,
    maxAgents: 10,
    maxEpisodes: 100,
    current: {
      benchmark_version: BENCHMARK_VERSION,
      judge_version: JUDGE_VERSION,
      seed_salt_hash: null,
      taskHash: (id, profile) => (id === T1.id && profile === 'default' ? T1.task_hash : null),
    },
    taskOrder: catalog.ids,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    ...over,
  });
  return { board, logged };
}

async function settled(board: Leaderboard): Promise<Json> {
  const deadline = Date.now() + 5000;
  while (board.document().pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return board.document();
}

it('corrupt lines are reported, the file is set aside, and the valid records are kept in a fresh file', async () => {
  const path = join(dir, 'a.jsonl');
  const good = [record('alpha', 0, 100), record('alpha', 1, 80), record('beta', 0, 50)];
  const otherVersion = { ...record('old', 0, 100), judge_version: '0.9.0' };
  writeFileSync(
    path,
    [
      JSON.stringify(good[0]),
      '{"task_id": "T1_single_page", "seed": ', // a line cut short
      JSON.stringify(good[1]),
      JSON.stringify({ ...good[2], score: 101 }), // not a valid record
      JSON.stringify(otherVersion),
      JSON.stringify(good[2]),
      'garbage',
    ].join('\n'),
  );
  const { board, logged } = open(path);
  const doc = await settled(board);
  expect(doc.entries.map((e: Json) => [e.agent_label, e.episodes, e.mean])).toEqual([
    ['alpha', 2, 90],
    ['beta', 1, 50],
  ]);
  expect(doc.other_versions).toBe(1);
  const warned = logged.filter((l) => l.level === 'warn');
  expect(warned[0]!.obj).toMatchObject({ corrupt_lines: 3, first_corrupt_line: 2 });
  const aside = join(dir, 'a.jsonl.corrupt-2026-01-02T03-04-05-000Z');
  expect(warned[1]!.obj).toMatchObject({ set_aside_as: aside });
  expect(readFileSync(aside, 'utf8')).toContain('garbage');
  // The fresh file holds the four valid lines (the other version's verbatim) and takes new records.
  board.add(record('beta', 1, 70));
  board.close();
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(5);
  expect(lines.map((l) => JSON.parse(l).agent).sort()).toEqual(['alpha', 'alpha', 'beta', 'beta', 'old']);
  const reopened = await settled(open(path).board);
  expect(reopened.entries.map((e: Json) => [e.agent_label, e.episodes, e.mean])).toEqual([
    ['alpha', 2, 90],
    ['beta', 2, 60],
  ]);
});

it('a file that cannot be read or written leaves the leaderboard in memory, and the server serves', async () => {
  // The path is a directory: unreadable as a file, and it cannot be replaced by one.
  const path = join(dir, 'is-a-directory');
  mkdirSync(path);
  appendFileSync(join(path, 'keep'), 'x');
  const { board, logged } = open(path);
  board.add(record('alpha', 0, 100));
  expect((await settled(board)).entries).toHaveLength(1);
  expect(logged.some((l) => l.level === 'error')).toBe(true);
  board.close();

  const app = buildApp(testConfig({ LEADERBOARD_PATH: path }), { catalog });
  const r = await call(app, 'POST', '/reset', { task_id: T1.id, seed: 0, agent_label: 'gamma' });
  expect(r.status).toBe(200);
  expect((await call(app, 'GET', '/api/leaderboard')).status).toBe(200);
  expect((await call(app, 'GET', '/health')).body).toEqual({ status: 'healthy' });
  await app.close();
});

it('bounded: the oldest records of an agent and the least recently updated agent are dropped, and the file is compacted', async () => {
  const path = join(dir, 'bounded.jsonl');
  const { board } = open(path, { maxAgents: 2, maxEpisodes: 3 });
  for (let seed = 0; seed < 1500; seed++) board.add(record('alpha', seed, seed < 1497 ? 0 : 100));
  board.add(record('beta', 0, 10));
  board.add(record('gamma', 0, 20)); // alpha is the least recently updated: dropped
  const doc = await settled(board);
  expect(doc.entries.map((e: Json) => [e.agent_label, e.episodes])).toEqual([
    ['gamma', 1],
    ['beta', 1],
  ]);
  board.close();
  // Compacted whenever the file held twice what is kept (+1024 lines): never more than that.
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  expect(lines.length).toBeLessThanOrEqual(2 * 3 + 1024 + 2);
  expect(readdirSync(dir).filter((f) => f.startsWith('bounded.jsonl.tmp'))).toEqual([]);
  const { board: again } = open(path, { maxAgents: 2, maxEpisodes: 3 });
  expect((await settled(again)).entries.map((e: Json) => e.agent_label).sort()).toEqual(['beta', 'gamma']);
  again.close();
});
