import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const noRetry: Agent = {
  name: 'no-retry',
  description:
    'On a 429 or 500 the page is lost for good: it is never requested again, not even by the completeness ' +
    'passes. The next request still waits the retry_after_s of a 429 (so it never meets the window). ' +
    'Otherwise the solver.',
  run: (env) => solve(env, { retry: 'lose-page' }),
};
