/**
 * Glue between Fastify and the SDK's web-standard transport: a Fastify request as a fetch `Request`, a
 * fetch `Response` written to a Fastify reply, and the episode parameters an MCP client may pass when
 * it initializes (query parameters or X-* headers).
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Headers that describe the Node connection, not the message. */
const SKIP = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
]);

/**
 * The request as the SDK transport reads it. The body is passed separately, already parsed. Accept is
 * normalised to what the Streamable HTTP transport demands (it answers in JSON here anyway), so clients
 * that only say `application/json` are not refused with 406.
 */
export function toFetchRequest(req: FastifyRequest): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || SKIP.has(k)) continue;
    if (Array.isArray(v)) for (const one of v) headers.append(k, one);
    else headers.set(k, String(v));
  }
  headers.set('accept', 'application/json, text/event-stream');
  if (req.method === 'POST') headers.set('content-type', 'application/json');
  return new Request(`http://localhost${req.url}`, { method: req.method, headers });
}

/** Writes a fetch Response (JSON, empty, or an SSE stream) to the reply. */
export async function sendFetchResponse(reply: FastifyReply, res: Response): Promise<FastifyReply> {
  reply.code(res.status);
  res.headers.forEach((value, key) => {
    if (key !== 'content-length') reply.header(key, value);
  });
  if (res.body === null) return reply.send();
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return reply.send(Readable.fromWeb(res.body as unknown as NodeReadableStream));
  }
  return reply.send(Buffer.from(await res.arrayBuffer()));
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * task_id, seed, profile and agent_label for the session's episode: `?task_id=&seed=&profile=&agent_label=`,
 * else the X-Task-Id / X-Seed / X-Profile / X-Agent-Label headers. A non-integer seed is passed on as text so that reset
 * validation names it.
 */
export function episodeParams(req: FastifyRequest): Record<string, unknown> {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const pick = (query: string, header: string): unknown => first(q[query]) ?? first(req.headers[header]);
  const task = pick('task_id', 'x-task-id');
  const profile = pick('profile', 'x-profile');
  const seed = pick('seed', 'x-seed');
  const label = pick('agent_label', 'x-agent-label');
  if (typeof task === 'string' && task !== '') out.task_id = task;
  if (typeof label === 'string' && label !== '') out.agent_label = label;
  if (typeof profile === 'string' && profile !== '') out.profile = profile;
  if (typeof seed === 'string' && seed !== '') out.seed = /^\d+$/.test(seed) ? Number(seed) : seed;
  return out;
}
