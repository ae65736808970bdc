import { solve } from './solver.js';
import type { Agent } from './types.js';

/** The reference solver: the canonical policy, no flaw. Scores 100 on every task and seed. */
export const reference: Agent = {
  name: 'reference',
  description: 'The canonical policy (src/core/policy.ts): no flaw.',
  run: (env) => solve(env),
};
