import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const prematureRetry: Agent = {
  name: 'premature-retry',
  description:
    'Ignores retry_after_s: after any 429 it retries the same page at once with wait_s 0, until success or ' +
    'the budget ends. Otherwise the solver.',
  run: (env) => solve(env, { retry: 'premature' }),
};
