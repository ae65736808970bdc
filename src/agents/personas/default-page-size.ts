import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const defaultPageSize: Agent = {
  name: 'default-page-size',
  description: 'Never passes page_size, so the default page size is locked. Otherwise the solver.',
  run: (env) => solve(env, { pageSize: 'default' }),
};
