/**
 * OpenEnv's JSON-RPC methods over the session store: `tools/list`, `tools/call`,
 * `openenv/session/create` and `openenv/session/close` (docs/protocol.md, /mcp). Shared by POST /mcp,
 * WS /mcp and the /ws `mcp` message. One request object in, one reply object out, synchronously; never
 * throws.
 *
 * Sessions: an OpenEnv MCP session owns exactly one episode, reset when the session is created (from
 * optional `task_id`, `seed`, `profile` params). `tools/call` needs a session (`params.session_id`, or
 * the WebSocket connection's own session), because tools act on an episode.
 *
 * After the episode ends (a submit, the step limit), further `tools/call`s return an `is_error` tool
 * result carrying CB_ERR_EPISODE_DONE (not a JSON-RPC error): the session and its finished episode stay
 * addressable until closed, exactly as the step path reports tool-level failures.
 */
import type { z } from 'zod';
import { BenchError } from '../../core/errors.js';
import { TOOL_BY_NAME } from '../../core/tools.js';
import { toolSpecs } from '../../env/schemas.js';
import type { Session, SessionStore } from '../../env/sessions.js';
import { JsonRpcRequest } from '../wire/envelopes.js';
import { asBenchError } from '../wire/errors.js';
import {
  type JsonRpcError,
  type JsonRpcId,
  type JsonRpcResponse,
  jsonRpcError,
  jsonRpcResult,
  protocolError,
} from '../wire/jsonrpc.js';
import { callToolResult } from '../wire/results.js';

export interface JsonRpcContext {
  readonly store: SessionStore;
  /** The WebSocket connection's own session (the /ws `mcp` message, WS /mcp). */
  readonly socketSession?: Session;
  /** Who is asking (src/server/plugins/clients.ts): sessions created here count against this client. */
  readonly client?: string | null;
}

function invalidRequest(error: z.ZodError): JsonRpcError {
  return protocolError.invalidRequest(
    error.issues
      .slice(0, 3)
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(request)'}: ${i.message}`)
      .join('; '),
  );
}

/** The tool list in both spellings: camelCase `inputSchema` (MCP) and snake_case `input_schema` (OpenEnv). */
function jsonRpcToolList(): Array<Record<string, unknown>> {
  return toolSpecs().map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.input_schema,
    input_schema: t.input_schema,
  }));
}

/** The live OpenEnv MCP session with this id (only sessions of kind 'mcp' are addressable here). */
function mcpSession(store: SessionStore, id: string): Session | undefined {
  const s = store.get(id);
  return s !== undefined && s.kind === 'mcp' ? s : undefined;
}

/** Which session a tools/* request acts on: the connection's, else params.session_id (if given). */
function resolveSession(
  ctx: JsonRpcContext,
  params: Record<string, unknown>,
): Session | BenchError | undefined {
  if (ctx.socketSession !== undefined) return ctx.socketSession;
  const sid = params.session_id;
  if (sid === undefined || sid === null) return undefined;
  if (typeof sid !== 'string' || sid === '')
    return new BenchError('CB_ERR_INVALID_PARAMS', { param: 'session_id', given: true });
  return mcpSession(ctx.store, sid) ?? new BenchError('CB_ERR_SESSION_NOT_FOUND', { session_id: sid });
}

/** A tools/call naming no core tool (own names only: `constructor` is no tool). */
export function unknownTool(name: string): BenchError<'CB_ERR_UNKNOWN_TOOL'> {
  return new BenchError('CB_ERR_UNKNOWN_TOOL', { tool: name, tools: [...TOOL_BY_NAME.keys()] });
}

/** Opens an MCP session for `client` and resets its episode; closes the session again if the reset fails. */
export function openMcpSession(
  store: SessionStore,
  params: Record<string, unknown>,
  client: string | null,
): Session {
  const session = store.open('mcp', client);
  try {
    const reset: Record<string, unknown> = {};
    for (const k of ['task_id', 'seed', 'profile', 'episode_id', 'agent_label'] as const)
      if (params[k] !== undefined) reset[k] = params[k];
    session.env.reset(reset);
    return session;
  } catch (e) {
    store.close(session.id);
    throw e;
  }
}

/** What openenv/session/create returns. */
function sessionSummary(s: Session): Record<string, unknown> {
  const ep = s.env.episode;
  return {
    session_id: s.id,
    episode_id: ep?.episodeId ?? null,
    task_id: ep?.task.id ?? null,
    seed: ep?.inst.seed ?? null,
    profile: ep?.task.profile ?? null,
  };
}

const UNKNOWN_METHOD: unique symbol = Symbol('unknown method');

/** A method's result (UNKNOWN_METHOD for a method it does not know); throws the catalogue error it fails with. */
function dispatch(ctx: JsonRpcContext, method: string, params: Record<string, unknown>): unknown {
  switch (method) {
    case 'tools/list': {
      const s = resolveSession(ctx, params);
      if (s instanceof BenchError) throw s;
      if (s !== undefined) ctx.store.touch(s);
      return { tools: jsonRpcToolList() };
    }
    case 'tools/call': {
      const name = params.name;
      if (typeof name !== 'string' || name === '')
        throw new BenchError('CB_ERR_INVALID_PARAMS', { param: 'name', given: name !== undefined });
      const s = resolveSession(ctx, params);
      if (s instanceof BenchError) throw s;
      if (s === undefined) throw new BenchError('CB_ERR_SESSION_REQUIRED', { request: 'tools/call' });
      ctx.store.touch(s);
      // Checked before the call: over JSON-RPC an unknown tool is a protocol error and costs no step.
      if (!TOOL_BY_NAME.has(name)) throw unknownTool(name);
      if (s.env.episode === null)
        throw new BenchError('CB_ERR_NOT_RESET', {
          reset_with:
            ctx.socketSession !== undefined ? 'a reset message on this WebSocket' : 'openenv/session/create',
        });
      return callToolResult(s.env.runTool(name, params.arguments ?? {}).outcome, s.env.resultFormat);
    }
    case 'openenv/session/create':
      return sessionSummary(openMcpSession(ctx.store, params, ctx.client ?? null));
    case 'openenv/session/close': {
      const sid = params.session_id;
      if (typeof sid !== 'string' || sid === '')
        throw new BenchError('CB_ERR_INVALID_PARAMS', { param: 'session_id', given: false });
      if (ctx.socketSession !== undefined && sid === ctx.socketSession.id)
        throw new BenchError('CB_ERR_SESSION_OWNED_BY_SOCKET');
      if (mcpSession(ctx.store, sid) === undefined)
        throw new BenchError('CB_ERR_SESSION_NOT_FOUND', { session_id: sid });
      ctx.store.close(sid);
      return { session_id: sid, closed: true };
    }
    default:
      return UNKNOWN_METHOD;
  }
}

/** Handles one OpenEnv JSON-RPC request object; returns the reply (never throws). */
export function handleJsonRpc(ctx: JsonRpcContext, body: unknown): JsonRpcResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return protocolError.invalidRequest(
      `expected a JSON-RPC request object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`,
    );
  }
  const parsed = JsonRpcRequest.safeParse(body);
  if (!parsed.success) return invalidRequest(parsed.error);
  // A notification (no id) still gets a reply, with id null (OpenEnv does the same).
  const id: JsonRpcId = parsed.data.id ?? null;
  const { method, params } = parsed.data;
  let result: unknown;
  try {
    result = dispatch(ctx, method, params);
  } catch (e) {
    return jsonRpcError(id, asBenchError(e));
  }
  return result === UNKNOWN_METHOD ? protocolError.methodNotFound(id, method) : jsonRpcResult(id, result);
}
