/** `comtradebench run`: runs a scripted agent over tasks x seeds, in-process or against a server, and reports. */
import { agents } from '../agents/index.js';
import { runRecordedEpisode } from '../agents/runner.js';
import { InProcessEnv } from '../env/in-process.js';
import type { TaskCatalog } from '../env/task-catalog.js';
import { TrajectoryRecorder } from '../env/trajectory.js';
import { recordOf } from '../results/record.js';
import { checkProfile, parseSeeds, parseTasks, UsageError } from './args.js';
import { type BatchSelection, type BatchWorker, type Io, runBatch } from './batch.js';

export interface RunOptions extends BatchSelection {
  readonly agent: string;
}

export async function runCommand(catalog: TaskCatalog, opts: RunOptions, io: Io): Promise<number> {
  const registry = agents(catalog);
  const agent = registry.get(opts.agent);
  if (agent === undefined)
    throw new UsageError(`unknown agent '${opts.agent}'; agents: ${[...registry.keys()].join(', ')}`);
  const taskIds = parseTasks(opts.tasks, catalog.ids);
  checkProfile(catalog, taskIds, opts.profile);
  const seeds = parseSeeds(opts.seeds);

  // One connection per worker, reused across its episodes (each reset starts a new one).
  const openWorker = async (): Promise<BatchWorker> => {
    const env = opts.connect ? await opts.connect() : new InProcessEnv(catalog);
    const recorder = new TrajectoryRecorder(env);
    return {
      run: async (job) => {
        const started = performance.now();
        const { outcome, trajectory } = await runRecordedEpisode(
          recorder,
          agent,
          { task_id: job.task_id, seed: job.seed, profile: opts.profile },
          { repeat: job.repeat },
        );
        const record = recordOf(outcome, recorder.observation.episode_id as string, started);
        return { record, trajectory };
      },
      close: () => env.close(),
    };
  };
  return runBatch(
    {
      catalog,
      agent: agent.name,
      model: null,
      profile: opts.profile,
      taskIds,
      seeds,
      repeats: opts.repeats,
      concurrency: opts.concurrency,
      openWorker,
      json: opts.json,
      jsonl: opts.jsonl,
      trajectories: opts.trajectories,
      resume: opts.resume,
      durable: false,
    },
    io,
  );
}
