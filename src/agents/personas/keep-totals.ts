import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const keepTotals: Agent = {
  name: 'keep-totals',
  description: 'Keeps rows with is_total true in the submission (once per key). Otherwise the solver.',
  run: (env) => solve(env, { dropTotals: false }),
};
