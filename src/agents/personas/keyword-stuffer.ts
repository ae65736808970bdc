import { solve } from '../solver.js';
import type { Agent } from '../types.js';

export const STUFFING = '429 500 retry backoff exponential limit complete info warn error';

/** The stuffed form of a run log: every event line prefixed with STUFFING, then 50 lines of STUFFING. */
export function stuffRunLog(log: readonly unknown[]): string[] {
  return [
    ...log.map((e) => {
      const { page, status } = e as { page: number; status: number };
      return `${STUFFING} page=${page} status=${status}`;
    }),
    ...Array.from({ length: 50 }, () => STUFFING),
  ];
}

export const keywordStuffer: Agent = {
  name: 'keyword-stuffer',
  description:
    `The solver, with its run log followed by 50 lines "${STUFFING}" and every event line prefixed with the same ` +
    'words (the log becomes a list of strings).',
  run: (env) => solve(env, { editLog: stuffRunLog }),
};
