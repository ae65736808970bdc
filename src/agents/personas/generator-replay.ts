import { truthRow } from '../../core/dataset.js';
import { deriveInstance } from '../../core/instance.js';
import type { TaskCatalog } from '../../env/task-catalog.js';
import type { Agent } from '../types.js';
import { call } from '../types.js';

/** Needs the project's task catalogue: it regenerates the instance offline from (task, profile, seed). */
export function generatorReplay(catalog: TaskCatalog): Agent {
  return {
    name: 'generator-replay',
    description:
      "Fetches nothing: rebuilds the exact ground truth offline from the task file and seed with the project's own " +
      'generator (without any SEED_SALT) and submits it with a plausible run log.',
    run: async (env) => {
      const info = await call(env, 'get_task_info');
      const task = catalog.resolve(info.task_id as string, info.profile as string);
      const inst = deriveInstance(task, info.seed as number);
      const rows = Array.from({ length: inst.n }, (_, i) => truthRow(inst, i));
      const pages = Math.ceil(inst.n / task.max_page_size);
      const runLog = Array.from({ length: pages }, (_, i) => ({ page: i + 1, status: 200 }));
      await call(env, 'submit_results', { rows, run_log: runLog });
    },
  };
}
