/**
 * WebSocket /ws: OpenEnv's session protocol, exactly as upstream's (docs/protocol.md, /ws). One session
 * per connection, opened after the upgrade; one reply per message, in order (src/server/plugins/
 * sockets.ts onMessage); `close` gets no reply.
 *
 * Errors that keep the socket open: INVALID_JSON, UNKNOWN_TYPE, VALIDATION_ERROR, EXECUTION_ERROR, and
 * CAPACITY_REACHED for a reset over the client's MAX_RESETS_PER_MINUTE. Errors that close it with 1000:
 * CAPACITY_REACHED at connect (the server's capacity, or the client's MAX_EPISODES_PER_CLIENT),
 * SESSION_ERROR (a binary frame, JSON that is not an object, a session that has ended). A plain GET /ws
 * without an Upgrade is 426.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { BenchError } from '../../core/errors.js';
import { isRecord, parseEnvelope } from '../../env/schemas.js';
import type { Session } from '../../env/sessions.js';
import { frameText, onMessage, sendFrame } from '../plugins/sockets.js';
import { isWsMessageType, WS_MESSAGE_TYPES, wsMessageEnvelope } from '../wire/envelopes.js';
import { asBenchError } from '../wire/errors.js';
import { errorFrame, mcpFrame, observationFrame, stateFrame } from '../wire/ws.js';
import { handleJsonRpc } from '../mcp/jsonrpc.js';

const wsRoutes: FastifyPluginAsync = async (app) => {
  const { store, sockets } = app;

  app.route({
    method: 'GET',
    url: '/ws',
    schema: { hide: true },
    handler: async (_req, reply) => {
      reply.header('upgrade', 'websocket');
      throw new BenchError('CB_ERR_UPGRADE_REQUIRED', { path: '/ws' });
    },
    wsHandler: (socket: WebSocket, req) => {
      /** Sends an error frame; a fatal one (SESSION_ERROR) then closes the socket. */
      const fail = (e: BenchError, fatal = false) => {
        sendFrame(socket, errorFrame(e, fatal));
        if (fatal) socket.close(1000, 'session error');
      };

      /** The one reply to a message (none to `close`). */
      const answer = (session: Session, data: RawData, isBinary: boolean): void => {
        if (store.get(session.id) !== session) return fail(new BenchError('CB_ERR_SESSION_ENDED'), true);
        store.touch(session);
        if (isBinary)
          return fail(new BenchError('CB_ERR_UNSUPPORTED_MEDIA_TYPE', { received: 'a binary frame' }), true);
        let msg: unknown;
        try {
          msg = JSON.parse(frameText(data));
        } catch (e) {
          return fail(new BenchError('CB_ERR_INVALID_JSON', { reason: (e as Error).message }));
        }
        if (!isRecord(msg)) {
          return fail(
            new BenchError('CB_ERR_VALIDATION', {
              what: 'message',
              errors: [
                {
                  type: 'object_type',
                  loc: [],
                  msg: 'Input should be a JSON object such as {"type": "state"}',
                },
              ],
            }),
            true,
          );
        }
        if (!isWsMessageType(msg.type)) {
          const type = typeof msg.type === 'string' ? msg.type : '';
          return fail(new BenchError('CB_ERR_UNKNOWN_MESSAGE_TYPE', { type, types: WS_MESSAGE_TYPES }));
        }
        let frame: string;
        try {
          const m = parseEnvelope(wsMessageEnvelope, msg);
          switch (m.type) {
            case 'reset':
              frame = observationFrame(session.env.reset(m.data ?? {}));
              break;
            case 'step':
              frame = observationFrame(session.env.step(m.data));
              break;
            case 'state':
              frame = stateFrame(session.env.state());
              break;
            case 'mcp':
              frame = mcpFrame(
                handleJsonRpc({ store, socketSession: session, client: session.client }, m.data),
              );
              break;
            case 'close':
              store.close(session.id);
              socket.close(1000, 'closed by client');
              return;
          }
        } catch (e) {
          if (!(e instanceof BenchError)) req.log.error({ err: e }, `/ws ${msg.type} failed`);
          return fail(asBenchError(e));
        }
        sendFrame(socket, frame);
      };

      let session: Session | null = null;
      onMessage(socket, req.log, (data, isBinary) => {
        if (session !== null && socket.readyState === socket.OPEN) answer(session, data, isBinary);
      });
      try {
        session = store.open('ws', req.clientKey);
        sockets.bind(session, socket);
      } catch (e) {
        // At capacity (the server's, or the client's): CAPACITY_REACHED, then close, as upstream does.
        const be = asBenchError(e);
        const capacity = be.ws === 'CAPACITY_REACHED';
        sendFrame(socket, errorFrame(be, !capacity));
        socket.close(
          1000,
          be.code === 'CB_ERR_CLIENT_LIMIT'
            ? 'client limit'
            : capacity
              ? 'server at capacity'
              : 'session error',
        );
      }
    },
  });
};

export default wsRoutes;
