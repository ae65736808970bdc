import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const fakeLog: Agent = {
  name: 'fake-log',
  description:
    'The solver, plus fabricated request events for requests that never happened: after its real events, a 429 ' +
    'and a 200 for page total_pages + 1, and a 500 and a 200 for each of pages 1 and 2.',
  run: (env) =>
    solve(env, {
      editLog: (log, s) => [
        ...log,
        { page: s.totalPages + 1, status: 429, retry_after_s: 2 },
        { page: s.totalPages + 1, status: 200, rows: 0 },
        { page: 1, status: 500 },
        { page: 1, status: 200 },
        { page: 2, status: 500 },
        { page: 2, status: 200 },
      ],
    }),
};
