/**
 * OpenEnv's JSON-RPC methods (spec §4.2/§4.3) over the session store: `tools/list`, `tools/call`,
 * `openenv/session/create` and `openenv/session/close`. Shared by `POST /mcp` and the `/ws` `mcp`
 * message. One request object in, one response object out; never throws.
 *
 * Sessions: an OpenEnv MCP session owns exactly one episode, reset when the session is created (from
 * optional `task_id`, `seed`, `profile` params). `tools/call` needs a session (`params.session_id`, or
 * the `/ws` connection's own session), because tools act on an episode.
 *
 * After the episode ends (a submit, the step limit), further `tools/call`s return an `is_error` tool
 * result carrying CB_ERR_EPISODE_DONE (not a JSON-RPC error): the session and its finished episode stay
 * addressable until closed, exactly as the step path reports tool-level failures.
 */
import { z } from 'zod';
import { BenchError } from '../../core/errors.js';
import { TOOL_BY_NAME } from '../../core/tools.js';
import { toMcpResult } from '../../env/environment.js';
import { toolSpecs } from '../../env/schemas.js';
import type { Session, SessionStore } from '../../env/sessions.js';
import { asBenchError, JSONRPC, jsonRpcError } from '../errors.js';

export interface JsonRpcContext {
  readonly store: SessionStore;
  /** The /ws session when the request arrives as a {"type":"mcp"} message. */
  readonly wsSession?: Session;
}

export type JsonRpcId = string | number | null;

export type JsonRpcErrorResponse = {
  jsonrpc: '2.0';
  id: JsonRpcId;
  error: { code: number; message: string; data: unknown };
};

/** The request envelope of §4.2: extra keys forbidden, params an object (an array is invalid). */
export const JsonRpcRequest = z
  .object({
    jsonrpc: z.literal('2.0'),
    method: z.string(),
    params: z.record(z.string(), z.unknown()).default({}),
    id: z.union([z.string(), z.number().int()]).nullable().optional(),
  })
  .strict();

/** A JSON-RPC error with an explicit code (the catalogue error travels in `data`). */
export function rpcError(id: JsonRpcId, code: number, e: BenchError): JsonRpcErrorResponse {
  const r = jsonRpcError(id, e);
  return { ...r, error: { ...r.error, code } };
}

/** A JSON-RPC error that has no catalogue counterpart (protocol-level: parse, invalid request, method). */
export function protocolError(id: JsonRpcId, code: number, message: string): JsonRpcErrorResponse {
  return { jsonrpc: '2.0', id, error: { code, message, data: null } };
}

export const PARSE_ERROR_RESPONSE: JsonRpcErrorResponse = protocolError(
  null,
  JSONRPC.PARSE_ERROR,
  'Parse error',
);

function ok(id: JsonRpcId, result: unknown): Record<string, unknown> {
  return { jsonrpc: '2.0', id, result };
}

function invalidRequest(error: z.ZodError | string): JsonRpcErrorResponse {
  const detail =
    typeof error === 'string'
      ? error
      : error.issues
          .slice(0, 3)
          .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(request)'}: ${i.message}`)
          .join('; ');
  return protocolError(null, JSONRPC.INVALID_REQUEST, `Invalid request: ${detail}`);
}

const SESSION_REQUIRED =
  'tools/call needs a session, because tools act on an episode: call openenv/session/create (optional task_id, seed, profile) and pass its session_id in params, or connect with the MCP initialize handshake (Mcp-Session-Id)';

