import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const noLog: Agent = {
  name: 'no-log',
  description: 'Submits no run_log. Otherwise the solver.',
  run: (env) => solve(env, { log: false }),
};
