import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const singlePass: Agent = {
  name: 'single-pass',
  description: 'No completeness check: one pass over the pages, never a re-fetch pass. Otherwise the solver.',
  run: (env) => solve(env, { completenessCheck: false }),
};
