import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const firstVersion: Agent = {
  name: 'first-version',
  description:
    'Keeps the first row it receives of each primary key, whatever its version: a newer version received later ' +
    '(after a lagging snapshot) is dropped as a repeat. Otherwise the solver.',
  run: (env) => solve(env, { newestVersion: false }),
};
