/**
 * What an agent reads: the characters of every tool value it receives (get_task_info, every fetch_page reply
 * with retries and re-fetches, the submit reply), each counted as the length of its JSON text, or of its
 * tool error's. The measure of the llm profile's size (README, "Tasks").
 */
import type { EnvConnection } from '../env/connection.js';

export interface CountedEnv {
  readonly env: EnvConnection;
  /** Characters of tool output received so far. */
  readonly chars: () => number;
}

/** Wraps an environment so that the characters of every tool reply are counted. */
export function countingReads(env: EnvConnection): CountedEnv {
  let chars = 0;
  return {
    env: {
      reset: (o) => env.reset(o),
      close: () => env.close(),
      callTool: async (name, args) => {
        const r = await env.callTool(name, args);
        chars += JSON.stringify(r.value ?? r.error).length;
        return r;
      },
    },
    chars: () => chars,
  };
}
