/**
 * WebSocket /ws: OpenEnv's session protocol, exactly as upstream (openenv-protocol.md §3). One session per
 * connection, opened after the upgrade; one reply per message, in order; `close` gets no reply.
 *
 * Close codes: 1000 after `close`, CAPACITY_REACHED, SESSION_ERROR and an idle reap; 1001 at shutdown;
 * 1009 (sent by ws) for a frame larger than MAX_BODY_BYTES. A plain GET /ws without an Upgrade is 426.
 */
import type { FastifyPluginAsync } from 'fastify';
import { frameText, type SocketRegistry } from '../sockets.js';
import type { RawData } from 'ws';
import { z } from 'zod';
import { BenchError } from '../../core/errors.js';
import { isRecord, validationError, wireJson } from '../../env/environment.js';
import type { Session, SessionStore } from '../../env/sessions.js';
import { asBenchError, type WsErrorCode, wsCodeOf, wsErrorFrame } from '../errors.js';
import { handleJsonRpc } from '../mcp/jsonrpc.js';

const payload = z.record(z.string(), z.unknown());
/** Client messages; extra keys are refused, as upstream's pydantic models do (extra="forbid"). */
const Messages = {
  reset: z.object({ type: z.literal('reset'), data: payload.optional() }).strict(),
  step: z.object({ type: z.literal('step'), data: payload }).strict(),
  state: z.object({ type: z.literal('state') }).strict(),
  close: z.object({ type: z.literal('close') }).strict(),
  mcp: z.object({ type: z.literal('mcp'), data: payload }).strict(),
} as const;
type MessageType = keyof typeof Messages;

/** Whether each message type takes `data`: required, optional or absent (the keys Messages allows). */
const DATA: Record<MessageType, 'required' | 'optional' | 'absent'> = {
  reset: 'optional',
  step: 'required',
  state: 'absent',
  close: 'absent',
  mcp: 'required',
};

/**
 * The common case of Messages checked without zod: only `type` and `data`, `data` an object where the
 * type takes one. Anything else goes to the zod schema, which accepts or rejects it with its errors.
 */
function wellFormed(m: { type: MessageType; data?: unknown }): boolean {
  let keys = 0;
  for (const k in m) {
    if (k !== 'type' && k !== 'data') return false;
    keys += 1;
  }
  const rule = DATA[m.type];
  if (m.data === undefined) return keys === 1 && rule !== 'required';
  return rule !== 'absent' && isRecord(m.data);
}

const OPEN = 1; // WebSocket.OPEN

export interface WsRoutesOptions {
  readonly store: SessionStore;
  readonly conns: SocketRegistry;
}