/** The tool list in both spellings: camelCase `inputSchema` (MCP) and snake_case `input_schema` (OpenEnv). */
export function jsonRpcToolList(): Array<Record<string, unknown>> {
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

function unknownSession(id: JsonRpcId, sessionId: string): JsonRpcErrorResponse {
  return rpcError(
    id,
    JSONRPC.INVALID_PARAMS,
    new BenchError('CB_ERR_SESSION_NOT_FOUND', `Unknown session_id: ${sessionId}`),
  );
}

/** Which session a tools/* request acts on: the /ws connection's, else params.session_id (if given). */
function resolveSession(
  ctx: JsonRpcContext,
  id: JsonRpcId,
  params: Record<string, unknown>,
): Session | JsonRpcErrorResponse | undefined {
  if (ctx.wsSession !== undefined) return ctx.wsSession;
  const sid = params.session_id;
  if (sid === undefined || sid === null) return undefined;
  if (typeof sid !== 'string' || sid === '') {
    return rpcError(
      id,
      JSONRPC.INVALID_PARAMS,
      new BenchError('CB_ERR_VALIDATION', "Invalid params - 'session_id' must be a non-empty string"),
    );
  }
  return mcpSession(ctx.store, sid) ?? unknownSession(id, sid);
}

/** The answer to a tools/call naming no core tool. */
export function unknownTool(id: JsonRpcId, name: string): JsonRpcErrorResponse {
  return jsonRpcError(id, new BenchError('CB_ERR_UNKNOWN_TOOL', `Unknown tool: '${name}'`));
}

const isErrorResponse = (x: unknown): x is JsonRpcErrorResponse =>
  typeof x === 'object' && x !== null && 'error' in x && 'jsonrpc' in x;

/** Opens an MCP session and resets its episode; closes the session again if the reset fails. */
export function openMcpSession(store: SessionStore, params: Record<string, unknown>): Session {
  const session = store.open('mcp');
  try {
    const reset: Record<string, unknown> = {};
    for (const k of ['task_id', 'seed', 'profile', 'episode_id'] as const)
      if (params[k] !== undefined) reset[k] = params[k];
    session.env.reset(reset);
    return session;
  } catch (e) {
    store.close(session.id);
    throw e;
  }
}

/** What openenv/session/create returns (also used by the MCP handshake's instructions). */
export function sessionSummary(s: Session): Record<string, unknown> {
  const ep = s.env.episode;
  return {
    session_id: s.id,
    episode_id: ep?.episodeId ?? null,
    task_id: ep?.task.id ?? null,
    seed: ep?.inst.seed ?? null,
    profile: ep?.task.profile ?? null,
  };
}

async function dispatch(
  ctx: JsonRpcContext,
  id: JsonRpcId,
  method: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  switch (method) {
    case 'tools/list': {
      const s = resolveSession(ctx, id, params);
      if (isErrorResponse(s)) return s;
      if (s !== undefined) ctx.store.touch(s);
      return ok(id, { tools: jsonRpcToolList() });
    }
    case 'tools/call': {
      const name = params.name;
      if (typeof name !== 'string' || name === '') {
        return rpcError(
          id,
          JSONRPC.INVALID_PARAMS,
          new BenchError('CB_ERR_VALIDATION', "Missing 'name' in params"),
        );
      }
      const s = resolveSession(ctx, id, params);
      if (isErrorResponse(s)) return s;
      if (s === undefined)
        return rpcError(
          id,
          JSONRPC.INVALID_PARAMS,
          new BenchError('CB_ERR_SESSION_REQUIRED', SESSION_REQUIRED),
        );
      ctx.store.touch(s);
      if (!TOOL_BY_NAME.has(name)) return unknownTool(id, name);
      if (s.env.episode === null) {
        const fix =
          ctx.wsSession !== undefined
            ? 'send a reset message on this WebSocket first'
            : 'reset the session first';
        return jsonRpcError(
          id,
          new BenchError('CB_ERR_NOT_RESET', `no episode yet: ${fix}; tools act on an episode`),
        );
      }
      const result = s.env.runTool(name, params.arguments ?? {});
      return ok(id, toMcpResult(result, s.env.resultFormat));
    }
    case 'openenv/session/create': {
      const s = openMcpSession(ctx.store, params);
      return ok(id, sessionSummary(s));
    }
    case 'openenv/session/close': {
      const sid = params.session_id;
      if (typeof sid !== 'string' || sid === '') {
        return rpcError(
          id,
          JSONRPC.INVALID_PARAMS,
          new BenchError('CB_ERR_VALIDATION', "Invalid params - 'session_id' is required"),
        );
      }
      if (ctx.wsSession !== undefined && sid === ctx.wsSession.id) {
        return rpcError(
          id,
          JSONRPC.INVALID_REQUEST,
          new BenchError(
            'CB_ERR_VALIDATION',
            'Cannot close the WebSocket session through openenv/session/close; send a close message or close the socket',
          ),
        );
      }
      if (mcpSession(ctx.store, sid) === undefined) return unknownSession(id, sid);
      ctx.store.close(sid);
      return ok(id, { session_id: sid, closed: true });
    }
    default:
      return protocolError(id, JSONRPC.METHOD_NOT_FOUND, `Method not found: ${method}`);
  }
}

/** Handles one OpenEnv/MCP JSON-RPC request object; returns the response object (never throws). */
export async function handleJsonRpc(ctx: JsonRpcContext, body: unknown): Promise<Record<string, unknown>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalidRequest(
      `expected a JSON-RPC request object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`,
    );
  }
  const parsed = JsonRpcRequest.safeParse(body);
  if (!parsed.success) return invalidRequest(parsed.error);
  // A notification (no id) still gets a reply, with id null (OpenEnv does the same).
  const id = parsed.data.id ?? null;
  try {
    return await dispatch(ctx, id, parsed.data.method, parsed.data.params);
  } catch (e) {
    return jsonRpcError(id, asBenchError(e));
  }
}
