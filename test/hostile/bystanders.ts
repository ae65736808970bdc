/**
 * Bystanders: ordinary episodes (the reference solver and a persona on fixed tasks and seeds) that run
 * beside the hostile traffic. Each records every reply it gets, as text. Run once alone on a fresh server
 * and once paced through the hostile run, a bystander must get the same replies (server-made ids aside)
 * and the same result, breakdown included.
 */
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { agents } from '../../src/agents/index.js';
import { type EpisodeResult, runEpisode } from '../../src/agents/runner.js';
import { type StepTriple, toolReplyOf } from '../../src/env/connection.js';
import type { EnvConnection, ResetOptions, ToolReply } from '../../src/env/connection.js';
import { catalog } from '../server/helpers.js';

export interface BystanderSpec {
  readonly agent: string;
  readonly task_id: string;
  readonly seed: number;
}

export const BYSTANDERS: readonly BystanderSpec[] = [
  { agent: 'reference', task_id: 'T16_cursor_pagination', seed: 3 },
  { agent: 'reference', task_id: 'T11_auth_expiry', seed: 5 },
  { agent: 'reference', task_id: 'T8_mixed_faults', seed: 2 },
  { agent: 'keep-totals', task_id: 'T7_totals_trap', seed: 4 },
];

/** One transport as a bystander sees it: a reset and tool calls, each returning the reply text too. */
export interface Exchange {
  reset(o: ResetOptions): Promise<{ text: string; observation: Record<string, unknown> }>;
  call(name: string, args: Record<string, unknown>): Promise<{ text: string; reply: ToolReply }>;
  close(): Promise<void>;
}

/** Lets bystanders advance one step per `every` hostile inputs, so their steps are spread through the run. */
export class Pacer {
  private done = 0;
  private finished = false;
  private readonly waits: Array<[number, () => void]> = [];

  get count(): number {
    return this.done;
  }
  tick(): void {
    this.done += 1;
    for (let i = this.waits.length - 1; i >= 0; i--) {
      if (this.waits[i]![0] <= this.done) this.waits.splice(i, 1)[0]![1]();
    }
  }
  /** Resolves once `n` more inputs have been sent (at once after finish()). */
  after(n: number): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise((r) => this.waits.push([this.done + n, r]));
  }
  finish(): void {
    this.finished = true;
    for (const [, r] of this.waits.splice(0)) r();
  }
}

/** Server-made ids (episode ids, session UUIDs) differ between runs; everything else in a reply must not. */
const SERVER_ID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32}\b/g;
const normalise = (t: string) =>
  t.replace(SERVER_ID, '<id>').replace(/"episode_token":"[^"]*"/g, '"episode_token":"<token>"');

class RecordingEnv implements EnvConnection {
  readonly replies: string[] = [];
  constructor(
    private readonly ex: Exchange,
    private readonly before: () => Promise<void>,
  ) {}
  async reset(o: ResetOptions) {
    await this.before();
    const r = await this.ex.reset(o);
    this.replies.push(normalise(r.text));
    return r.observation;
  }
  async callTool(name: string, args: Record<string, unknown>) {
    await this.before();
    const r = await this.ex.call(name, args);
    this.replies.push(normalise(r.text));
    return r.reply;
  }
  close() {
    return this.ex.close();
  }
}

export interface BystanderRun {
  readonly spec: BystanderSpec;
  readonly result: EpisodeResult;
  readonly replies: string[];
}

const registry = agents(catalog);

export async function runBystander(
  spec: BystanderSpec,
  ex: Exchange,
  before: () => Promise<void> = () => Promise.resolve(),
): Promise<BystanderRun> {
  const env = new RecordingEnv(ex, before);
  const result = await runEpisode(env, registry.get(spec.agent)!, spec);
  await env.close();
  return { spec, result, replies: env.replies };
}

/** The bystanders alone, one after the other. */
export async function alone(open: () => Promise<Exchange>): Promise<BystanderRun[]> {
  const out: BystanderRun[] = [];
  for (const spec of BYSTANDERS) out.push(await runBystander(spec, await open()));
  return out;
}

/**
 * The bystanders beside a hostile run of `inputs` inputs: each steps once per share of the run, so its
 * steps are spread over it. `steps` (from the run alone) sizes the shares.
 */
export function beside(
  open: () => Promise<Exchange>,
  pacer: Pacer,
  inputs: number,
  baseline: readonly BystanderRun[],
): Promise<BystanderRun[]> {
  return Promise.all(
    BYSTANDERS.map(async (spec, i) => {
      const every = Math.max(1, Math.floor(inputs / (baseline[i]!.replies.length + 1)));
      return runBystander(spec, await open(), () => pacer.after(every));
    }),
  );
}

// ---- Exchanges, one per transport ----

/** Stateful HTTP episodes through app.inject. */
export function httpExchange(app: FastifyInstance): Exchange {
  let episodeId = '';
  /** Sent back on every step when the server hands one out (an episode token, x-episode-token). */
  let headers: Record<string, string> = {};
  return {
    async reset(o) {
      const res = await app.inject({
        method: 'POST',
        url: '/reset',
        payload: { task_id: o.task_id, seed: o.seed },
      });
      if (res.statusCode !== 200) throw new Error(`bystander reset: ${res.body}`);
      const observation = (JSON.parse(res.body) as StepTriple).observation;
      episodeId = observation.episode_id as string;
      const token = res.headers['x-episode-token'];
      headers = typeof token === 'string' ? { 'x-episode-token': token } : {};
      return { text: res.body, observation };
    },
    async call(name, args) {
      const res = await app.inject({
        method: 'POST',
        url: '/step',
        headers,
        payload: { action: { type: 'call_tool', tool_name: name, arguments: args }, episode_id: episodeId },
      });
      if (res.statusCode !== 200) throw new Error(`bystander step: ${res.body}`);
      return { text: res.body, reply: toolReplyOf(JSON.parse(res.body) as StepTriple) };
    },
    close: () => Promise.resolve(),
  };
}

