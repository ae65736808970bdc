/**
 * The one interface agents drive an environment through, in-process or remote. An agent sees only what a
 * real client sees: tool results (structured values) or typed tool errors.
 */

export interface ResetOptions {
  readonly task_id: string;
  readonly seed: number;
  readonly profile?: string | undefined;
}

export interface ToolReply {
  /** The tool's structured result, or null when the call was an error. */
  readonly value: Record<string, unknown> | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly done: boolean;
  readonly reward: number | null;
}

export interface EnvConnection {
  /** Starts an episode; returns the reset observation (task info). */
  reset(opts: ResetOptions): Promise<Record<string, unknown>>;
  callTool(name: string, args: Record<string, unknown>): Promise<ToolReply>;
  close(): Promise<void>;
}

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
