/**
 * /mcp: OpenEnv's JSON-RPC (always HTTP 200 with a JSON-RPC body, so `openenv validate`'s `POST /mcp {}`
 * passes) and the standard MCP Streamable HTTP handshake for off-the-shelf MCP clients
 * (docs/protocol.md, /mcp). The front (src/server/mcp/front.ts) decides which handler answers each POST.
 *
 * - POST /mcp   OpenEnv JSON-RPC, or MCP (initialize / Mcp-Session-Id requests / ping / notifications).
 * - DELETE /mcp ends the MCP session named by Mcp-Session-Id (its episode ends as 'closed').
 * - GET /mcp    405: this server offers no server-to-client SSE stream (it sends no notifications);
 *               the Streamable HTTP spec allows exactly this answer, and SDK clients accept it.
 *               With an Upgrade: WS /mcp, bare JSON-RPC frames, one MCP session per connection
 *               (src/server/mcp/ws-mcp.ts).
 *
 * Every /mcp request passes the Host guard first: MCP_ALLOWED_HOSTS (comma-separated hostnames, port
 * ignored) or, when empty, any host (Docker and HF Spaces front the server under other names).
 * Bodies are read raw (any content type) up to MAX_BODY_BYTES and parsed here, so a non-JSON body is a
 * JSON-RPC parse error rather than a 415; errors are JSON-RPC bodies. This plugin is encapsulated (not
 * wrapped in fastify-plugin) so that the raw parser, the guard and the error handler stay on /mcp.
 */
import type {} from '@fastify/websocket';
import { validateHostHeader } from '@modelcontextprotocol/server';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { listOf } from '../../config.js';
import { BenchError } from '../../core/errors.js';
import { routeMcpPost } from '../mcp/front.js';
import { episodeParams, sendFetchResponse, toFetchRequest } from '../mcp/http-bridge.js';
import { handleJsonRpc } from '../mcp/jsonrpc.js';
import { McpSdkSessions } from '../mcp/sdk-sessions.js';
import { mcpSocketHandler } from '../mcp/ws-mcp.js';
import { rawBodies } from '../plugins/body.js';
import { frameworkError } from '../plugins/errors.js';
import { jsonRpcError, jsonRpcResult, protocolError } from '../wire/jsonrpc.js';

/** MCP_ALLOWED_HOSTS as a list of lower-case hostnames (empty: any host). */
export function allowedHosts(value: string): string[] {
  return listOf(value).map((h) => h.toLowerCase());
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

/** A catalogue error as a JSON-RPC body with the error's HTTP status and headers. */
const fail = (reply: FastifyReply, e: BenchError, id: string | number | null = null): FastifyReply =>
  json(reply.headers(e.httpHeaders), e.status, jsonRpcError(id, e));

const mcpRoutes: FastifyPluginAsync = async (app) => {
  const { store, config } = app;
  const hosts = allowedHosts(config.MCP_ALLOWED_HOSTS);
  const sdk = new McpSdkSessions(store);
  // Sessions can end behind the SDK's back (idle reaper, openenv/session/close): drop their SDK servers.
  app.onHousekeeping(() => sdk.sweep());
  app.addHook('onClose', (_app, done) => {
    sdk.closeAll();
    done();
  });

  rawBodies(app, config.MAX_BODY_BYTES);

  app.addHook('onRequest', async (req, reply) => {
    if (hosts.length === 0) return;
    if (!validateHostHeader(req.headers.host, hosts).ok) {
      return fail(reply, new BenchError('CB_ERR_HOST_NOT_ALLOWED', { host: req.headers.host ?? '' }));
    }
  });

  const errorHandler = (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const e = frameworkError(err, req, config.MAX_BODY_BYTES);
    if (e.code === 'CB_ERR_INTERNAL') req.log.error({ err }, `${req.method} /mcp failed`);
    return fail(reply, e);
  };

  app.route({
    method: 'POST',
    url: '/mcp',
    bodyLimit: config.MAX_BODY_BYTES,
    schema: {
      summary: 'MCP: OpenEnv JSON-RPC and the MCP Streamable HTTP handshake',
      description:
        'OpenEnv JSON-RPC (tools/list, tools/call with session_id, openenv/session/create|close) always answered with HTTP 200 ' +
        'and a JSON-RPC body; plus standard MCP (initialize -> Mcp-Session-Id; task_id/seed/profile/agent_label as query parameters or ' +
        'X-Task-Id/X-Seed/X-Profile/X-Agent-Label headers pick the session episode).',
      tags: ['mcp'],
    },
    errorHandler,
    handler: async (req, reply) => {
      const parsed = parseBody(req.body);
      const sessionHeader = headerValue(req, 'mcp-session-id');
      if (!parsed.ok) return json(reply, 200, protocolError.parse());
      const body = parsed.value;
      const route = routeMcpPost(body, sessionHeader);
      switch (route.kind) {
        case 'openenv':
          return json(reply, 200, handleJsonRpc({ store, client: req.clientKey }, body));
        case 'ping':
          return json(reply, 200, jsonRpcResult(route.id, {}));
        case 'notification':
          return reply.code(202).send();
        case 'initialize': {
          const res = await sdk.initialize(
            toFetchRequest(req),
            body,
            episodeParams(req),
            idOf(body),
            req.clientKey,
          );
          return res instanceof Response ? sendFetchResponse(reply, res) : json(reply, 200, res);
        }
        case 'session': {
          const res = await sdk.handle(route.sessionId, toFetchRequest(req), body);
          if (res === undefined)
            return fail(
              reply,
              new BenchError('CB_ERR_SESSION_NOT_FOUND', { session_id: route.sessionId }),
              idOf(body),
            );
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
      if (sid === undefined || sid === '')
        return fail(reply, new BenchError('CB_ERR_SESSION_REQUIRED', { request: 'DELETE /mcp' }));
      const res = await sdk.handle(sid, toFetchRequest(req), undefined);
      // 404 is the signal for MCP clients to initialize a new session.
      if (res === undefined)
        return fail(reply, new BenchError('CB_ERR_SESSION_NOT_FOUND', { session_id: sid }));
      return sendFetchResponse(reply, res);
    },
  });

  app.route({
    method: 'GET',
    url: '/mcp',
    schema: { summary: 'MCP: no SSE stream (405); with a WebSocket upgrade, JSON-RPC frames', tags: ['mcp'] },
    handler: async (_req, reply) => {
      reply.header('allow', 'POST, DELETE');
      return fail(
        reply,
        new BenchError('CB_ERR_METHOD_NOT_ALLOWED', {
          method: 'GET',
          path: '/mcp',
          allow: ['POST', 'DELETE'],
        }),
      );
    },
    wsHandler: mcpSocketHandler(store, app.sockets),
  });
};

export default mcpRoutes;
