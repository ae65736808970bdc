import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const noTimeoutRetry: Agent = {
  name: 'no-timeout-retry',
  description:
    'Takes a 504 gateway_timeout as final: that page is never requested again, and there are no re-fetch ' +
    'passes (a re-fetch is a retry too). Otherwise the solver.',
  run: (env) => solve(env, { timeoutRetry: false }),
};
