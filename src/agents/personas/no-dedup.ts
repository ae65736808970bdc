import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const noDedup: Agent = {
  name: 'no-dedup',
  description:
    'Submits every non-totals row served, repeats included (its completeness check still counts distinct keys). ' +
    'Otherwise the solver.',
  run: (env) => solve(env, { dedup: false }),
};
