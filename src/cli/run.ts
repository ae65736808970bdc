/** `comtradebench run`: runs an agent over tasks x seeds, in-process or against a server, and reports. */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { InProcessEnv } from '../env/in-process.js';
import { agents } from '../agents/index.js';
import { type EpisodeResult, runEpisode } from '../agents/runner.js';
import type { EnvConnection } from '../env/connection.js';
import type { TaskCatalog } from '../env/task-catalog.js';
import { parseSeeds, parseTasks, UsageError } from './args.js';
import { renderTable, summarise } from './report.js';

export interface RunOptions {
  readonly agent: string;
  readonly tasks: string;
  readonly seeds: string;
  readonly profile: string;
  readonly json?: string | undefined;
  readonly jsonl?: string | undefined;
  /** Opens a connection to a remote server (set by --url); in-process when absent. */
  readonly connect?: (() => Promise<EnvConnection>) | undefined;
  readonly concurrency: number;
  readonly progress: boolean;
}

export async function runCommand(catalog: TaskCatalog, opts: RunOptions): Promise<EpisodeResult[]> {
  const registry = agents(catalog);
  const agent = registry.get(opts.agent);
  if (agent === undefined)
    throw new UsageError(`unknown agent '${opts.agent}'; agents: ${[...registry.keys()].join(', ')}`);
  const taskIds = parseTasks(opts.tasks, catalog.ids);
  for (const id of taskIds) catalog.resolve(id, opts.profile);
  const seeds = parseSeeds(opts.seeds);
  const jobs = taskIds.flatMap((task_id) => seeds.map((seed) => ({ task_id, seed })));

  const bar = opts.progress
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: '{bar} {value}/{total} episodes | {eps} eps/s | {task}',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(jobs.length, 0, { eps: '0', task: '' });
  const jsonl = opts.jsonl === undefined ? null : openSync(opts.jsonl, 'w');
  const results: EpisodeResult[] = new Array(jobs.length);
  const started = performance.now();
  let done = 0;
  let next = 0;

  const worker = async () => {
    const env = opts.connect ? await opts.connect() : new InProcessEnv(catalog);
    try {
      for (;;) {
        const i = next++;
        if (i >= jobs.length) return;
        const job = jobs[i]!;
        const r = await runEpisode(env, agent, { ...job, profile: opts.profile });
        results[i] = r;
        done += 1;
        if (jsonl !== null) writeSync(jsonl, `${JSON.stringify(r)}\n`);
        const secs = (performance.now() - started) / 1000;
        bar?.update(done, {
          eps: (done / Math.max(secs, 1e-9)).toFixed(0),
          task: `${job.task_id} seed ${job.seed}`,
        });
      }
    } finally {
      await env.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  } finally {
    bar?.stop();
    if (jsonl !== null) closeSync(jsonl);
  }
  const elapsed = (performance.now() - started) / 1000;
  const summary = summarise(agent.name, opts.profile, results, taskIds);
  process.stdout.write(`${renderTable(summary)}\n`);
  process.stderr.write(
    `${results.length} episodes in ${elapsed.toFixed(2)} s (${(results.length / elapsed).toFixed(1)} episodes/s)\n`,
  );
  if (opts.json !== undefined)
    writeFileSync(opts.json, `${JSON.stringify({ episodes: results, summary }, null, 2)}\n`);
  return results;
}
