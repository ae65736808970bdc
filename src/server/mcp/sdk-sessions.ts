/**
 * Standard MCP (Streamable HTTP) sessions for off-the-shelf MCP clients. Each MCP session is one
 * SessionStore session of kind 'mcp' owning exactly one episode, reset at `initialize` from optional
 * task_id / seed / profile; its Mcp-Session-Id is the store session id (so it is also a valid OpenEnv
 * `session_id`). Every MCP session has its own SDK server and transport (the SDK binds one transport
 * per server). The transport answers in JSON (no SSE streams): the tools are synchronous and the server
 * sends no notifications, so nothing is lost and no connection stays open.
 *
 * Sessions end on DELETE /mcp, on openenv/session/close, on the idle reaper, or at shutdown; a stale
 * Mcp-Session-Id then gets 404, the signal for MCP clients to initialize again.
 */
import { McpServer, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { TOOL_BY_NAME } from '../../core/tools.js';
import { BENCHMARK_VERSION } from '../../core/versions.js';
import type { Session, SessionStore } from '../../env/sessions.js';
import { asBenchError } from '../wire/errors.js';
import { type JsonRpcError, type JsonRpcId, jsonRpcError } from '../wire/jsonrpc.js';
import { openMcpSession, unknownTool } from './jsonrpc.js';
import { registerCoreTools } from './sdk-tools.js';

interface SdkSession {
  readonly server: McpServer;
  readonly transport: WebStandardStreamableHTTPServerTransport;
}

function instructions(s: Session): string {
  const ep = s.env.episode!;
  return (
    `ComtradeBench episode ${ep.episodeId}: task ${ep.task.id} (profile ${ep.task.profile}), seed ${ep.inst.seed}. ` +
    'Call get_task_info (free) for the query, schema, budget and rules; fetch every page with fetch_page; then ' +
    'submit_results once with the cleaned rows and a run_log. This MCP session owns this one episode.'
  );
}

/**
 * A tools/call naming no core tool, answered before the SDK sees it: the SDK looks tools up in a plain
 * object, where `constructor` or `__proto__` would find what every object inherits.
 */
function unknownToolCall(body: unknown): JsonRpcError | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { method, params, id } = body as Record<string, unknown>;
  if (method !== 'tools/call' || typeof params !== 'object' || params === null) return null;
  const name = (params as Record<string, unknown>).name;
  if (typeof name !== 'string' || TOOL_BY_NAME.has(name)) return null;
  return jsonRpcError(typeof id === 'string' || typeof id === 'number' ? id : null, unknownTool(name));
}

export class McpSdkSessions {
  private readonly servers = new Map<string, SdkSession>();

  constructor(private readonly store: SessionStore) {}

  /**
   * An `initialize` request: opens the session and its episode (capacity and reset errors come back as a
   * JSON-RPC error for the caller to send), then lets the SDK answer the handshake.
   */
  async initialize(
    request: Request,
    body: unknown,
    params: Record<string, unknown>,
    id: JsonRpcId,
    client: string | null,
  ): Promise<Response | JsonRpcError> {
    this.sweep();
    let session: Session;
    try {
      session = openMcpSession(this.store, params, client);
    } catch (e) {
      return jsonRpcError(id, asBenchError(e));
    }
    const sid = session.id;
    const server = new McpServer(
      { name: 'comtradebench', version: BENCHMARK_VERSION },
      { capabilities: { tools: {} }, instructions: instructions(session) },
    );
    registerCoreTools(
      server,
      () => this.store.get(sid),
      (s) => this.store.touch(s),
    );
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => sid,
      enableJsonResponse: true,
      onsessionclosed: () => this.close(sid),
    });
    try {
      await server.connect(transport);
      server.server.onclose = () => this.close(sid);
      this.servers.set(sid, { server, transport });
      const res = await transport.handleRequest(request, { parsedBody: body });
      if (res.status >= 300) this.close(sid);
      return res;
    } catch (e) {
      this.close(sid);
      return jsonRpcError(id, asBenchError(e));
    }
  }

  /** A request for an existing session, or undefined when no live session has this id. */
  async handle(sessionId: string, request: Request, body: unknown): Promise<Response | undefined> {
    const entry = this.servers.get(sessionId);
    const session = this.store.get(sessionId);
    if (entry === undefined || session === undefined) {
      if (entry !== undefined) this.close(sessionId);
      return undefined;
    }
    this.store.touch(session);
    const unknown = unknownToolCall(body);
    if (unknown !== null) {
      return new Response(JSON.stringify(unknown), {
        status: 200,
        headers: { 'content-type': 'application/json', 'mcp-session-id': sessionId },
      });
    }
    return entry.transport.handleRequest(request, body === undefined ? undefined : { parsedBody: body });
  }

  /** Ends one MCP session: its episode, its store slot, its SDK server. Idempotent. */
  close(sessionId: string): void {
    const entry = this.servers.get(sessionId);
    this.servers.delete(sessionId);
    this.store.close(sessionId);
    if (entry !== undefined) void entry.server.close().catch(() => {});
  }

  /** Drops SDK servers whose store session is gone (closed by openenv/session/close, or reaped). */
  sweep(): number {
    let n = 0;
    for (const id of [...this.servers.keys()]) {
      if (this.store.get(id) === undefined) {
        this.close(id);
        n += 1;
      }
    }
    return n;
  }

  /** Shutdown: closes every MCP session. */
  closeAll(): void {
    for (const id of [...this.servers.keys()]) this.close(id);
  }
}
