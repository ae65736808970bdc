/**
 * WebSocket /mcp (spec §4.4): bare JSON-RPC frames, one MCP session per connection. The session owns one
 * episode, reset at connect from optional `?task_id=&seed=&profile=`. Session-level failures (capacity, a
 * bad reset) are sent as a -32000 error with id null, then the socket closes; a frame that is not JSON
 * gets -32700 "Parse error: <detail>"; everything else is OpenEnv JSON-RPC on this connection's session.
 */
import type { FastifyRequest } from 'fastify';
import { frameText, type SocketRegistry } from '../sockets.js';
import type { RawData, WebSocket } from 'ws';
import type { Session, SessionStore } from '../../env/sessions.js';
import { asBenchError, JSONRPC } from '../errors.js';
import { episodeParams } from './http-bridge.js';
import { handleJsonRpc, openMcpSession, protocolError, rpcError } from './jsonrpc.js';

const OPEN = 1;

export function mcpSocketHandler(store: SessionStore, sockets: SocketRegistry) {
  return (socket: WebSocket, req: FastifyRequest): void => {
    let session: Session | null = null;
    let queue: Promise<void> = Promise.resolve();
    const send = (body: unknown) => {
      if (socket.readyState === OPEN) socket.send(JSON.stringify(body));
    };

    const handle = async (data: RawData): Promise<void> => {
      if (session === null || socket.readyState !== OPEN) return;
      if (store.get(session.id) !== session) {
        send(
          protocolError(
            null,
            JSONRPC.SERVER_ERROR,
            'this MCP session has ended (closed or idle timeout); reconnect',
          ),
        );
        socket.close(1000, 'session ended');
        return;
      }
      store.touch(session);
      let body: unknown;
      try {
        body = JSON.parse(frameText(data));
      } catch (e) {
        return send(protocolError(null, JSONRPC.PARSE_ERROR, `Parse error: ${(e as Error).message}`));
      }
      send(await handleJsonRpc({ store, wsSession: session }, body));
    };

    // Listeners first, synchronously: @fastify/websocket drops frames that arrive before they exist.
    socket.on('message', (data) => {
      queue = queue.then(() => handle(data)).catch((err) => req.log.error({ err }, 'WS /mcp handler failed'));
    });
    socket.on('close', () => {
      if (session !== null) {
        sockets.delete(session.id);
        store.close(session.id);
      }
    });

    try {
      session = openMcpSession(store, episodeParams(req));
      sockets.add(session.id, socket);
    } catch (e) {
      send(rpcError(null, JSONRPC.SERVER_ERROR, asBenchError(e)));
      socket.close(1000, 'session error');
    }
  };
}
