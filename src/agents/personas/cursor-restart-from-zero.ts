import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const cursorRestartFromZero: Agent = {
  name: 'cursor-restart-from-zero',
  description:
    'Ignores restart_cursor: after a 410 cursor_expired it starts the listing again at page 1 (a request ' +
    'without cursor) and walks forward from there, keeping the rows it holds. Otherwise the solver.',
  run: (env) => solve(env, { cursorRestart: 'from-zero' }),
};