/** A lockstep WebSocket: send text, resolve with the next text reply. */
export async function lockstepSocket(
  url: string,
): Promise<{ ask: (t: string) => Promise<string>; socket: WebSocket }> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waiting: Array<(t: string) => void> = [];
  socket.on('message', (d) => waiting.shift()?.(d.toString()));
  const ask = (t: string) =>
    new Promise<string>((resolve, reject) => {
      if (socket.readyState !== WebSocket.OPEN) return reject(new Error('bystander socket closed'));
      waiting.push(resolve);
      socket.send(t);
    });
  return { ask, socket };
}

/** The /ws session protocol (reset and step messages). */
export async function wsExchange(base: string): Promise<Exchange> {
  const { ask, socket } = await lockstepSocket(`${base}/ws`);
  const data = (t: string) => (JSON.parse(t) as { type: string; data: StepTriple }).data;
  return {
    async reset(o) {
      const t = await ask(JSON.stringify({ type: 'reset', data: { task_id: o.task_id, seed: o.seed } }));
      return { text: t, observation: data(t).observation };
    },
    async call(name, args) {
      const t = await ask(
        JSON.stringify({ type: 'step', data: { type: 'call_tool', tool_name: name, arguments: args } }),
      );
      return { text: t, reply: toolReplyOf(data(t)) };
    },
    close: async () => {
      socket.close();
    },
  };
}

/** A JSON-RPC tools/call result as a ToolReply (the episode is done once the result carries a breakdown). */
function replyOfRpc(t: string): ToolReply {
  const r = JSON.parse(t) as {
    result?: {
      structured_content?: Record<string, unknown>;
      data?: Record<string, unknown>;
      is_error?: boolean;
    };
    error?: unknown;
  };
  if (r.result === undefined) throw new Error(`bystander tools/call failed: ${t.slice(0, 300)}`);
  const value = r.result.structured_content ?? r.result.data ?? null;
  if (r.result.is_error) {
    const e = (value?.error ?? {}) as { code: string; message: string };
    return { value: null, error: e, done: e.code === 'CB_ERR_EPISODE_DONE', reward: null };
  }
  const done = value !== null && 'breakdown' in value;
  return {
    value,
    error: null,
    done,
    reward: done ? (value.breakdown as { score: number }).score / 100 : null,
  };
}

/** OpenEnv JSON-RPC over POST /mcp: openenv/session/create, then tools/call with the session id. */
export function mcpHttpExchange(app: FastifyInstance): Exchange {
  let sessionId = '';
  let n = 0;
  const rpc = async (method: string, params: Record<string, unknown>) => {
    const res = await app.inject({
      method: 'POST',
      url: '/mcp',
      payload: { jsonrpc: '2.0', id: ++n, method, params },
    });
    return res.body;
  };
  return {
    async reset(o) {
      const t = await rpc('openenv/session/create', { task_id: o.task_id, seed: o.seed });
      const result = (JSON.parse(t) as { result: Record<string, unknown> }).result;
      sessionId = result.session_id as string;
      return { text: t, observation: result };
    },
    async call(name, args) {
      const t = await rpc('tools/call', { name, arguments: args, session_id: sessionId });
      return { text: t, reply: replyOfRpc(t) };
    },
    close: async () => {
      await rpc('openenv/session/close', { session_id: sessionId });
    },
  };
}

/** Bare JSON-RPC frames on WS /mcp: the connection is the session, its episode reset at connect. */
export function wsMcpExchange(base: string): Exchange {
  let ask: ((t: string) => Promise<string>) | null = null;
  let socket: WebSocket | null = null;
  let n = 0;
  return {
    async reset(o) {
      ({ ask, socket } = await lockstepSocket(`${base}/mcp?task_id=${o.task_id}&seed=${o.seed}`));
      return { text: '', observation: { task_id: o.task_id, seed: o.seed } };
    },
    async call(name, args) {
      const t = await ask!(
        JSON.stringify({ jsonrpc: '2.0', id: ++n, method: 'tools/call', params: { name, arguments: args } }),
      );
      return { text: t, reply: replyOfRpc(t) };
    },
    close: async () => {
      socket?.close();
    },
  };
}

/**
 * Where two sets of bystander runs differ, shown briefly: the first differing reply of each bystander
 * with a little context around the first differing character, and any difference in results.
 */
export function differences(got: readonly BystanderRun[], want: readonly BystanderRun[]): string[] {
  const out: string[] = [];
  want.forEach((w, i) => {
    const g = got[i]!;
    const name = `${w.spec.agent} ${w.spec.task_id} seed ${w.spec.seed}`;
    if (JSON.stringify(g.result) !== JSON.stringify(w.result))
      out.push(`${name}: result ${JSON.stringify(g.result)} instead of ${JSON.stringify(w.result)}`);
    if (g.replies.length !== w.replies.length)
      out.push(`${name}: ${g.replies.length} replies instead of ${w.replies.length}`);
    const k = w.replies.findIndex((r, j) => r !== g.replies[j]);
    if (k >= 0) {
      const a = w.replies[k]!;
      const b = g.replies[k] ?? '';
      let c = 0;
      while (c < a.length && a[c] === b[c]) c++;
      const at = Math.max(0, c - 60);
      out.push(
        `${name}: reply ${k} differs at ${c}: …${b.slice(at, c + 60)}… instead of …${a.slice(at, c + 60)}…`,
      );
    }
  });
  return out;
}
