/** An agent, and the shorthand agents use for tool calls that must succeed. */
import type { EnvConnection } from '../env/connection.js';

export interface Agent {
  readonly name: string;
  /** The agent's one deviation from the reference solver, stated exactly. */
  readonly description: string;
  run(env: EnvConnection): Promise<void>;
}

/** Shorthand for a tool call that must succeed (a tool error here is a bug in the agent). */
export async function call(
  env: EnvConnection,
  name: string,
  args: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const r = await env.callTool(name, args);
  if (r.value === null) throw new Error(`${name} failed: ${r.error?.code} ${r.error?.message}`);
  return r.value;
}
