/** `comtradebench eval`: runs a model (any OpenAI-compatible chat-completions endpoint) over tasks x seeds x repeats. */
import { InProcessEnv } from '../env/in-process.js';
import type { TaskCatalog } from '../env/task-catalog.js';
import { evalEpisode } from '../eval/episode.js';
import { openProvider } from '../eval/provider.js';
import { checkProfile, parseSeeds, parseTasks } from './args.js';
import { type BatchSelection, type Io, runBatch } from './batch.js';

export interface EvalCommandOptions extends BatchSelection {
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKeyEnv: string;
  readonly temperature?: number | undefined;
  readonly maxTurns: number;
  readonly maxTokens?: number | undefined;
  readonly label?: string | undefined;
  /** Provider retries and timeout (the SDK's); defaults in src/eval/provider.ts. */
  readonly maxRetries?: number | undefined;
  readonly timeoutMs?: number | undefined;
}

export async function evalCommand(catalog: TaskCatalog, opts: EvalCommandOptions, io: Io): Promise<number> {
  const taskIds = parseTasks(opts.tasks, catalog.ids);
  checkProfile(catalog, taskIds, opts.profile);
  const seeds = parseSeeds(opts.seeds);
  const client = openProvider({
    baseURL: opts.baseUrl,
    apiKey: io.env[opts.apiKeyEnv],
    maxRetries: opts.maxRetries,
    timeoutMs: opts.timeoutMs,
  });
  const label = opts.label ?? opts.model;
  const episode = {
    client,
    model: opts.model,
    label,
    profile: opts.profile,
    maxTurns: opts.maxTurns,
    temperature: opts.temperature,
    maxTokens: opts.maxTokens,
    // One connection per episode: closing it ends the episode, whatever ended the model's loop.
    connect: opts.connect ?? (async () => new InProcessEnv(catalog)),
  };
  return runBatch(
    {
      catalog,
      agent: label,
      model: opts.model,
      profile: opts.profile,
      taskIds,
      seeds,
      repeats: opts.repeats,
      concurrency: opts.concurrency,
      openWorker: async () => ({
        run: (job, signal) => evalEpisode(job, episode, signal),
        close: async () => undefined,
      }),
      json: opts.json,
      jsonl: opts.jsonl,
      trajectories: opts.trajectories,
      resume: opts.resume,
      durable: true,
    },
    io,
  );
}
