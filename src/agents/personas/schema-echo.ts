import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const schemaEcho: Agent = {
  name: 'schema-echo',
  description:
    'Submits every row in the form it was served: rows served in another form than row_schema (a renamed field, ' +
    'numbers as strings) are not brought back into it. Otherwise the solver.',
  run: (env) => solve(env, { conformSchema: false }),
};
