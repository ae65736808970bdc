/**
 * /mcp: OpenEnv's JSON-RPC (always HTTP 200 with a JSON-RPC body, so `openenv validate`'s `POST /mcp {}`
 * passes) and the standard MCP Streamable HTTP handshake for off-the-shelf MCP clients. The front
 * (src/server/mcp/front.ts) decides which handler answers each POST.
 *
 * - POST /mcp   OpenEnv JSON-RPC, or MCP (initialize / Mcp-Session-Id requests / ping / notifications).
 * - DELETE /mcp ends the MCP session named by Mcp-Session-Id (its episode ends as 'closed').
 * - GET /mcp    405: this server offers no server-to-client SSE stream (it sends no notifications);
 *               the Streamable HTTP spec allows exactly this answer, and SDK clients accept it.
 *               With an Upgrade (and @fastify/websocket registered): WS /mcp, bare JSON-RPC frames,
 *               one MCP session per connection (spec §4.4; src/server/mcp/ws-mcp.ts).
 *
 * Every /mcp request passes the Host guard first: MCP_ALLOWED_HOSTS (comma-separated hostnames, port
 * ignored) or, when empty, any host (Docker and HF Spaces front the server under other names).
 * Bodies are read raw (any content type) up to MAX_BODY_BYTES and parsed here, so a non-JSON body is a
 * JSON-RPC parse error rather than a 415.
 *
 * Register it plainly (`app.register(mcpRoutes, { store, config })`, not wrapped in fastify-plugin): its
 * content-type parser and hooks are meant to stay inside this plugin.
 */
import type {} from '@fastify/websocket';
import { validateHostHeader } from '@modelcontextprotocol/server';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { BenchError } from '../../core/errors.js';
import type { SessionStore } from '../../env/sessions.js';
import { asBenchError, jsonRpcError } from '../errors.js';
import { routeMcpPost } from '../mcp/front.js';
import { episodeParams, sendFetchResponse, toFetchRequest } from '../mcp/http-bridge.js';
import { handleJsonRpc, PARSE_ERROR_RESPONSE } from '../mcp/jsonrpc.js';
import { McpSdkSessions } from '../mcp/sdk-sessions.js';
import { mcpSocketHandler } from '../mcp/ws-mcp.js';
import { SocketRegistry } from '../sockets.js';

export interface McpRoutesOptions {
  readonly store: SessionStore;
  readonly config: Config;
}

