/** Helpers for the eval tests: the CLI in this process with captured output, and its files read back. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../../src/cli/batch.js';
import { runCli } from '../../src/cli/program.js';
import { loadTasks } from '../../src/env/task-catalog.js';
import type { Trajectory } from '../../src/env/trajectory.js';
import type { EpisodeRecord } from '../../src/results/record.js';
import type { Summary } from '../../src/results/stats.js';
import { afterAll, beforeAll, expect } from 'vitest';
import { FakeProvider } from './fake-provider.js';
import { policy } from './scripts.js';

const TASK_ORDER = loadTasks().ids;

export interface Captured extends Io {
  stdout: string;
  stderr: string;
}

export function captureIo(env: Record<string, string | undefined> = {}): Captured {
  const io: Captured = {
    stdout: '',
    stderr: '',
    out: (t) => {
      io.stdout += t;
    },
    err: (t) => {
      io.stderr += t;
    },
    progress: false,
    signals: false,
    env,
  };
  return io;
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'cb-eval-'));

export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

export interface CliRun {
  readonly code: number;
  readonly io: Captured;
  readonly dir: string;
  readonly episodes: EpisodeRecord[];
  readonly summary: Summary | null;
  readonly trajectories: Trajectory[];
}

/**
 * Runs `comtradebench <command> ...args --json --jsonl --trajectories` (files in a fresh directory, or `dir`)
 * in this process and reads the outputs.
 */
export async function cli(
  command: 'eval' | 'run',
  args: readonly string[],
  opts: { dir?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  const dir = opts.dir ?? tempDir();
  const io = captureIo(opts.env);
  const code = await runCli(
    [
      command,
      ...args,
      '--json',
      join(dir, 'out.json'),
      '--jsonl',
      join(dir, 'results.jsonl'),
      '--trajectories',
      join(dir, 'trajectories.jsonl'),
    ],
    io,
  );
  const json = existsSync(join(dir, 'out.json'))
    ? (JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
        episodes: EpisodeRecord[];
        summary: Summary;
      })
    : null;
  return {
    code,
    io,
    dir,
    episodes: json?.episodes ?? [],
    summary: json?.summary ?? null,
    // The file is in the order episodes finished; tests read it in job order, as the records are.
    trajectories: readJsonLines<Trajectory>(join(dir, 'trajectories.jsonl')).sort(
      (a, b) =>
        TASK_ORDER.indexOf(a.task_id) - TASK_ORDER.indexOf(b.task_id) ||
        a.seed - b.seed ||
        a.repeat - b.repeat,
    ),
  };
}

/** The flags of an eval against a fake provider. */
export const evalFlags = (baseUrl: string, model: string, more: readonly string[]): string[] => [
  '--base-url',
  baseUrl,
  '--model',
  model,
  '--no-progress',
  ...more,
];

/**
 * One `eval` of the honest script (test/eval/scripts.ts) on `tasks` x `seeds` (llm, three at a time) behind
 * a fake provider, run once before the file's tests (the returned object is filled then) and closed after.
 */
export function honestEvalRun(tasks: string, seeds: string): CliRun & { readonly provider: FakeProvider } {
  const run = {} as CliRun & { provider: FakeProvider };
  beforeAll(async () => {
    run.provider = await FakeProvider.start({ script: policy() });
    const flags = ['--tasks', tasks, '--seeds', seeds, '--concurrency', '3'];
    Object.assign(run, await cli('eval', evalFlags(run.provider.baseUrl, 'fake-honest', flags)));
  });
  afterAll(() => run.provider?.close());
  return run;
}

/** Every episode of `run` (`n` of them) ended by its submission on the llm profile, scoring at least 99. */
export function expectHonestEpisodes(run: CliRun, n: number): void {
  expect(run.code, run.io.stderr).toBe(0);
  expect(run.episodes).toHaveLength(n);
  for (const e of run.episodes) {
    expect(e.profile).toBe('llm');
    expect(e.end_reason).toBe('submitted');
    expect(e.score, `${e.task_id} seed ${e.seed}`).toBeGreaterThanOrEqual(99);
  }
}
