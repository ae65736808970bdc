/** An EnvConnection over the core directly: no server, no serialisation. */
import { Episode } from '../core/episode.js';
import type { TaskCatalog } from '../env/task-catalog.js';
import type { EnvConnection, ResetOptions, ToolReply } from '../env/connection.js';

export class InProcessEnv implements EnvConnection {
  private episode: Episode | null = null;
  private counter = 0;

  constructor(
    private readonly catalog: TaskCatalog,
    private readonly salt = '',
  ) {}

  /** The live episode (for tests and the runner's evidence). */
  get current(): Episode | null {
    return this.episode;
  }

  async reset(opts: ResetOptions): Promise<Record<string, unknown>> {
    const task = this.catalog.resolve(opts.task_id, opts.profile);
    this.counter += 1;
    this.episode = new Episode({
      task,
      seed: opts.seed,
      episodeId: `local-${this.counter}`,
      salt: this.salt,
      rowFormat: opts.row_format,
    });
    return this.episode.taskInfo();
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<ToolReply> {
    if (this.episode === null) throw new Error('reset first');
    const r = this.episode.runTool(name, args);
    return r.outcome.ok
      ? { value: r.outcome.value, error: null, done: r.done, reward: r.reward }
      : {
          value: null,
          error: { code: r.outcome.error.code, message: r.outcome.error.message },
          done: r.done,
          reward: r.reward,
        };
  }

  async close(): Promise<void> {
    this.episode?.end('closed');
  }
}
