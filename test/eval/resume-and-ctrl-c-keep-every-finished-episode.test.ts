/**
 * Results survive interruption: Ctrl-C (SIGINT) on a running `eval` stops launching episodes, drops the
 * ones in flight and exits 130, leaving only whole lines — one result and one trajectory per finished
 * episode. `--resume` then runs exactly the missing (task, seed, repeat) triples, cuts off a line a crash
 * left unfinished, and refuses a file of other versions.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Trajectory } from '../../src/env/trajectory.js';
import type { EpisodeRecord } from '../../src/results/record.js';
import { cli, evalFlags, readJsonLines, tempDir } from './helpers.js';
import { FakeProvider } from './fake-provider.js';
import { policy } from './scripts.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const JOBS = ['--tasks', 'T1,T7', '--seeds', '0..5', '--repeats', '2', '--concurrency', '2'];
const TOTAL = 2 * 6 * 2;
let slow: FakeProvider;
let fast: FakeProvider;

beforeAll(async () => {
  slow = await FakeProvider.start({ script: policy(), delayMs: 40 });
  fast = await FakeProvider.start({ script: policy() });
});
afterAll(async () => {
  await slow.close();
  await fast.close();
});

/** Polls `check` until it holds, up to a deadline. */
async function until(check: () => boolean, what: string, deadlineMs = 15_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const keyOf = (r: { task_id: string; seed: number; repeat: number }) => `${r.task_id}/${r.seed}/${r.repeat}`;

it('Ctrl-C leaves whole lines for finished episodes only, and --resume completes exactly the rest', async () => {
  const dir = tempDir();
  const files = ['--jsonl', join(dir, 'results.jsonl'), '--trajectories', join(dir, 'trajectories.jsonl')];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'eval', ...evalFlags(slow.baseUrl, 'fake', [...JOBS, ...files])],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const lines = () => readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').length - 1;
  await until(() => {
    try {
      return lines() >= 3;
    } catch {
      return false;
    }
  }, 'three finished episodes');
  child.kill('SIGINT');
  expect(await exited, stderr).toBe(130);
  expect(stderr).toContain('interrupted after');

  // Whole lines only, one trajectory per result, and nothing of the episodes that were in flight.
  for (const f of ['results.jsonl', 'trajectories.jsonl'])
    expect(readFileSync(join(dir, f), 'utf8').endsWith('\n')).toBe(true);
  const results = readJsonLines<EpisodeRecord>(join(dir, 'results.jsonl'));
  const trajectories = readJsonLines<Trajectory>(join(dir, 'trajectories.jsonl'));
  expect(results.length).toBeGreaterThanOrEqual(3);
  expect(results.length).toBeLessThan(TOTAL);
  expect(trajectories.map(keyOf).sort()).toEqual(results.map(keyOf).sort());
  for (const r of results) expect(r.end_reason).toBe('submitted');

  // A crash mid-write leaves a partial last line: --resume cuts it off and runs only what is missing.
  appendFileSync(join(dir, 'results.jsonl'), '{"task_id":"T1_single_page","seed":');
  const resumed = await cli('eval', evalFlags(fast.baseUrl, 'fake', [...JOBS, '--resume']), { dir });
  expect(resumed.code, resumed.io.stderr).toBe(0);
  expect(resumed.io.stderr).toContain('dropped an unfinished last line');
  expect(resumed.io.stderr).toContain(`--resume: ${results.length} of ${TOTAL} episodes already`);
  const all = readJsonLines<EpisodeRecord>(join(dir, 'results.jsonl'));
  expect(all).toHaveLength(TOTAL);
  expect(new Set(all.map(keyOf)).size).toBe(TOTAL);
  expect(readJsonLines<Trajectory>(join(dir, 'trajectories.jsonl'))).toHaveLength(TOTAL);
  // The report covers every episode, resumed or new, with pass^2 over the two repeats.
  expect(resumed.episodes).toHaveLength(TOTAL);
  expect(resumed.summary!.overall.pass_k).toBe(1);
  expect(resumed.io.stdout).toContain('pass^2');
});

it('--resume refuses a results file of other versions, naming them', async () => {
  const dir = tempDir();
  const first = await cli('eval', evalFlags(fast.baseUrl, 'fake', ['--tasks', 'T1', '--seeds', '0..1']), {
    dir,
  });
  expect(first.code).toBe(0);
  const path = join(dir, 'results.jsonl');
  writeFileSync(
    path,
    readFileSync(path, 'utf8').replace(/"judge_version":"[^"]*"/, '"judge_version":"0.9.0"'),
  );
  const again = await cli(
    'eval',
    evalFlags(fast.baseUrl, 'fake', ['--tasks', 'T1', '--seeds', '0..2', '--resume']),
    {
      dir,
    },
  );
  expect(again.code).toBe(2);
  expect(again.io.stderr).toContain('judge 0.9.0');
  expect(again.io.stderr).toContain('write to another --jsonl file');
});
