import type { Agent } from '../types.js';
import { call } from '../types.js';
import { inventRows } from './invent.js';

export const fabricator: Agent = {
  name: 'fabricator',
  description:
    'Fetches nothing: invents 500 well-formed rows for the query (plausible periods, flows and commodity codes ' +
    'under the chapter, plausible values) and a run log claiming a clean walk of 10 pages.',
  run: async (env) => {
    const info = await call(env, 'get_task_info');
    const rows = inventRows(info, 500, 0);
    const runLog = Array.from({ length: 10 }, (_, i) => ({ page: i + 1, status: 200, rows: 50 }));
    await call(env, 'submit_results', { rows, run_log: runLog });
  },
};