export const wsRoutes: FastifyPluginAsync<WsRoutesOptions> = async (app, { store, conns }) => {
  app.route({
    method: 'GET',
    url: '/ws',
    schema: { hide: true },
    handler: async (_req, reply) => {
      reply.header('upgrade', 'websocket');
      throw new BenchError(
        'CB_ERR_UPGRADE_REQUIRED',
        '/ws is the OpenEnv WebSocket endpoint: connect with a WebSocket client (ws://host:port/ws)',
      );
    },
    wsHandler: (socket, req) => {
      let session: Session | null = null;

      const send = (frame: string) => {
        if (socket.readyState === OPEN) socket.send(frame);
      };
      const sendError = (code: WsErrorCode, e: BenchError) => send(wsErrorFrame(code, e));
      const fatal = (e: BenchError) => {
        sendError('SESSION_ERROR', e);
        socket.close(1000, 'session error');
      };

      const failed = (type: string, e: unknown) => {
        if (!(e instanceof BenchError)) req.log.error({ err: e }, `/ws ${type} failed`);
        const be = asBenchError(e);
        sendError(wsCodeOf(be), be);
      };

      /** Answers one message; only `mcp` answers asynchronously (it returns a promise that never rejects). */
      const handle = (data: RawData, isBinary: boolean): void | Promise<void> => {
        if (session === null || socket.readyState !== OPEN) return;
        if (store.get(session.id) !== session)
          return fatal(
            new BenchError(
              'CB_ERR_SESSION_NOT_FOUND',
              'this session has ended (idle timeout or shutdown); reconnect',
            ),
          );
        store.touch(session);
        if (isBinary)
          return fatal(
            new BenchError(
              'CB_ERR_UNSUPPORTED_MEDIA_TYPE',
              'binary frames are not supported: send each message as a JSON text frame',
            ),
          );
        const text = frameText(data);
        let msg: unknown;
        try {
          msg = JSON.parse(text);
        } catch (e) {
          return sendError(
            'INVALID_JSON',
            new BenchError('CB_ERR_INVALID_JSON', `Invalid JSON: ${(e as Error).message}`),
          );
        }
        if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
          return fatal(
            new BenchError(
              'CB_ERR_VALIDATION',
              'a message must be a JSON object like {"type": "reset", "data": {...}}',
            ),
          );
        }
        const type = (msg as { type?: unknown }).type;
        if (typeof type !== 'string' || !Object.hasOwn(Messages, type)) {
          return sendError(
            'UNKNOWN_TYPE',
            new BenchError(
              'CB_ERR_VALIDATION',
              `Unknown message type: ${typeof type === 'string' ? type : ''}`,
              { types: Object.keys(Messages) },
            ),
          );
        }
        let m = msg as { type: MessageType; data?: Record<string, unknown> };
        if (!wellFormed(m)) {
          // The zod schema names what is wrong (and is the definition the fast check follows).
          const parsed = Messages[type as MessageType].safeParse(msg);
          if (!parsed.success)
            return sendError('VALIDATION_ERROR', validationError(`${type} message`, parsed.error));
          m = parsed.data as typeof m;
        }
        try {
          switch (m.type) {
            case 'reset':
              return send(JSON.stringify({ type: 'observation', data: session.env.reset(m.data ?? {}) }));
            case 'step':
              return send(`{"type":"observation","data":${wireJson(session.env.step(m.data))}}`);
            case 'state':
              return send(JSON.stringify({ type: 'state', data: session.env.state() }));
            case 'mcp':
              return handleJsonRpc({ store, wsSession: session }, m.data).then(
                (data) => send(JSON.stringify({ type: 'mcp', data })),
                (e: unknown) => failed(m.type, e),
              );
            case 'close':
              store.close(session.id);
              socket.close(1000, 'closed by client');
              return;
          }
        } catch (e) {
          return failed(m.type, e);
        }
      };

      // One reply per message, in order: messages are answered synchronously as they arrive, and while an
      // asynchronous answer is pending, later messages wait for it.
      const waiting: Array<[RawData, boolean]> = [];
      let pending = false;
      const pump = () => {
        while (!pending && waiting.length > 0) {
          const [data, isBinary] = waiting.shift()!;
          let answer: void | Promise<void>;
          try {
            answer = handle(data, isBinary);
          } catch (err) {
            req.log.error({ err }, '/ws handler failed');
            continue;
          }
          if (answer instanceof Promise) {
            pending = true;
            void answer
              .catch((err: unknown) => req.log.error({ err }, '/ws handler failed'))
              .finally(() => {
                pending = false;
                pump();
              });
          }
        }
      };

      // Listeners first, synchronously: @fastify/websocket drops frames that arrive before they exist.
      socket.on('message', (data, isBinary) => {
        waiting.push([data, isBinary]);
        pump();
      });
      socket.on('close', () => {
        if (session !== null) {
          conns.delete(session.id);
          store.close(session.id);
        }
      });

      try {
        session = store.open('ws');
        conns.add(session.id, socket);
      } catch (e) {
        const be = asBenchError(e);
        sendError(be.code === 'CB_ERR_CAPACITY' ? 'CAPACITY_REACHED' : 'SESSION_ERROR', be);
        socket.close(1000, be.code === 'CB_ERR_CAPACITY' ? 'server at capacity' : 'session error');
      }
    },
  });
};
