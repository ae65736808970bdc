/**
 * WebSocket /mcp (docs/protocol.md, WS /mcp): bare JSON-RPC frames, one MCP session per connection. The
 * session owns one episode, reset at connect from optional `?task_id=&seed=&profile=`. Session-level
 * failures (capacity, a bad reset, a session that has ended) are sent as a -32000 error with id null, then
 * the socket closes; a frame that is not JSON gets -32700 "Parse error: <detail>"; everything else is
 * OpenEnv JSON-RPC on this connection's session, answered in order (src/server/plugins/sockets.ts
 * onMessage).
 */
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { BenchError, JSONRPC } from '../../core/errors.js';
import type { Session, SessionStore } from '../../env/sessions.js';
import { frameText, onMessage, type SocketRegistry, sendFrame } from '../plugins/sockets.js';
import { asBenchError } from '../wire/errors.js';
import { jsonRpcError, protocolError } from '../wire/jsonrpc.js';
import { episodeParams } from './http-bridge.js';
import { handleJsonRpc, openMcpSession } from './jsonrpc.js';

export function mcpSocketHandler(store: SessionStore, sockets: SocketRegistry) {
  return (socket: WebSocket, req: FastifyRequest): void => {
    const send = (reply: unknown) => sendFrame(socket, JSON.stringify(reply));
    /** A session-level failure: -32000 with id null, then close. */
    const fail = (e: BenchError) => {
      send(jsonRpcError(null, e, JSONRPC.SERVER_ERROR));
      socket.close(1000, 'session error');
    };

    let session: Session | null = null;
    onMessage(socket, req.log, (data) => {
      if (session === null || socket.readyState !== socket.OPEN) return;
      if (store.get(session.id) !== session) return fail(new BenchError('CB_ERR_SESSION_ENDED'));
      store.touch(session);
      let body: unknown;
      try {
        body = JSON.parse(frameText(data));
      } catch (e) {
        return send(protocolError.parse((e as Error).message));
      }
      send(handleJsonRpc({ store, socketSession: session, client: session.client }, body));
    });
    try {
      session = openMcpSession(store, episodeParams(req), req.clientKey);
      sockets.bind(session, socket);
    } catch (e) {
      fail(asBenchError(e));
    }
  };
}
