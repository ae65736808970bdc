/**
 * Loads tasks/*.json: parse, validate (zod schema, then the pure task checks), and hash each file.
 * An invalid file fails fast with a message naming the file, the field and the problem.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from '../core/errors.js';
import { checkTask } from '../core/task-checks.js';
import {
  DEFAULT_PROFILE,
  parseTaskSpec,
  type ResolvedTask,
  resolveTask,
  type TaskSpec,
  TaskSpecError,
} from '../core/task-spec.js';

export interface LoadedTask {
  readonly spec: TaskSpec;
  readonly file: string;
  readonly hash: string;
}

export class TaskCatalog {
  private readonly byId: Map<string, LoadedTask>;
  private readonly resolved = new Map<string, ResolvedTask>();

  constructor(tasks: readonly LoadedTask[]) {
    this.byId = new Map(tasks.map((t) => [t.spec.id, t]));
  }

  /** Task ids in numeric order (T1 .. T10). */
  get ids(): string[] {
    return [...this.byId.keys()].sort(
      (a, b) => Number(a.slice(1).split('_')[0]) - Number(b.slice(1).split('_')[0]),
    );
  }

  get(id: string): LoadedTask | undefined {
    return this.byId.get(id);
  }

  /** The task with its size profile applied; typed errors for unknown ids and profiles. */
  resolve(id: string, profile: string = DEFAULT_PROFILE): ResolvedTask {
    const cacheKey = `${id}\u0000${profile}`;
    const hit = this.resolved.get(cacheKey);
    if (hit !== undefined) return hit;
    const t = this.byId.get(id);
    if (t === undefined) {
      throw new BenchError('CB_ERR_UNKNOWN_TASK', { task_id: id, known: this.ids });
    }
    const r = resolveTask(t.spec, t.hash, profile);
    this.resolved.set(cacheKey, r);
    return r;
  }
}

/** The tasks/ folder shipped with the package (found from this module, in src/ or dist/src/). */
export function defaultTasksDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'tasks')) && existsSync(join(dir, 'package.json'))) return join(dir, 'tasks');
    dir = resolve(dir, '..');
  }
  throw new Error('cannot find the tasks/ folder next to package.json');
}

export function loadTaskFile(file: string, text: string): LoadedTask {
  const spec = parseTaskSpec(file, text);
  const expected = `${spec.id}.json`;
  if (!file.endsWith(expected)) throw new TaskSpecError(file, 'id', `must match the file name (${expected})`);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const problem = checkTask(spec, hash);
  if (problem !== null) throw new TaskSpecError(file, problem.field, problem.problem);
  return { spec, file, hash };
}

export function loadTasks(dir: string = defaultTasksDir()): TaskCatalog {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`no task files in ${dir}`);
  return new TaskCatalog(files.map((f) => loadTaskFile(join(dir, f), readFileSync(join(dir, f), 'utf8'))));
}
