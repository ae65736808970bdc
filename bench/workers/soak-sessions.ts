/**
 * Soak client (bench/soak.ts): a share of the soak's /ws sessions, each running episode after episode
 * until told to stop. Most sessions run the reference solver or a persona on a seeded mix of tasks, seeds,
 * profiles and result formats, and every result must equal the in-process result of the same episode
 * (src/agents/in-process.ts), breakdown included; some sessions reconnect after every episode; a few reset
 * and then stay silent until the server's idle reaper closes them (1000 "session idle timeout"), then
 * come back.
 *
 * Phases: the harness writes `run` and `stop` on stdin; at `stop` every session finishes its episode and
 * closes, and the worker says `stopped`. Every `reportS` seconds it says `tick` with its running totals.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import WebSocket from 'ws';
import { InProcessEnv } from '../../src/env/in-process.js';
import { agents } from '../../src/agents/index.js';
import { runEpisode } from '../../src/agents/runner.js';
import { RemoteEnv } from '../../src/client/ws-client.js';
import type { EnvConnection } from '../../src/env/connection.js';
import { loadTasks } from '../../src/env/task-catalog.js';
import { zeroCounts } from '../lib/soak-totals.js';
import { emit, runWorker, sleep, waitFor, workerArgs } from '../lib/worker.js';

interface Args {
  url: string;
  /** Global index of this worker's first session (kinds and seeds follow the global index). */
  first: number;
  sessions: number;
  /** Every k-th session idles until reaped (0: none). */
  idleEvery: number;
  /** Every k-th session reconnects after each episode (0: none). */
  churnEvery: number;
  idleTimeoutS: number;
  /** Mean pause before each tool call (an agent's turn), jittered ±50 %; 0 for none. */
  thinkMs: number;
  reportS: number;
  phases: number;
}

/** The reference solver most of the time, else a persona (the flawed solver or an attacker). */
const MIX: ReadonlyArray<readonly [number, string]> = [
  [50, 'reference'],
  [5, 'no-retry'],
  [5, 'premature-retry'],
  [5, 'no-dedup'],
  [5, 'keep-totals'],
  [5, 'single-pass'],
  [5, 'default-page-size'],
  [4, 'no-log'],
  [4, 'keyword-stuffer'],
  [4, 'fake-log'],
  [4, 'fabricator'],
  [3, 'no-refresh'],
  [3, 'no-timeout-retry'],
  [3, 'cursor-restart-from-zero'],
  [2, 'superset'],
  [2, 'empty'],
];
/**
 * Seeds 0-9: with the agents, tasks and profiles, about 4,200 distinct episodes, whose in-process results
 * each client computes once (mostly during the warm-up), so checking results does not starve the client.
 */
const SEEDS = 10;
/**
 * Handshake timeout: a saturated machine can take seconds to complete an upgrade; the slowest handshake is
 * reported, and only one that never completes is an error.
 */
const HANDSHAKE_TIMEOUT_MS = 60_000;
/** Delay between the first connections of successive sessions at the start of a phase. */
const STAGGER_MS = 4;
const STOP_GRACE_MS = 120_000;

const catalog = loadTasks();
const registry = agents(catalog);
const local = new InProcessEnv(catalog);
const expected = new Map<string, string>();

