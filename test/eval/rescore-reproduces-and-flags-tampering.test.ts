/**
 * `comtradebench rescore` replays recorded trajectories against fresh episodes: ten episodes of every task
 * recorded by `run --trajectories` reproduce exactly (exit 0), and each kind of tampering — a deleted 429,
 * an edited row, an added page, a changed score — is flagged with exit 3 in a file of one episode per task,
 * naming the episode and the first differing call. Trajectories of other versions, or salted ones without
 * their salt, are refused (exit 4); salted ones replay with it, auth tokens and cursors included.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { reference } from '../../src/agents/reference.js';
import { runEpisode } from '../../src/agents/runner.js';
import { runCli } from '../../src/cli/program.js';
import { InProcessEnv } from '../../src/env/in-process.js';
import { loadTasks } from '../../src/env/task-catalog.js';
import { type Trajectory, TrajectoryRecorder } from '../../src/env/trajectory.js';
import { captureIo, tempDir } from './helpers.js';

type Json = Record<string, unknown>;
const TASKS = loadTasks().ids.length;
let dir: string;
let lines: Trajectory[];

beforeAll(async () => {
  dir = tempDir();
  const io = captureIo();
  const args = ['run', '--agent', 'reference', '--tasks', 'all', '--seeds', '0..9', '--profile', 'llm'];
  expect(await runCli([...args, '--trajectories', join(dir, 'all.jsonl')], io), io.stderr).toBe(0);
  lines = readFileSync(join(dir, 'all.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Trajectory);
});

async function rescore(
  trajectories: readonly unknown[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string; json: Json }> {
  const file = join(dir, `case-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, trajectories.map((t) => `${JSON.stringify(t)}\n`).join(''));
  const io = captureIo(env);
  const code = await runCli(['rescore', file, '--json', `${file}.verdicts.json`], io);
  let json: Json = {};
  try {
    json = JSON.parse(readFileSync(`${file}.verdicts.json`, 'utf8')) as Json;
  } catch {
    /* refused files write no verdicts */
  }
  return { code, out: io.stdout, err: io.stderr, json };
}

/** A file of one trajectory per task (seed index % 10), the one at `index` replaced by `edit` of a copy of it. */
function tampered(index: number, edit: (t: Json & { calls: Json[] }) => void): unknown[] {
  const copy = structuredClone(lines[index]) as unknown as Json & { calls: Json[] };
  edit(copy);
  return lines.filter((_, i) => i % 10 === index % 10).map((t) => (t === lines[index] ? copy : t));
}

const status = (c: Json) => (c.reply as { status?: number }).status;

/** The one DIFFERS verdict: it names this episode and the first differing call. */
function flagged(
  r: { code: number; out: string; json: Json },
  t: Trajectory,
  call: number | null,
  path: RegExp,
) {
  expect(r.code, r.out).toBe(3);
  const differing = r.out.split('\n').filter((l) => l.startsWith('DIFFERS'));
  expect(differing).toHaveLength(1);
  expect(differing[0]).toContain(`${t.task_id} seed ${t.seed} repeat 0 (episode ${t.episode_id})`);
  const verdict = (r.json.verdicts as Json[]).find((v) => v.reproduced === false)!;
  const d = verdict.difference as { call: number | null; path: string };
  expect(d.call).toBe(call);
  expect(d.path).toMatch(path);
  expect(r.json).toMatchObject({ episodes: TASKS, reproduced: TASKS - 1, differ: 1 });
}

