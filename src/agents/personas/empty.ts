import type { Agent } from '../types.js';
import { call } from '../types.js';

export const empty: Agent = {
  name: 'empty',
  description: 'Reads the task, fetches nothing and submits no rows.',
  run: async (env) => {
    await call(env, 'get_task_info');
    await call(env, 'submit_results', { rows: [] });
  },
};
