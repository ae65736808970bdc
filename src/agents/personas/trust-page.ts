import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const trustPage: Agent = {
  name: 'trust-page',
  description:
    'Trusts every 200 as whole and final: a page once served is never requested again, so a response cut short ' +
    '(fewer rows than row_count) keeps only the rows it carried, and there are no re-fetch passes (they request ' +
    'served pages again). Otherwise the solver.',
  run: (env) => solve(env, { refetchServed: false }),
};
