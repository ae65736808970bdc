/**
 * Runs a batch of episodes for `run` and `eval`: tasks x seeds x repeats over N workers, one result line
 * (`--jsonl`) and one trajectory line (`--trajectories`) appended per episode as it finishes, `--resume`
 * skipping the (task, seed, repeat) triples a previous run already wrote, a progress bar on stderr, and the
 * summary (src/results) as a table and in `--json`. Ctrl-C stops launching episodes, drops the ones in
 * flight that can be aborted (a model's), writes nothing half-way and exits 130; a second Ctrl-C exits at
 * once (every line already written is whole).
 */
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { BENCHMARK_VERSION, JUDGE_VERSION } from '../core/versions.js';
import type { EnvConnection } from '../env/connection.js';
import type { TaskCatalog } from '../env/task-catalog.js';
import type { Trajectory } from '../env/trajectory.js';
import type { EpisodeRecord } from '../results/record.js';
import { renderTable } from '../results/report.js';
import { summarise } from '../results/stats.js';
import { UsageError } from './args.js';
import { LineFile, readLines } from '../results/lines.js';

/** Where the CLI writes and what it may use of its process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Show a progress bar on stderr. */
  readonly progress: boolean;
  /** Handle SIGINT (Ctrl-C) during a batch. */
  readonly signals: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const EXIT_INTERRUPTED = 130;

/** What `run` and `eval` share: which episodes, where their results go, and what they connect to. */
export interface BatchSelection {
  readonly tasks: string;
  readonly seeds: string;
  readonly profile: string;
  readonly repeats: number;
  readonly concurrency: number;
  readonly json?: string | undefined;
  readonly jsonl?: string | undefined;
  readonly trajectories?: string | undefined;
  readonly resume: boolean;
  /** Opens a /ws session on a live server (set by --url); in-process when absent. */
  readonly connect?: (() => Promise<EnvConnection>) | undefined;
}

export interface BatchJob {
  readonly task_id: string;
  readonly seed: number;
  readonly repeat: number;
}

export interface BatchEpisode {
  readonly record: EpisodeRecord;
  readonly trajectory: Trajectory;
}

/** A worker's resources (e.g. one /ws session) and how it runs one episode. */
export interface BatchWorker {
  run(job: BatchJob, signal: AbortSignal): Promise<BatchEpisode>;
  close(): Promise<void>;
}

export interface BatchOptions {
  readonly catalog: TaskCatalog;
  /** Who the results are of: resumed lines must match all three. */
  readonly agent: string;
  readonly model: string | null;
  readonly profile: string;
  readonly taskIds: readonly string[];
  readonly seeds: readonly number[];
  readonly repeats: number;
  readonly concurrency: number;
  readonly openWorker: () => Promise<BatchWorker>;
  readonly json?: string | undefined;
  readonly jsonl?: string | undefined;
  readonly trajectories?: string | undefined;
  readonly resume: boolean;
  /** fsync every line (model runs: a line is worth far more than an fsync). */
  readonly durable: boolean;
}

const keyOf = (j: BatchJob) => `${j.task_id}\u0000${j.seed}\u0000${j.repeat}`;

/** The records of this run already in the --jsonl file; refuses lines of other versions. */
function resumed(opts: BatchOptions, io: Io): EpisodeRecord[] {
  if (opts.jsonl === undefined) throw new UsageError('--resume needs --jsonl FILE (the results to resume)');
  const lines = readLines(opts.jsonl, (cut) =>
    io.err(`${opts.jsonl}: dropped an unfinished last line (${cut.length} characters)\n`),
  );
  const mine = lines.filter((l): l is EpisodeRecord => {
    const r = l as Partial<EpisodeRecord> | null;
    return r?.agent === opts.agent && (r.model ?? null) === opts.model && r.profile === opts.profile;
  });
  for (const r of mine) {
    let taskHash: string | null = null;
    try {
      taskHash = opts.catalog.resolve(r.task_id, r.profile).task_hash;
    } catch {
      taskHash = null;
    }
    if (
      r.benchmark_version !== BENCHMARK_VERSION ||
      r.judge_version !== JUDGE_VERSION ||
      r.task_hash !== taskHash
    ) {
      throw new UsageError(
        `--resume: ${opts.jsonl} has results of benchmark ${r.benchmark_version}, judge ${r.judge_version}, ` +
          `${r.task_id} file ${r.task_hash}; this is benchmark ${BENCHMARK_VERSION}, judge ${JUDGE_VERSION}, ` +
          `file ${taskHash ?? '(unknown task)'}: write to another --jsonl file`,
      );
    }
  }
  return mine.map((r) => ({ ...r, repeat: r.repeat ?? 0 }));
}

