import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const noRefresh: Agent = {
  name: 'no-refresh',
  description:
    'Never asks for a new auth_token: it keeps the token of its first get_task_info, and retries a 401 ' +
    'token_expired like a 500 (at once, with the same token, at most 5 times in a row, then the page is given ' +
    'up). Otherwise the solver.',
  run: (env) => solve(env, { refreshToken: false }),
};