/** MCP_ALLOWED_HOSTS as a list of lower-case hostnames (empty: any host). */
export function allowedHosts(value: string): string[] {
  return value
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(raw: unknown): { ok: true; value: unknown } | { ok: false } {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function idOf(body: unknown): string | number | null {
  const id = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).id : null;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

const json = (reply: FastifyReply, status: number, body: unknown): FastifyReply =>
  reply.code(status).type('application/json').send(body);

export const mcpRoutes: FastifyPluginAsync<McpRoutesOptions> = async (app, opts) => {
  const { store, config } = opts;
  const hosts = allowedHosts(config.MCP_ALLOWED_HOSTS);
  const sdk = new McpSdkSessions(store);
  const sockets = new SocketRegistry();
  // Sessions can end behind the transports' backs (idle reaper, openenv/session/close): drop their SDK
  // servers and close their sockets, as often as the reaper runs.
  const sweeper = setInterval(
    () => {
      sdk.sweep();
      sockets.sweep(store);
    },
    Math.max(5_000, (config.SESSION_TIMEOUT_S * 1000) / 4),
  );
  sweeper.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    await sockets.closeAll(1001, 'server shutting down', 2000);
    sdk.closeAll();
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.MAX_BODY_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  app.addHook('onRequest', async (req, reply) => {
    if (hosts.length === 0) return;
    const check = validateHostHeader(req.headers.host, hosts);
    if (!check.ok) {
      const e = new BenchError(
        'CB_ERR_HOST_NOT_ALLOWED',
        `Forbidden: ${check.message} (Host must be one of MCP_ALLOWED_HOSTS)`,
      );
      return json(reply, e.status, jsonRpcError(null, e));
    }
  });

  const errorHandler = (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const e = new BenchError(
        'CB_ERR_BODY_TOO_LARGE',
        `request body exceeds the ${config.MAX_BODY_BYTES}-byte limit (MAX_BODY_BYTES)`,
        {
          limit_bytes: config.MAX_BODY_BYTES,
        },
      );
      return json(reply, 413, jsonRpcError(null, e));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return json(
        reply,
        err.statusCode,
        jsonRpcError(null, new BenchError('CB_ERR_INVALID_JSON', `unreadable request body: ${err.message}`)),
      );
    }
    req.log.error({ err }, 'POST /mcp failed');
    return json(reply, 500, jsonRpcError(null, asBenchError(err)));
  };

  app.route({
    method: 'POST',
    url: '/mcp',
    bodyLimit: config.MAX_BODY_BYTES,
    schema: {
      summary: 'MCP: OpenEnv JSON-RPC and the MCP Streamable HTTP handshake',
      description:
        'OpenEnv JSON-RPC (tools/list, tools/call with session_id, openenv/session/create|close) always answered with HTTP 200 ' +
        'and a JSON-RPC body; plus standard MCP (initialize -> Mcp-Session-Id; task_id/seed/profile as query parameters or ' +
        'X-Task-Id/X-Seed/X-Profile headers pick the session episode).',
      tags: ['mcp'],
    },
    errorHandler,
    handler: async (req, reply) => {
      const parsed = parseBody(req.body);
      const sessionHeader = headerValue(req, 'mcp-session-id');
      if (!parsed.ok) return json(reply, 200, PARSE_ERROR_RESPONSE);
      const body = parsed.value;
      const route = routeMcpPost(body, sessionHeader);
      switch (route.kind) {
        case 'openenv':
          return json(reply, 200, await handleJsonRpc({ store }, body));
        case 'ping':
          return json(reply, 200, { jsonrpc: '2.0', id: route.id, result: {} });
        case 'notification':
          return reply.code(202).send();
        case 'initialize': {
          const res = await sdk.initialize(toFetchRequest(req), body, episodeParams(req), idOf(body));
          return res instanceof Response ? sendFetchResponse(reply, res) : json(reply, 200, res);
        }
        case 'session': {
          const res = await sdk.handle(route.sessionId, toFetchRequest(req), body);
          if (res === undefined) return json(reply, 404, sessionNotFound(idOf(body), route.sessionId));
          return sendFetchResponse(reply, res);
        }
      }
    },
  });

  app.route({
    method: 'DELETE',
    url: '/mcp',
    schema: { summary: 'MCP: end the session named by Mcp-Session-Id', tags: ['mcp'] },
    errorHandler,
    handler: async (req, reply) => {
      const sid = headerValue(req, 'mcp-session-id');
      if (sid === undefined || sid === '') {
        return json(
          reply,
          400,
          jsonRpcError(
            null,
            new BenchError('CB_ERR_VALIDATION', 'Bad Request: the Mcp-Session-Id header is required'),
          ),
        );
      }
      const res = await sdk.handle(sid, toFetchRequest(req), undefined);
      if (res === undefined) return json(reply, 404, sessionNotFound(null, sid));
      return sendFetchResponse(reply, res);
    },
  });

  app.route({
    method: 'GET',
    url: '/mcp',
    schema: { summary: 'MCP: no SSE stream (405); with a WebSocket upgrade, JSON-RPC frames', tags: ['mcp'] },
    handler: async (_req, reply) => {
      reply.header('allow', 'POST, DELETE');
      const e = new BenchError(
        'CB_ERR_METHOD_NOT_ALLOWED',
        'GET /mcp: this server offers no SSE stream; POST JSON-RPC requests to /mcp (or open a WebSocket for JSON-RPC frames)',
      );
      return json(reply, 405, jsonRpcError(null, e));
    },
    // WS /mcp only when the app registered @fastify/websocket (buildApp does).
    ...(app.hasDecorator('websocketServer') ? { wsHandler: mcpSocketHandler(store, sockets) } : {}),
  });
};

function sessionNotFound(id: string | number | null, sid: string) {
  return jsonRpcError(
    id,
    new BenchError(
      'CB_ERR_SESSION_NOT_FOUND',
      `Session not found: no live MCP session '${sid}' (closed, reaped or never created); initialize a new one`,
    ),
  );
}
