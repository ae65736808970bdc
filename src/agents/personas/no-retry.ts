import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const noRetry: Agent = {
  name: 'no-retry',
  description:
    'Never requests a page twice: a 429 or 500 loses that page, and there are no re-fetch passes (a re-fetch is ' +
    'a retry too). The next request still waits the retry_after_s of a 429, so it never meets the window. ' +
    'Otherwise the solver.',
  run: (env) => solve(env, { retry: 'lose-page' }),
};
