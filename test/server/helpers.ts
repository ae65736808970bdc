/** Shared helpers for the transport tests: a quiet config, a listening app, a raw /ws probe, an HTTP EnvConnection. */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect, type TestContext } from 'vitest';
import WebSocket from 'ws';
import {
  type EnvConnection,
  type ResetOptions,
  type StepTriple,
  type ToolReply,
  toolReplyOf,
} from '../../src/env/connection.js';
import { type Config, loadConfig } from '../../src/config.js';
import { loadTasks, type TaskCatalog } from '../../src/env/task-catalog.js';

export const catalog: TaskCatalog = loadTasks();

/**
 * The defaults, silenced, with overrides; never read from the test process's environment. The
 * leaderboard stays in memory unless a test gives it a file (LEADERBOARD_PATH).
 */
export function testConfig(over: Partial<Config> = {}): Config {
  return loadConfig({}, { LOG_LEVEL: 'silent', LEADERBOARD_PATH: '', ...over });
}

/** Listens on an ephemeral local port; returns the base ws:// URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** A JSON body read loosely (tests assert on its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are arbitrary JSON, checked by expect()
export type Json = any;

export type Frame = { type: string; data: Record<string, Json> };

/** A raw /ws connection: send anything, read the replies in order, observe the close. */
export class WsProbe {
  private readonly inbox: Frame[] = [];
  private readonly waiters: Array<(f: Frame) => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (d) => {
      const f = JSON.parse(d.toString()) as Frame;
      const w = this.waiters.shift();
      if (w) w(f);
      else this.inbox.push(f);
    });
    this.closed = new Promise((r) =>
      socket.on('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
  }

  static async open(base: string, opts: WebSocket.ClientOptions = {}): Promise<WsProbe> {
    const socket = new WebSocket(`${base}/ws`, opts);
    const probe = new WsProbe(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return probe;
  }

  send(msg: unknown): void {
    this.socket.send(typeof msg === 'string' || Buffer.isBuffer(msg) ? msg : JSON.stringify(msg));
  }

  next(timeoutMs = 10_000): Promise<Frame> {
    const f = this.inbox.shift();
    if (f) return Promise.resolve(f);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no reply within the timeout')), timeoutMs);
      this.waiters.push((x) => {
        clearTimeout(t);
        resolve(x);
      });
    });
  }

  async ask(msg: unknown): Promise<Frame> {
    this.send(msg);
    return this.next();
  }

  /** Frames received and not yet read. */
  get unread(): number {
    return this.inbox.length;
  }
}

/** Polls `cond` every 10 ms until it holds, failing after `timeoutMs` (no fixed sleeps in tests). */
export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms: ${cond.toString()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** POST/GET through app.inject with a JSON body; returns status and parsed body. */
export async function call(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; headers: Record<string, unknown> }> {
  const res = await app.inject({
    method,
    url,
    ...(body === undefined
      ? {}
      : {
          payload: typeof body === 'string' ? body : JSON.stringify(body),
          headers: { 'content-type': 'application/json', ...headers },
        }),
    ...(body === undefined ? { headers } : {}),
  });
  let parsed: unknown = res.body;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    /* not JSON: left as text so the assertion shows it */
  }
  return { status: res.statusCode, body: parsed, headers: res.headers };
}

/** Asserts a catalogue error reply: the status, the stable code, a message, and the request id. */
export function expectError(
  res: { status: number; body: Json; headers: Record<string, unknown> },
  status: number,
  code: string,
): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
}

/** An HTTP episode POST /reset started: its id, its token, and the X-Episode-Token header carrying it. */
export interface HttpEpisode {
  readonly id: string;
  readonly token: string;
  readonly auth: { 'x-episode-token': string };
  readonly body: Json;
}

/** POST /reset (or /web/reset) that must succeed; returns the episode's id and token. */
export async function httpReset(
  app: FastifyInstance,
  body: unknown = {},
  url = '/reset',
  headers: Record<string, string> = {},
): Promise<HttpEpisode> {
  const r = await call(app, 'POST', url, body, headers);
  if (r.status !== 200) throw new Error(`${url} failed: ${r.status} ${JSON.stringify(r.body)}`);
  const token = r.body.episode_token as string;
  expect(r.headers['x-episode-token']).toBe(token);
  return { id: r.body.observation.episode_id, token, auth: { 'x-episode-token': token }, body: r.body };
}

/** An EnvConnection over the stateful HTTP routes (through app.inject), mapping replies like RemoteEnv. */
export class InjectEnv implements EnvConnection {
  episode: HttpEpisode | null = null;
  constructor(private readonly app: FastifyInstance) {}

  get episodeId(): string | null {
    return this.episode?.id ?? null;
  }

  async reset(opts: ResetOptions): Promise<Record<string, unknown>> {
    this.episode = await httpReset(this.app, {
      task_id: opts.task_id,
      seed: opts.seed,
      ...(opts.profile ? { profile: opts.profile } : {}),
    });
    return this.episode.body.observation;
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<ToolReply> {
    const r = await call(
      this.app,
      'POST',
      '/step',
      { action: { type: 'call_tool', tool_name: name, arguments: args }, episode_id: this.episodeId },
      this.episode?.auth,
    );
    if (r.status !== 200) throw new Error(`step failed: ${JSON.stringify(r.body)}`);
    return toolReplyOf(r.body as StepTriple);
  }

  async close(): Promise<void> {}
}

const ROOT = join(import.meta.dirname, '..', '..');

/** A process started by startTsx: its output so far and its exit code. */
export interface Proc {
  readonly child: ChildProcess;
  readonly out: () => string;
  readonly err: () => string;
  readonly exit: Promise<number | null>;
}

/** Starts a TypeScript entry point under tsx; the process is killed when the test ends, however it ends. */
export function startTsx(t: TestContext, script: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}
