/**
 * Section 3 client: full episodes over /ws with C concurrent sessions, episode after episode on each
 * connection. Episodes come from a fixed pool of (task, seed) pairs in task round-robin order, so any run of
 * consecutive episodes is a near-uniform T1-T10 mix, and the floor can replay the same episodes.
 *
 * mode 'record': every pool episode once with the solver; writes the frames each session sent and
 *   received (client-side capture) for bench/floor-server.ts and for 'replay'; doubles as a warm-up.
 * mode 'solver': each session a RemoteEnv (the product's WS client) running runEpisode(reference); the
 *   client parses every reply, so it can be the bottleneck (its CPU% says when).
 * mode 'replay': each session sends the recorded requests of each episode, one at a time, and waits for
 *   each reply without parsing it: the same server work with a much lighter client. Against our server the
 *   reply sizes must equal the recorded ones (the episode id differs, its length does not), else the
 *   episode counts as a mismatch.
 * 'solver' and 'replay' warm up, then run `runs` windows: episodes (and rows = N) completed per second in
 * each, with the server's and this client's CPU% over the window.
 */
import WebSocket from 'ws';
import { reference } from '../../src/agents/reference.js';
import { runEpisode } from '../../src/agents/runner.js';
import { connectRemote, type RemoteEnv } from '../../src/client/ws-client.js';
import { cpuWindow } from '../lib/proc.js';
import { episodeKey, readRecordings, type Recordings, writeRecordings } from '../lib/recordings.js';
import { cpuFields, emit, Gate, lockstep, runWorker, windows, workerArgs } from '../lib/worker.js';

interface Args {
  url: string;
  mode: 'record' | 'solver' | 'replay';
  sessions: number;
  pool: Array<[string, number]>;
  /** N of each pool episode by key (for rows/s in replay mode). */
  sizes?: Record<string, number>;
  serverPid: number;
  runs?: number;
  windowS?: number;
  warmupS?: number;
  recordFile?: string;
  paired?: boolean;
  rewarmS?: number;
}

/** The socket under a RemoteEnv (private in the client; read here only to capture raw frames). */
const socketOf = (env: RemoteEnv) => (env as unknown as { socket: WebSocket }).socket;

runWorker(async () => {
  const a = workerArgs<Args>();
  let next = 0;
  let failures = 0;
  let firstFailure = '';
  const fail = (why: string) => {
    failures += 1;
    if (firstFailure === '') firstFailure = why;
  };

  if (a.mode === 'record') {
    const envs = await Promise.all(Array.from({ length: a.sessions }, () => connectRemote(a.url)));
    const recs: Recordings = new Map();
    const sizes: Record<string, number> = {};
    await Promise.all(
      envs.map(async (env) => {
        let replies: Buffer[] = [];
        let requests: Buffer[] = [];
        const socket = socketOf(env);
        socket.on('message', (raw: Buffer) => replies.push(Buffer.from(raw)));
        const send = socket.send.bind(socket) as (data: string, cb?: (err?: Error) => void) => void;
        (socket as unknown as { send: typeof send }).send = (data, cb) => {
          requests.push(Buffer.from(data));
          send(data, cb);
        };
        for (;;) {
          const i = next++;
          if (i >= a.pool.length) {
            replies = [];
            requests = []; // the close frame that follows belongs to no episode
            return;
          }
          const [task_id, seed] = a.pool[i]!;
          replies = [];
          requests = [];
          const r = await runEpisode(env, reference, { task_id, seed });
          if (r.score !== 100) fail(`${task_id} seed ${seed} scored ${r.score}`);
          recs.set(episodeKey(task_id, seed), { replies, requests });
          sizes[episodeKey(task_id, seed)] = r.evidence.n ?? 0;
        }
      }),
    );
    writeRecordings(a.recordFile!, recs);
    let bytes = 0;
    let frames = 0;
    for (const r of recs.values()) {
      frames += r.replies.length;
      for (const b of r.replies) bytes += b.length;
    }
    await Promise.all(envs.map((e) => e.close()));
    emit('result', { episodes: recs.size, frames, bytes, sizes, failures, first_failure: firstFailure });
    return;
  }

  let counting = false;
  let stop = false;
  const gate = new Gate(a.sessions);
  let episodes = 0;
  let rows = 0;
  const done = (n: number) => {
    if (counting) {
      episodes += 1;
      rows += n;
    }
  };

  let loops: Array<Promise<void>>;
  let closeAll: () => Promise<void>;
  if (a.mode === 'solver') {
    const envs = await Promise.all(Array.from({ length: a.sessions }, () => connectRemote(a.url)));
    loops = envs.map(async (env) => {
      while (!stop) {
        await gate.pass();
        const [task_id, seed] = a.pool[next++ % a.pool.length]!;
        const r = await runEpisode(env, reference, { task_id, seed });
        if (r.score !== 100) fail(`${task_id} seed ${seed} scored ${r.score}`);
        done(r.evidence.n ?? 0);
      }
    });
    closeAll = async () => {
      await Promise.all(envs.map((e) => e.close()));
    };
  } else {
    const recs = readRecordings(a.recordFile!);
    const sockets = await Promise.all(
      Array.from(
        { length: a.sessions },
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(`${a.url.replace(/^http/, 'ws')}/ws`, {
              maxPayload: 256 * 1024 * 1024,
              skipUTF8Validation: true,
            });
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    loops = sockets.map(async (ws) => {
      const ask = lockstep(ws);
      while (!stop) {
        await gate.pass();
        const [task_id, seed] = a.pool[next++ % a.pool.length]!;
        const key = episodeKey(task_id, seed);
        const rec = recs.get(key)!;
        let same = true;
        for (let i = 0; i < rec.requests.length; i++) {
          const reply = await ask(rec.requests[i]!);
          if (reply.length !== rec.replies[i]!.length) same = false;
        }
        if (!same) fail(`${key}: reply sizes differ from the recording`);
        done(a.sizes?.[key] ?? 0);
      }
    });
    closeAll = async () => {
      for (const ws of sockets) ws.terminate();
    };
  }

  let w: ReturnType<typeof cpuWindow> | null = null;
  const runs = await windows(
    {
      warmupS: a.warmupS!,
      windowS: a.windowS!,
      runs: a.runs!,
      paired: a.paired ?? false,
      rewarmS: a.rewarmS,
    },
    gate,
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
        ...cpuFields(cw, a.serverPid),
      };
    },
  );
  stop = true;
  await Promise.all(loops);
  await closeAll();
  emit('result', { runs, failures, first_failure: firstFailure });
});
