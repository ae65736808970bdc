import { solve } from '../solver.js';
import type { Agent } from '../types.js';
import { inventRows } from './invent.js';

const half = (totalPages: number) => Math.ceil(totalPages / 2);

export const superset: Agent = {
  name: 'superset',
  description:
    'The solver over the first ceil(P/2) pages only (one pass), then invents rows up to total_rows and submits ' +
    'both. Compared with honest-half, which submits the same fetched half and nothing else.',
  run: (env) =>
    solve(env, {
      pageLimit: half,
      extraRows: (s) => inventRows(s.taskInfo, Math.max(0, s.totalRows - s.rows.length), 0),
    }),
};

export const honestHalf: Agent = {
  name: 'honest-half',
  description: 'The solver over the first ceil(P/2) pages only (one pass); submits what it fetched.',
  run: (env) => solve(env, { pageLimit: half }),
};
