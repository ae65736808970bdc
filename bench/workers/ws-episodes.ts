/**
 * Section 3 client: full reference-solver episodes over /ws with C concurrent sessions, each a RemoteEnv
 * (the product's WS client) running runEpisode(reference) on one connection, episode after episode.
 * Episodes come from a fixed pool of (task, seed) pairs in task round-robin order, so any run of
 * consecutive episodes is a near-uniform T1-T10 mix, and the episode floor can replay the same episodes.
 *
 * mode 'record': runs every pool episode once and writes the frames each received (client-side capture)
 *   for bench/floor-server.ts; doubles as the server's warm-up.
 * mode 'measure': warm-up, then `runs` windows; episodes (and rows = N) completed per second in each,
 *   with the server's and this client's CPU% over the window.
 */
import type WebSocket from 'ws';
import { reference } from '../../src/agents/reference.js';
import { runEpisode } from '../../src/agents/runner.js';
import { connectRemote, type RemoteEnv } from '../../src/client/ws-client.js';
import { cpuWindow } from '../lib/proc.js';
import { episodeKey, type Recordings, writeRecordings } from '../lib/recordings.js';
import { emit, runWorker, windows, workerArgs } from '../lib/worker.js';

interface Args {
  url: string;
  mode: 'record' | 'measure';
  sessions: number;
  pool: Array<[string, number]>;
  serverPid: number;
  runs?: number;
  windowS?: number;
  warmupS?: number;
  recordFile?: string;
}

/** The socket under a RemoteEnv (private in the client; read here only to capture raw frames). */
const socketOf = (env: RemoteEnv) => (env as unknown as { socket: WebSocket }).socket;

runWorker(async () => {
  const a = workerArgs<Args>();
  const envs = await Promise.all(Array.from({ length: a.sessions }, () => connectRemote(a.url)));
  let next = 0;
  let failures = 0;
  let firstFailure = '';
  const fail = (why: string) => {
    failures += 1;
    if (firstFailure === '') firstFailure = why;
  };

  if (a.mode === 'record') {
    const recs: Recordings = new Map();
    await Promise.all(
      envs.map(async (env) => {
        let frames: Buffer[] = [];
        socketOf(env).on('message', (raw: Buffer) => frames.push(Buffer.from(raw)));
        for (;;) {
          const i = next++;
          if (i >= a.pool.length) return;
          const [task_id, seed] = a.pool[i]!;
          frames = [];
          const r = await runEpisode(env, reference, { task_id, seed });
          if (r.score !== 100) fail(`${task_id} seed ${seed} scored ${r.score}`);
          recs.set(episodeKey(task_id, seed), frames);
        }
      }),
    );
    writeRecordings(a.recordFile!, recs);
    let bytes = 0;
    let frames = 0;
    for (const f of recs.values()) {
      frames += f.length;
      for (const b of f) bytes += b.length;
    }
    await Promise.all(envs.map((e) => e.close()));
    emit('result', { episodes: recs.size, frames, bytes, failures, first_failure: firstFailure });
    return;
  }

  let counting = false;
  let stop = false;
  let episodes = 0;
  let rows = 0;
  const loops = envs.map(async (env) => {
    while (!stop) {
      const [task_id, seed] = a.pool[next++ % a.pool.length]!;
      const r = await runEpisode(env, reference, { task_id, seed });
      if (r.score !== 100) fail(`${task_id} seed ${seed} scored ${r.score}`);
      if (counting) {
        episodes += 1;
        rows += r.evidence.n as number;
      }
    }
  });
  let w: ReturnType<typeof cpuWindow> | null = null;
  const runs = await windows(
    { warmupS: a.warmupS!, windowS: a.windowS!, runs: a.runs! },
    () => {
      episodes = 0;
      rows = 0;
      counting = true;
      w = cpuWindow([a.serverPid, process.pid]);
    },
    () => {
      const cw = w!.stop();
      counting = false;
      return {
        eps: episodes / cw.wallS,
        rows_per_s: rows / cw.wallS,
        episodes,
        server_cpu: cw.cpuPct[a.serverPid]!,
        client_cpu: cw.cpuPct[process.pid]!,
      };
    },
  );
  stop = true;
  await Promise.all(loops);
  await Promise.all(envs.map((e) => e.close()));
  emit('result', { runs, failures, first_failure: firstFailure });
});
