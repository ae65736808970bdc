/**
 * How a model's episode ends, run against a live server over /ws (`--url`) so that the server's own
 * sessions show it: a model that never submits ends at --max-turns (end_reason max_turns, score 0), one
 * whose conversation outgrows the provider's context ends with context_overflow (score 0), and either way
 * the server's episode is closed and its session freed. A turn without a tool call counts and is answered
 * with the nudge. Over /ws, an honest model gets exactly the in-process replies and score, and every
 * trajectory rescores exactly.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { ComtradeEnvironment } from '../../src/env/environment.js';
import { SessionStore } from '../../src/env/sessions.js';
import { NO_TOOL_CALL_NUDGE } from '../../src/eval/prompt.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig } from '../server/helpers.js';
import { captureIo, type CliRun, cli, evalFlags } from './helpers.js';
import { FakeProvider, type FakeProviderOptions } from './fake-provider.js';
import { policy } from './scripts.js';

/** A session store that keeps every environment it opened, to read their episodes afterwards. */
class WatchedStore extends SessionStore {
  readonly envs: ComtradeEnvironment[] = [];
  override open(...args: Parameters<SessionStore['open']>) {
    const s = super.open(...args);
    this.envs.push(s.env);
    return s;
  }
}

let store: WatchedStore;
let app: FastifyInstance;
let base: string;
const providers: FakeProvider[] = [];

async function evalWith(opts: FakeProviderOptions, args: string[]): Promise<CliRun> {
  const p = await FakeProvider.start(opts);
  providers.push(p);
  return cli('eval', evalFlags(p.baseUrl, 'fake', args));
}

beforeAll(async () => {
  store = new WatchedStore({ catalog, capacity: 64, idleTimeoutMs: 600_000 });
  app = buildApp(testConfig(), { store });
  base = await listen(app);
});
afterAll(async () => {
  for (const p of providers) await p.close();
  await app.close();
});

/** Every episode the server ran for this run has ended with `reason`, and no session is left open. */
function serverEpisodesEnded(from: number, reason: string): void {
  const envs = store.envs.slice(from);
  expect(envs.length).toBeGreaterThan(0);
  for (const env of envs) expect(env.episode?.endReason).toBe(reason);
  expect(store.size).toBe(0);
}

async function rescores(run: CliRun): Promise<void> {
  const io = captureIo();
  expect(await runCli(['rescore', join(run.dir, 'trajectories.jsonl')], io), io.stdout + io.stderr).toBe(0);
}

describe('episode endings', () => {
  it('a model that never submits ends at --max-turns with score 0, its episode closed', async () => {
    const from = store.envs.length;
    const run = await evalWith({ script: policy({ submit: false }) }, [
      '--tasks',
      'T4',
      '--seeds',
      '0..1',
      '--max-turns',
      '30',
      '--url',
      base,
    ]);
    expect(run.code, run.io.stderr).toBe(0);
    for (const e of run.episodes) {
      expect(e).toMatchObject({ end_reason: 'max_turns', score: 0, turns: 30 });
      expect(Object.values(e.dimensions)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(e.requests).toBeGreaterThan(0);
    }
    serverEpisodesEnded(from, 'closed');
    await rescores(run);
  });

  it('a conversation the provider refuses as too long ends as context_overflow with score 0', async () => {
    const from = store.envs.length;
    const run = await evalWith({ script: policy(), contextChars: 12_000 }, [
      '--tasks',
      'T7',
      '--seeds',
      '0..1',
      '--url',
      base,
    ]);
    expect(run.code, run.io.stderr).toBe(0);
    for (const e of run.episodes) {
      expect(e).toMatchObject({ end_reason: 'context_overflow', score: 0 });
      expect(e.turns).toBeLessThan(60);
    }
    serverEpisodesEnded(from, 'closed');
    await rescores(run);
  });

  it('a turn without a tool call counts and is answered with the nudge; the model still scores', async () => {
    const honest = await evalWith({ script: policy() }, ['--tasks', 'T1', '--seeds', '3']);
    const chatty = await evalWith({ script: policy({ chattyFirst: true }) }, [
      '--tasks',
      'T1',
      '--seeds',
      '3',
    ]);
    const [h, c] = [honest.episodes[0]!, chatty.episodes[0]!];
    expect(c.turns).toBe(h.turns! + 1);
    expect(c.score).toBe(h.score);
    expect(c.score).toBeGreaterThanOrEqual(99);
    const conversation = chatty.trajectories[0]!.conversation as Array<{ role: string; content: unknown }>;
    expect(conversation.slice(2, 4)).toEqual([
      { role: 'assistant', content: 'First I will read the task carefully.' },
      { role: 'user', content: NO_TOOL_CALL_NUDGE },
    ]);
  });

  it('an honest model gets the same replies and score over /ws as in-process, and its episode ends submitted', async () => {
    const from = store.envs.length;
    const jobs = ['--tasks', 'T4,T8', '--seeds', '2'];
    const remote = await evalWith({ script: policy() }, [...jobs, '--url', base]);
    const local = await evalWith({ script: policy() }, jobs);
    expect(remote.code, remote.io.stderr).toBe(0);
    const view = (r: CliRun) =>
      r.trajectories.map((t) => ({
        score: t.score,
        calls: t.calls.map((c) => [c.name, c.arguments, c.reply]),
      }));
    const withoutIds = (v: unknown) =>
      JSON.parse(JSON.stringify(v).replace(/"episode_id":"[^"]*"/g, '"episode_id":""'));
    expect(withoutIds(view(remote))).toEqual(withoutIds(view(local)));
    serverEpisodesEnded(from, 'submitted');
    await rescores(remote);
  });
});
