/**
 * WebSockets: @fastify/websocket, and the one registry of live sockets by session id for every WebSocket
 * route (/ws and WS /mcp), so the idle reaper and shutdown reach them all.
 *
 * One ordering rule for every WebSocket route (onMessage): each message is answered synchronously within
 * its own 'message' event (every answer is synchronous, JSON-RPC dispatch included), so replies leave in
 * message order without a queue.
 *
 * An upgrade request answered with an HTTP error instead (refused by a gate such as API_KEY, or arriving
 * while the server closes) leaves a raw socket the HTTP server no longer manages: it is ended once the
 * answer is written, so that it neither leaks nor holds up shutdown.
 *
 * Close codes: 1000 when the session ends (reaped: "session idle timeout"; closed through JSON-RPC:
 * "session ended"); 1001 at shutdown (to every socket, on any route), after which stragglers are dropped once
 * SOCKET_CLOSE_GRACE_MS has passed; 1009 (sent by ws) for a frame larger than MAX_BODY_BYTES.
 */
import websocket from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { type RawData, WebSocket } from 'ws';
import type { Session, SessionStore } from '../../env/sessions.js';

/** How long shutdown waits for WebSocket clients to answer the 1001 close before dropping them. */
export const SOCKET_CLOSE_GRACE_MS = 3000;

export class SocketRegistry {
  private readonly sockets = new Map<string, WebSocket>();

  constructor(private readonly store: SessionStore) {}

  /** Ties a socket to its session: found by the session's id, and closing the socket ends the session. */
  bind(session: Session, socket: WebSocket): void {
    this.sockets.set(session.id, socket);
    socket.on('close', () => {
      this.sockets.delete(session.id);
      this.store.close(session.id);
    });
  }

  close(id: string, code: number, reason: string): void {
    const s = this.sockets.get(id);
    if (s !== undefined && s.readyState === WebSocket.OPEN) s.close(code, reason);
  }

  /** Closes the sockets whose session is gone from the store (closed through openenv/session/close). */
  sweep(): void {
    for (const [id, socket] of this.sockets) {
      if (this.store.get(id) === undefined && socket.readyState === WebSocket.OPEN)
        socket.close(1000, 'session ended');
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly sockets: SocketRegistry;
  }
}

/**
 * Closes every socket with `code`, waits for the closing handshakes, and drops the stragglers after
 * `graceMs`: a client that never answers a close cannot hold up shutdown.
 */
export async function closeSockets(
  sockets: Iterable<WebSocket>,
  code: number,
  reason: string,
  graceMs: number,
): Promise<void> {
  const all = [...sockets];
  const closed = all.map((s) =>
    s.readyState === WebSocket.CLOSED
      ? Promise.resolve()
      : new Promise<void>((r) => s.once('close', () => r())),
  );
  for (const s of all) if (s.readyState === WebSocket.OPEN) s.close(code, reason);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => {
    timer = setTimeout(r, graceMs);
  });
  await Promise.race([Promise.all(closed), late]);
  clearTimeout(timer);
  for (const s of all) if (s.readyState !== WebSocket.CLOSED) s.terminate();
}

/** A received frame as text, without copying a single Buffer. */
export function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Sends a frame if the socket is still open. */
export function sendFrame(socket: WebSocket, frame: string): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(frame);
}

/**
 * Answers a socket's messages with `answer`, each synchronously within its own event (see the header).
 * Call it first thing in a wsHandler: @fastify/websocket drops frames that arrive before a listener exists.
 */
export function onMessage(
  socket: WebSocket,
  log: FastifyBaseLogger,
  answer: (data: RawData, isBinary: boolean) => void,
): void {
  socket.on('message', (data, isBinary) => {
    try {
      answer(data, isBinary);
    } catch (err) {
      log.error({ err }, 'WebSocket message handler failed');
    }
  });
}

export interface SocketsOptions {
  readonly maxPayload: number;
}

const sockets: FastifyPluginAsync<SocketsOptions> = async (app, { maxPayload }) => {
  const registry = new SocketRegistry(app.store);
  app.decorate('sockets', registry);
  app.onHousekeeping((reaped) => {
    for (const s of reaped) registry.close(s.id, 1000, 'session idle timeout');
    registry.sweep();
  });
  // @fastify/websocket ends refused upgrades only when its own onRequest hook ran; a gate registered before
  // it (shutdown, API_KEY) can refuse first.
  app.addHook('onResponse', (req, _reply, done) => {
    if ((req.raw as { upgrade?: boolean }).upgrade === true && req.ws !== true) req.raw.socket.destroySoon();
    done();
  });
  // Before @fastify/websocket's own preClose (which would close them without a code). Every socket the
  // WebSocket server tracks, not only the sessions' ones: an upgrade to a route without a WebSocket handler
  // (GET /health) is accepted and then closed by @fastify/websocket, and a client that never answers that
  // close would otherwise keep the server open for ws's 30 s close timeout.
  app.addHook('preClose', () =>
    closeSockets(app.websocketServer.clients, 1001, 'server shutting down', SOCKET_CLOSE_GRACE_MS),
  );
  await app.register(websocket, {
    options: { maxPayload },
    // ws itself closes the socket (1009 for an oversized frame, 1002 for a protocol error); only log here.
    errorHandler: (err, _socket, req) => req.log.warn({ err: err.message }, 'websocket error'),
  });
};

export default fp(sockets, { name: 'sockets', dependencies: ['sessions'] });
