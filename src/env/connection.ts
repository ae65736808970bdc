/**
 * The one interface an agent drives an environment through, in-process (src/agents/in-process.ts) or
 * remote (src/client/ws-client.ts). An agent sees only what a real client sees: tool values or typed tool
 * errors. The env layer owns it: clients implement it, agents consume it.
 */
import type { RowFormat } from '../core/row-format.js';

export interface ResetOptions {
  readonly task_id: string;
  readonly seed: number;
  readonly profile?: string | undefined;
  /** How fetch_page carries rows (src/core/row-format.ts); the profile's when absent. */
  readonly row_format?: RowFormat | undefined;
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