/** Runs the batch and prints the report; returns the exit code (0, or 130 when interrupted). */
export async function runBatch(opts: BatchOptions, io: Io): Promise<number> {
  const jobs: BatchJob[] = opts.taskIds.flatMap((task_id) =>
    opts.seeds.flatMap((seed) =>
      Array.from({ length: opts.repeats }, (_, repeat) => ({ task_id, seed, repeat })),
    ),
  );
  const order = new Map(jobs.map((j, i) => [keyOf(j), i]));
  const done = new Map<string, EpisodeRecord>();
  if (opts.resume) for (const r of resumed(opts, io)) if (order.has(keyOf(r))) done.set(keyOf(r), r);
  const todo = jobs.filter((j) => !done.has(keyOf(j)));
  if (opts.resume) io.err(`--resume: ${done.size} of ${jobs.length} episodes already in ${opts.jsonl}\n`);

  const append = opts.resume;
  const jsonl = opts.jsonl === undefined ? null : new LineFile(opts.jsonl, append, opts.durable);
  const trajectories =
    opts.trajectories === undefined ? null : new LineFile(opts.trajectories, append, opts.durable);
  const bar = io.progress
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: '{bar} {value}/{total} episodes | mean {mean} | ETA {eta_formatted} | {last}',
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const controller = new AbortController();
  let interrupted = false;
  let failure: { error: unknown } | null = null;
  let scoreSum = [...done.values()].reduce((s, r) => s + r.score, 0);
  const onSigint = () => {
    if (interrupted) {
      io.err('\nsecond Ctrl-C: exiting now (every line written is whole)\n');
      process.exit(EXIT_INTERRUPTED);
    }
    interrupted = true;
    controller.abort();
    io.err(
      '\nCtrl-C: launching no more episodes; episodes in flight are dropped or finish (Ctrl-C again to quit now)\n',
    );
  };
  if (io.signals) process.on('SIGINT', onSigint);
  bar?.start(jobs.length, done.size, {
    mean: done.size === 0 ? '-' : (scoreSum / done.size).toFixed(2),
    last: '',
  });
  const started = performance.now();
  let next = 0;

  const worker = async () => {
    const w = await opts.openWorker();
    try {
      while (!interrupted && failure === null) {
        const job = todo[next++];
        if (job === undefined) return;
        let out: BatchEpisode;
        try {
          out = await w.run(job, controller.signal);
        } catch (error) {
          if (!interrupted) failure ??= { error };
          return;
        }
        jsonl?.write(out.record);
        trajectories?.write(out.trajectory);
        done.set(keyOf(job), out.record);
        scoreSum += out.record.score;
        bar?.update(done.size, {
          mean: (scoreSum / done.size).toFixed(2),
          last: `${job.task_id} seed ${job.seed}${opts.repeats > 1 ? ` #${job.repeat}` : ''}`,
        });
      }
    } finally {
      await w.close();
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(opts.concurrency, todo.length)) }, () =>
        worker().catch((error: unknown) => {
          failure ??= { error };
        }),
      ),
    );
  } finally {
    if (io.signals) process.off('SIGINT', onSigint);
    bar?.stop();
    jsonl?.close();
    trajectories?.close();
  }
  const elapsed = (performance.now() - started) / 1000;
  const records = [...done.values()].sort((a, b) => order.get(keyOf(a))! - order.get(keyOf(b))!);
  const fresh = records.length - (jobs.length - todo.length);
  const summary = summarise(records, {
    agent: opts.agent,
    model: opts.model,
    profile: opts.profile,
    repeats: opts.repeats,
    taskOrder: opts.taskIds,
  });
  if (records.length > 0) io.out(`${renderTable(summary)}\n`);
  io.err(
    `${fresh} episodes in ${elapsed.toFixed(2)} s (${(fresh / Math.max(elapsed, 1e-9)).toFixed(1)} episodes/s)\n`,
  );
  if (opts.json !== undefined)
    writeFileSync(opts.json, `${JSON.stringify({ episodes: records, summary }, null, 2)}\n`);
  const saved =
    opts.jsonl === undefined ? '' : `; finished episodes are in ${opts.jsonl}: rerun with --resume`;
  if (failure !== null) {
    const e = (failure as { error: unknown }).error;
    io.err(`stopped after ${records.length} of ${jobs.length} episodes${saved}\n`);
    throw e;
  }
  if (interrupted) {
    io.err(`interrupted after ${records.length} of ${jobs.length} episodes${saved}\n`);
    return EXIT_INTERRUPTED;
  }
  return 0;
}
