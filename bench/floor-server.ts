/**
 * The floor: a noop Fastify + @fastify/websocket server that answers with precomputed bytes, so the same
 * clients measure what this machine's transport stack can do with replies of exactly our sizes.
 *
 * - WS /ws small steps: a `reset` gets the captured reset reply, every other message the captured
 *   `get_task_info` step reply.
 * - WS /ws episode floor: a `reset` whose (task_id, seed) was recorded (FLOOR_RECORDINGS) starts that
 *   episode's recorded reply sequence; each later message gets the next recorded frame (byte-identical to
 *   what the solver received from the real server). Only reset messages are parsed.
 * - HTTP: `POST /reset` and `POST /step` answer the captured reply bodies (Fastify still parses the JSON
 *   request body, as any Fastify route would).
 * `{"type":"close"}` closes the socket, as the real server does.
 *
 * Environment: FLOOR_PORT, FLOOR_HOST (127.0.0.1), FLOOR_SMALL (a JSON file with the captured replies:
 * ws_reset, ws_step, http_reset, http_step), FLOOR_RECORDINGS (optional, see bench/lib/recordings.ts).
 */
import { readFileSync } from 'node:fs';
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import { episodeKey, readRecordings, type Recordings } from './lib/recordings.js';

interface Small {
  ws_reset: string;
  ws_step: string;
  http_reset: string;
  http_step: string;
}

const small = JSON.parse(readFileSync(process.env.FLOOR_SMALL!, 'utf8')) as Small;
const wsReset = Buffer.from(small.ws_reset);
const wsStep = Buffer.from(small.ws_step);
const httpReset = Buffer.from(small.http_reset);
const httpStep = Buffer.from(small.http_step);
const recordings: Recordings = process.env.FLOOR_RECORDINGS
  ? readRecordings(process.env.FLOOR_RECORDINGS)
  : new Map();

const RESET = Buffer.from('{"type":"reset"');
const CLOSE = Buffer.from('{"type":"close"');
const startsWith = (b: Buffer, p: Buffer) =>
  b.length >= p.length && b.compare(p, 0, p.length, 0, p.length) === 0;
const TEXT = { binary: false };

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.register(websocket, { options: { maxPayload: 64 * 1024 * 1024 } });
app.register(async (app) => {
  app.get('/ws', { websocket: true }, (socket) => {
    let seq: Buffer[] | null = null;
    let at = 0;
    socket.on('message', (data: Buffer) => {
      if (startsWith(data, RESET)) {
        const msg = JSON.parse(data.toString('utf8')) as { data?: { task_id?: string; seed?: number } };
        const rec = recordings.get(episodeKey(String(msg.data?.task_id), Number(msg.data?.seed)));
        if (rec !== undefined) {
          seq = rec.replies;
          at = 1;
          socket.send(seq[0]!, TEXT);
        } else {
          seq = null;
          socket.send(wsReset, TEXT);
        }
      } else if (startsWith(data, CLOSE)) {
        socket.close(1000, 'closed by client');
      } else if (seq !== null) {
        const frame = seq[at++];
        if (frame === undefined) socket.close(1011, 'floor: past the end of the recorded episode');
        else socket.send(frame, TEXT);
      } else {
        socket.send(wsStep, TEXT);
      }
    });
  });
  app.post('/reset', (_req, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').send(httpReset);
  });
  app.post('/step', (_req, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').send(httpStep);
  });
  app.get('/health', async () => ({ status: 'healthy' }));
});

const port = Number(process.env.FLOOR_PORT ?? 8001);
app.listen({ host: process.env.FLOOR_HOST ?? '127.0.0.1', port }).then(
  () => process.stdout.write(`floor listening on ${port} (${recordings.size} recorded episodes)\n`),
  (e: unknown) => {
    process.stderr.write(`floor: cannot listen: ${String(e)}\n`);
    process.exit(1);
  },
);
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => process.exit(0));
