/**
 * The thin front of POST /mcp: decides which handler answers a request. OpenEnv's JSON-RPC must get
 * HTTP 200 with a JSON-RPC body for anything (even `{}`, which `openenv validate` sends), while the MCP
 * SDK transport answers such bodies with 4xx; so only MCP protocol traffic goes to the SDK.
 *
 * - A request carrying `Mcp-Session-Id` belongs to a standard MCP session (unless it calls an
 *   `openenv/*` method, which is always OpenEnv's) -> the SDK session.
 * - `initialize` -> a new SDK session (the handshake).
 * - `ping` without a session -> answered here (`{}` result).
 * - An MCP notification (`notifications/...`, no id) without a session -> 202, as MCP prescribes.
 * - Everything else, including non-objects and invalid requests -> OpenEnv JSON-RPC (HTTP 200).
 */

export type McpFrontRoute =
  | { readonly kind: 'openenv' }
  | { readonly kind: 'initialize' }
  | { readonly kind: 'session'; readonly sessionId: string }
  | { readonly kind: 'ping'; readonly id: string | number | null }
  | { readonly kind: 'notification' };

function methodOf(body: unknown): { method: string | undefined; id: unknown; hasId: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { method: undefined, id: undefined, hasId: false };
  const b = body as Record<string, unknown>;
  return { method: typeof b.method === 'string' ? b.method : undefined, id: b.id, hasId: 'id' in b };
}

export function routeMcpPost(body: unknown, mcpSessionId: string | undefined): McpFrontRoute {
  const { method, id, hasId } = methodOf(body);
  if (method?.startsWith('openenv/')) return { kind: 'openenv' };
  if (mcpSessionId !== undefined && mcpSessionId !== '') return { kind: 'session', sessionId: mcpSessionId };
  const isMcp =
    typeof body === 'object' && body !== null && (body as Record<string, unknown>).jsonrpc === '2.0';
  if (!isMcp) return { kind: 'openenv' };
  if (method === 'initialize' && hasId) return { kind: 'initialize' };
  if (method === 'ping' && (typeof id === 'string' || typeof id === 'number')) return { kind: 'ping', id };
  if (method?.startsWith('notifications/') && !hasId) return { kind: 'notification' };
  return { kind: 'openenv' };
}
