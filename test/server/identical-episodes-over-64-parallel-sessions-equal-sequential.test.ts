/**
 * Isolation under load: episodes are recorded once, sequentially, over one /ws connection (each a
 * (task, seed, agent, result format) with the exact frames the agent sent). Then 64 /ws sessions replay
 * those frames at the same time, eight sessions per episode, so identical episodes run side by side on
 * one server. Every session gets byte for byte the replies of the sequential run (its episode id aside),
 * so its breakdown too. Complements remote-agents-over-ws-score-like-in-process.test.ts, which runs
 * different episodes in parallel and compares scores with in-process runs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { agents } from '../../src/agents/index.js';
import { runEpisode } from '../../src/agents/runner.js';
import { type StepTriple, toolReplyOf } from '../../src/env/connection.js';
import type { EnvConnection } from '../../src/env/connection.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig } from './helpers.js';

const app = buildApp(testConfig(), { catalog });
let base = '';
beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

interface Job {
  readonly agent: string;
  readonly task_id: string;
  readonly seed: number;
  readonly format: 'full' | 'compact';
}

/**
 * Eight episodes: the reference solver and flawed agents, faults of every kind (expiring tokens, timeouts
 * and expiring cursors included), both result formats.
 */
const JOBS: readonly Job[] = [
  { agent: 'reference', task_id: 'T4_rate_limit_429', seed: 11, format: 'full' },
  { agent: 'reference', task_id: 'T6_page_drift', seed: 12, format: 'compact' },
  { agent: 'reference', task_id: 'T9_adaptive_adversary', seed: 13, format: 'full' },
  { agent: 'no-dedup', task_id: 'T8_mixed_faults', seed: 14, format: 'compact' },
  { agent: 'keep-totals', task_id: 'T7_totals_trap', seed: 15, format: 'full' },
  { agent: 'no-timeout-retry', task_id: 'T14_timeouts', seed: 16, format: 'full' },
  { agent: 'reference', task_id: 'T11_auth_expiry', seed: 17, format: 'compact' },
  { agent: 'cursor-restart-from-zero', task_id: 'T16_cursor_pagination', seed: 18, format: 'full' },
];
const SESSIONS = 64;

/** Server-made episode ids differ between sessions; nothing else in a reply may. */
const withoutId = (text: string, id: string) => text.split(id).join('<episode>');

async function open(): Promise<{ ask: (frame: string) => Promise<string>; socket: WebSocket }> {
  const socket = new WebSocket(`${base}/ws`, { maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waiting: Array<(t: string) => void> = [];
  socket.on('message', (d) => waiting.shift()?.(d.toString()));
  return {
    socket,
    ask: (frame) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        socket.send(frame);
      }),
  };
}

interface Recording {
  readonly frames: string[];
  readonly replies: string[];
}

/** Runs a job's agent on one connection, keeping the frames it sent and the replies (ids removed). */
async function record(ask: (frame: string) => Promise<string>, job: Job): Promise<Recording> {
  const frames: string[] = [];
  const replies: string[] = [];
  let id = '';
  const exchange = async (msg: unknown) => {
    const frame = JSON.stringify(msg);
    frames.push(frame);
    const reply = await ask(frame);
    const data = (JSON.parse(reply) as { data: StepTriple }).data;
    if (id === '') id = data.observation.episode_id as string;
    replies.push(withoutId(reply, id));
    return data;
  };
  const env: EnvConnection = {
    reset: async (o) =>
      (
        await exchange({
          type: 'reset',
          data: { task_id: o.task_id, seed: o.seed, result_format: job.format },
        })
      ).observation,
    callTool: async (name, args) =>
      toolReplyOf(
        await exchange({ type: 'step', data: { type: 'call_tool', tool_name: name, arguments: args } }),
      ),
    close: async () => {},
  };
  await runEpisode(env, agents(catalog).get(job.agent)!, job);
  return { frames, replies };
}

/** Replays a recording's frames on one connection; returns the replies (ids removed). */
async function replay(ask: (frame: string) => Promise<string>, rec: Recording): Promise<string[]> {
  const replies: string[] = [];
  let id = '';
  for (const frame of rec.frames) {
    const reply = await ask(frame);
    if (id === '') id = (JSON.parse(reply) as { data: StepTriple }).data.observation.episode_id as string;
    replies.push(withoutId(reply, id));
  }
  return replies;
}

const breakdownOf = (replies: readonly string[]): unknown => {
  const last = JSON.parse(replies[replies.length - 1]!.replace(/<episode>/g, 'x')) as { data: StepTriple };
  return toolReplyOf(last.data).value?.breakdown;
};

it(`${SESSIONS} /ws sessions replaying ${JOBS.length} episodes at once get exactly the sequential replies and breakdowns`, async () => {
  const one = await open();
  const sequential: Recording[] = [];
  for (const job of JOBS) sequential.push(await record(one.ask, job));
  one.socket.close();
  // The recorded episodes end with a scored submission, and differ from each other.
  const breakdowns = sequential.map((r) => breakdownOf(r.replies) as { score: number });
  expect(breakdowns.every((b) => typeof b.score === 'number')).toBe(true);
  expect(breakdowns.map((b) => b.score)).toContain(100);
  expect(new Set(breakdowns.map((b) => b.score)).size).toBeGreaterThan(2);

  const sockets = await Promise.all(Array.from({ length: SESSIONS }, open));
  const parallel = await Promise.all(sockets.map((s, i) => replay(s.ask, sequential[i % JOBS.length]!)));
  for (const s of sockets) s.socket.close();

  parallel.forEach((replies, i) => {
    const want = sequential[i % JOBS.length]!;
    expect({ session: i, breakdown: breakdownOf(replies) }).toEqual({
      session: i,
      breakdown: breakdownOf(want.replies),
    });
    expect({ session: i, replies }).toEqual({ session: i, replies: want.replies });
  });
});
