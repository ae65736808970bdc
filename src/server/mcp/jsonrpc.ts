// PLACEHOLDER owned by the MCP work: replaced with the real JSON-RPC handler.
import type { Session, SessionStore } from '../../env/sessions.js';

export interface JsonRpcContext {
  readonly store: SessionStore;
  /** The /ws session when the request arrives as a {"type":"mcp"} message. */
  readonly wsSession?: Session;
}

/** Handles one OpenEnv/MCP JSON-RPC request object; returns the response object (never throws). */
export async function handleJsonRpc(_ctx: JsonRpcContext, _body: unknown): Promise<Record<string, unknown>> {
  return { jsonrpc: '2.0', id: null, error: { code: -32601, message: 'not implemented yet', data: null } };
}
