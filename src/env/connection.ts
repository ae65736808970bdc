/**
 * The one interface an agent drives an environment through, in-process (src/env/in-process.ts) or
 * remote (src/client/ws-client.ts). An agent sees only what a real client sees: tool values or typed tool
 * errors. The env layer owns it: clients implement it, agents consume it. Both implementations turn an
 * OpenEnv call_tool step into a ToolReply with toolReplyOf, so a reply is the same wherever it came from.
 */
import { ERRORS } from '../core/errors.js';
import type { RowFormat } from '../core/row-format.js';
import type { CallToolStep } from './environment.js';

export interface ResetOptions {
  readonly task_id: string;
  readonly seed: number;
  readonly profile?: string | undefined;
  /** How fetch_page carries rows (src/core/row-format.ts); the profile's when absent. */
  readonly row_format?: RowFormat | undefined;
  /** The episode id to use (replays reuse the recorded one); the environment picks one when absent. */
  readonly episode_id?: string | undefined;
  /** Who is playing: a server ranks labelled episodes on its leaderboard (GET /api/leaderboard). */
  readonly agent_label?: string | undefined;
}

/** A typed tool error as the environment gave it: its catalogue code, message and details. */
export type ToolErrorValue = { readonly code: string; readonly message: string } & Readonly<
  Record<string, unknown>
>;

export interface ToolReply {
  /** The tool's structured result, or null when the call was an error. */
  readonly value: Record<string, unknown> | null;
  readonly error: ToolErrorValue | null;
  readonly done: boolean;
  readonly reward: number | null;
}

export interface EnvConnection {
  /** Starts an episode; returns the reset observation (task info, episode_id and the tool list). */
  reset(opts: ResetOptions): Promise<Record<string, unknown>>;
  /**
   * Calls a tool. The environment checks the call as the wire does: arguments that are not a JSON object,
   * unknown tools and invalid arguments come back as a tool error, never as an exception.
   */
  callTool(name: string, args: Record<string, unknown>): Promise<ToolReply>;
  /** The episode's OpenEnv state (requests_used, virtual_time_s, done, end_reason ...). */
  state?(): Promise<Record<string, unknown>>;
  /** Ends the connection; a live episode ends without a submission (end_reason closed). */
  close(): Promise<void>;
}

/** What an agent receives for a call: the tool's value, or `{"error": {...}}` with the typed error. */
export function replyValue(reply: ToolReply): Record<string, unknown> {
  return reply.value ?? { error: reply.error };
}

/** The OpenEnv observation triple of a call_tool step. */
export interface StepTriple {
  readonly observation: Record<string, unknown>;
  readonly reward: number | null;
  readonly done: boolean;
}

/** The catalogue code of a framework-level tool error type, when exactly one code has it (tool_not_found). */
function codeOfErrorType(errorType: string): string {
  const codes = Object.entries(ERRORS).filter(([, d]) => d.toolErrorType === errorType);
  return codes.length === 1 ? codes[0]![0] : errorType;
}

/** The result of a step that carries no tool result (a framework error). */
export class MissingToolResult extends Error {
  override name = 'MissingToolResult';
  constructor(readonly observation: Record<string, unknown>) {
    super('the step observation has no tool result');
  }
}

/**
 * A call_tool step's triple as a ToolReply: the structured value, or the tool error (from an is_error
 * result, or the observation's framework error), done, and the reward when the step ended the episode
 * (null before).
 */
export function toolReplyOf(t: StepTriple): ToolReply {
  const obs = t.observation;
  const reward = t.done ? t.reward : null;
  const fwError = obs.error as { error_type: string; message: string } | null | undefined;
  if (fwError)
    return {
      value: null,
      error: { code: codeOfErrorType(fwError.error_type), message: fwError.message },
      done: t.done,
      reward,
    };
  const result = obs.result as
    | { structured_content?: Record<string, unknown> | null; data?: unknown; is_error?: boolean }
    | null
    | undefined;
  if (result === null || result === undefined) throw new MissingToolResult(obs);
  const value = (result.structured_content ?? result.data ?? null) as Record<string, unknown> | null;
  if (result.is_error) {
    const e = (value?.error ?? {}) as Partial<ToolErrorValue>;
    return {
      value: null,
      error: { ...e, code: e.code ?? 'CB_ERR_INTERNAL', message: e.message ?? 'tool error' },
      done: t.done,
      reward,
    };
  }
  return { value, error: null, done: t.done, reward };
}

/**
 * A call_tool step of an environment in this process (src/env/in-process.ts) as a ToolReply: the reply
 * toolReplyOf reads off the wire for the same step, without writing or reading an observation
 * (test/eval/in-process-and-ws-connections-enforce-the-same-rules.test.ts compares them byte for byte).
 */
export function toolReplyOfStep(step: CallToolStep): ToolReply {
  const o = step.outcome;
  const reward = step.done ? step.reward : null;
  if (o.ok) return { value: o.value, error: null, done: step.done, reward };
  // An unknown tool is OpenEnv's framework error on the wire, which carries the code and message only.
  const e = o.error;
  const error = e.code === 'CB_ERR_UNKNOWN_TOOL' ? { code: e.code, message: e.message } : e.toJSON();
  return { value: null, error, done: step.done, reward };
}

/** A step the environment refused as a whole (its envelope, or a step after the end) as a tool error reply. */
export function refusedStep(error: ToolErrorValue): ToolReply {
  return { value: null, error, done: false, reward: null };
}