runWorker(async () => {
  const a = workerArgs<Args>();
  const totals = zeroCounts();
  // This client's own event-loop delay: high values mean the client, not the server, was the bottleneck.
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  const readLag = () => {
    totals.client_lag_p99_ms = lag.percentile(99) / 1e6;
    totals.client_lag_max_ms = lag.max / 1e6;
  };
  const firstErrors: string[] = [];
  /** Errors by kind: the message with its numbers and quoted values taken out. */
  const kinds: Record<string, number> = {};
  const fail = (why: string) => {
    totals.errors += 1;
    if (firstErrors.length < 5) firstErrors.push(why);
    const kind = why.replace(/\{.*?\}|"[^"]*"|'[^']*'|\d+(\.\d+)?/g, '#').slice(0, 160);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  };
  const connect = async (resultFormat: 'full' | 'compact') => {
    const t0 = performance.now();
    const env = await RemoteEnv.connect(a.url, { resultFormat, timeoutMs: HANDSHAKE_TIMEOUT_MS });
    totals.slowest_handshake_ms = Math.max(totals.slowest_handshake_ms, performance.now() - t0);
    return env;
  };
  let stop = false;
  /** Resolves when the current phase stops (wakes idle sessions). */
  let stopSignal: Promise<'stop'> = Promise.resolve('stop');

  const pick = (rng: () => number) => {
    let x = rng() * MIX.reduce((s, [w]) => s + w, 0);
    let agent = MIX[0]![1];
    for (const [w, name] of MIX) {
      x -= w;
      if (x < 0) {
        agent = name;
        break;
      }
    }
    return {
      agent,
      task_id: catalog.ids[Math.floor(rng() * catalog.ids.length)]!,
      seed: Math.floor(rng() * SEEDS),
      profile: rng() < 0.2 ? 'llm' : 'default',
    };
  };

  /** The in-process result of an episode (computed once per episode). */
  const expect = async (job: ReturnType<typeof pick>): Promise<string> => {
    const key = `${job.agent}|${job.task_id}|${job.seed}|${job.profile}`;
    let e = expected.get(key);
    if (e === undefined) {
      e = JSON.stringify(await runEpisode(local, registry.get(job.agent)!, job));
      expected.set(key, e);
    }
    return e;
  };

  const active = async (index: number, rng: () => number) => {
    // Mostly compact (the client parses a third of the bytes); one session in four asks for full.
    const resultFormat = index % 4 === 0 ? 'full' : 'compact';
    const churn = a.churnEvery > 0 && index % a.churnEvery === 1;
    let env: RemoteEnv | null = null;
    // Sessions open over the first seconds of a phase, not all at once (a burst larger than the server's
    // listen backlog would wait on SYN retransmits, seconds each).
    await sleep((index - a.first) * STAGGER_MS);
    while (!stop) {
      const job = pick(rng);
      try {
        env ??= await connect(resultFormat);
        const remote: RemoteEnv = env;
        const agentSide: EnvConnection =
          a.thinkMs > 0
            ? {
                reset: (o) => remote.reset(o),
                close: () => remote.close(),
                callTool: async (name, args) => {
                  await sleep(a.thinkMs * (0.5 + rng()));
                  return remote.callTool(name, args);
                },
              }
            : remote;
        const got = JSON.stringify(await runEpisode(agentSide, registry.get(job.agent)!, job));
        const want = await expect(job);
        if (got !== want) fail(`session ${index} ${JSON.stringify(job)}: result ${got} instead of ${want}`);
        totals.episodes += 1;
        totals.rows += Number((JSON.parse(got) as { evidence: { n?: number } }).evidence.n ?? 0);
        if (churn) {
          await env.close();
          env = null;
          totals.reconnects += 1;
        }
      } catch (e) {
        fail(`session ${index} ${JSON.stringify(job)}: ${(e as Error).message}`);
        await env?.close().catch(() => {});
        env = null;
        await sleep(100);
      }
    }
    await env?.close();
  };

  const idle = async (index: number) => {
    while (!stop) {
      const ws = new WebSocket(`${a.url.replace(/^http/, 'ws')}/ws`);
      const closed = new Promise<{ code: number; reason: string }>((r) =>
        ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
      );
      ws.on('error', () => {});
      try {
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        const reply = new Promise<string>((r) => ws.once('message', (d) => r(d.toString())));
        ws.send(JSON.stringify({ type: 'reset', data: { task_id: 'T1_single_page', seed: index } }));
        if (!(await reply).startsWith('{"type":"observation"')) fail(`idle session ${index}: reset failed`);
      } catch (e) {
        fail(`idle session ${index}: ${(e as Error).message}`);
        await sleep(100);
        continue;
      }
      const limit = sleep((a.idleTimeoutS * 3 + 10) * 1000).then(() => 'late' as const);
      const outcome = await Promise.race([closed, stopSignal, limit]);
      if (outcome === 'stop') {
        ws.close();
        await closed;
      } else if (outcome === 'late') {
        fail(`idle session ${index}: not reaped within ${a.idleTimeoutS * 3 + 10} s`);
        ws.terminate();
      } else if (outcome.code === 1000 && outcome.reason === 'session idle timeout') totals.reaped += 1;
      else fail(`idle session ${index}: closed ${outcome.code} ${outcome.reason}`);
    }
  };

  const ticker = setInterval(() => {
    readLag();
    emit('tick', { ...totals, first_errors: firstErrors, error_kinds: kinds });
  }, a.reportS * 1000);
  const rngs = Array.from({ length: a.sessions }, (_, i) => seedrandom(`soak-${a.first + i}`));
  for (let phase = 0; phase < a.phases; phase++) {
    await waitFor('run');
    stop = false;
    let phaseStop: () => void = () => {};
    stopSignal = new Promise((r) => {
      phaseStop = () => r('stop');
    });
    const lanes = rngs.map((rng, i) => {
      const index = a.first + i;
      return a.idleEvery > 0 && index % a.idleEvery === 0 ? idle(index) : active(index, rng);
    });
    await waitFor('stop');
    stop = true;
    phaseStop();
    const late = await Promise.race([
      Promise.all(lanes).then(() => false),
      sleep(STOP_GRACE_MS).then(() => true),
    ]);
    if (late) fail(`sessions still running ${STOP_GRACE_MS / 1000} s after stop`);
    readLag();
    emit('stopped', { ...totals, first_errors: firstErrors, error_kinds: kinds });
  }
  clearInterval(ticker);
  emit('result', {
    ...totals,
    first_errors: firstErrors,
    error_kinds: kinds,
    expected_episodes: expected.size,
  });
});