describe('rescore', () => {
  it('reproduces ten recorded episodes of every task exactly (exit 0)', async () => {
    expect(TASKS).toBeGreaterThanOrEqual(10);
    expect(lines).toHaveLength(10 * TASKS);
    expect(new Set(lines.map((t) => t.task_id)).size).toBe(TASKS);
    const r = await rescore(lines);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain(`${10 * TASKS} episodes: ${10 * TASKS} reproduced exactly, 0 differ`);
    expect(r.json).toMatchObject({ episodes: 10 * TASKS, reproduced: 10 * TASKS, differ: 0 });
  });

  it('flags a deleted 429 at the call that follows it', async () => {
    const index = lines.findIndex((t) => t.calls.some((c) => status(c as Json) === 429));
    const at = lines[index]!.calls.findIndex((c) => status(c as Json) === 429);
    const r = await rescore(
      tampered(index, (t) => {
        t.calls.splice(at, 1);
        t.submission_call = (t.submission_call as number) - 1;
      }),
    );
    flagged(r, lines[index]!, at, /^status$|^retry_after_s$|^rows/);
  });

  it('flags an edited row at its call', async () => {
    const index = 23;
    const at = lines[index]!.calls.findIndex((c) => status(c as Json) === 200);
    const r = await rescore(
      tampered(index, (t) => {
        // A row object, or a row array under a `columns` header: its numbers nudged either way.
        const rows = (t.calls[at]!.reply as { rows: unknown[] }).rows;
        const row = rows[2] as Json | unknown[];
        rows[2] = Array.isArray(row)
          ? row.map((v) => (typeof v === 'number' ? v + 1 : v))
          : { ...row, primaryValue: 1 };
      }),
    );
    flagged(r, lines[index]!, at, /^rows\[2\]/);
  });

  it('flags an added page at the added call', async () => {
    const index = 57;
    const at = lines[index]!.calls.findIndex((c) => status(c as Json) === 200);
    const r = await rescore(
      tampered(index, (t) => {
        t.calls.splice(at + 1, 0, structuredClone(t.calls[at]!));
        t.submission_call = (t.submission_call as number) + 1;
      }),
    );
    flagged(r, lines[index]!, at + 1, /./);
  });

  it('flags a changed score', async () => {
    const index = 81;
    const r = await rescore(tampered(index, (t) => void (t.score = (t.score as number) - 0.5)));
    flagged(r, lines[index]!, null, /^score$/);
    const inReply = await rescore(
      tampered(index, (t) => {
        const submit = t.calls[t.submission_call as number]!.reply as Json;
        submit.score = 100.5;
      }),
    );
    flagged(inReply, lines[index]!, lines[index]!.submission_call, /^score$/);
  });

  it('refuses trajectories of another judge version or task file (exit 4), replaying nothing', async () => {
    const judge = await rescore(tampered(5, (t) => void (t.judge_version = '0.9.0')));
    expect(judge.code).toBe(4);
    expect(judge.err).toContain('judge 0.9.0');
    expect(judge.out).toBe('');
    const task = await rescore(tampered(5, (t) => void (t.task_hash = '0000000000000000')));
    expect(task.code).toBe(4);
    expect(task.err).toContain('task file 0000000000000000');
  });

  it('needs the salt of a salted trajectory, from SEED_SALT', async () => {
    const catalog = loadTasks();
    const salted: Trajectory[] = [];
    // T11's tokens and T16's cursors are keyed on the salt too.
    for (const task_id of ['T8_mixed_faults', 'T11_auth_expiry', 'T16_cursor_pagination']) {
      const recorder = new TrajectoryRecorder(new InProcessEnv(catalog, 'deployment-secret'));
      const result = await runEpisode(recorder, reference, { task_id, seed: 4, profile: 'llm' });
      salted.push(
        recorder.trajectory({
          agent: 'reference',
          model: null,
          repeat: 0,
          endReason: result.end_reason,
          score: result.score,
        }),
      );
    }
    expect(salted[0]!.seed_salt_hash).not.toBeNull();
    const without = await rescore(salted);
    expect(without.code).toBe(4);
    expect(without.err).toContain('give its SEED_SALT');
    const wrong = await rescore(salted, { SEED_SALT: 'another-secret' });
    expect(wrong.code).toBe(4);
    expect(wrong.err).toContain('does not match');
    const right = await rescore(salted, { SEED_SALT: 'deployment-secret' });
    expect(right.code, right.out).toBe(0);
    expect(right.json).toMatchObject({ episodes: 3, reproduced: 3, differ: 0 });
  });
});
