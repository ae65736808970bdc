/**
 * The frames /ws sends (OpenEnv's session protocol; docs/protocol.md): `observation` (reset and step),
 * `state`, `mcp` (a JSON-RPC reply) and `error`. Each is `{"type": ..., "data": ...}`.
 */
import type { BenchError } from '../../core/errors.js';
import type { StepResult } from '../../env/environment.js';
import { wsErrorData } from './errors.js';
import type { JsonRpcResponse } from './jsonrpc.js';
import { stepJson } from './step.js';

export const observationFrame = (r: StepResult): string => `{"type":"observation","data":${stepJson(r)}}`;

export const stateFrame = (state: Record<string, unknown>): string =>
  JSON.stringify({ type: 'state', data: state });

export const mcpFrame = (reply: JsonRpcResponse): string => JSON.stringify({ type: 'mcp', data: reply });

/** An error frame; `fatal` ones (SESSION_ERROR) are followed by a close. */
export const errorFrame = (e: BenchError, fatal = false): string =>
  JSON.stringify({ type: 'error', data: wsErrorData(e, fatal) });
