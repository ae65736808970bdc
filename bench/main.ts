/**
 * npm run bench [-- --json FILE] [--quick] [--only section,...] [--runs N] [--profile DIR]
 *
 * The performance harness of issue 4. The server under test is the built code (`node dist/src/server/main.js`,
 * rebuilt first when src/ is newer than dist/), pinned to core 0 with taskset; load clients are separate node
 * processes pinned to core 1; the harness itself sits on core 1 and idles while a load runs. Every figure is
 * the median and range (min–max) over repeated runs; load figures carry the server's and the client's CPU%
 * over the same window (/proc/<pid>/stat utime + stime). A ratio to the floor is void when the load client
 * was more than 90 % busy (median over runs) in our run or the floor's.
 *
 * Sections (--only): inprocess, judge, ws-episodes, ws-steps, http, memory. The floor (bench/floor-server.ts)
 * runs inside ws-episodes, ws-steps and http, with the same clients, between our runs.
 * --profile DIR writes a V8 CPU profile of each server (and of the inprocess and judge workers) under DIR
 * and prints the top self-time functions; figures taken with --profile are perturbed by the profiler.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTasks } from '../src/env/task-catalog.js';
import { ensureBuilt, newestSrcMs } from './lib/build.js';
import { captureSmall } from './lib/capture.js';
import { collectGarbage, memoryUsage, withInspector } from './lib/inspector.js';
import { machine, rssBytes, waitQuiet } from './lib/proc.js';
import { profilesIn, type ProfileSummary, summariseProfile } from './lib/profile.js';
import { fmt, medRange, printTable, printTargets, type Row, type TargetResult } from './lib/report.js';
import { ROOT, runWorker, type Server, serverNodeFlags, startServer, type WorkerEvent } from './lib/spawn.js';
import { ratio, type Summary, summarise } from './lib/stats.js';

const SECTIONS = ['inprocess', 'judge', 'ws-episodes', 'ws-steps', 'http', 'memory'] as const;
type Section = (typeof SECTIONS)[number];

const SERVER_CPU = 0;
const CLIENT_CPU = 1;
const VOID_CLIENT_PCT = 90;
/** Before each section, wait up to QUIET_MAX_S for the rest of the machine to use < QUIET_PCT % CPU. */
const QUIET_PCT = 15;
const QUIET_MAX_S = 90;
/** A load figure is flagged when the rest of the machine used more than this (median over runs). */
const NOISY_PCT = 15;

// ---------------------------------------------------------------------------------------------------------
// Options

interface Options {
  json: string | null;
  quick: boolean;
  only: Set<Section>;
  runs: number | null;
  profile: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: null, quick: false, only: new Set(SECTIONS), runs: null, profile: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--json') o.json = resolve(value());
    else if (a === '--quick') o.quick = true;
    else if (a === '--runs') o.runs = Number(value());
    else if (a === '--profile') o.profile = resolve(value());
    else if (a === '--only') {
      const names = value()
        .split(',')
        .map((s) => s.trim());
      for (const n of names)
        if (!(SECTIONS as readonly string[]).includes(n))
          throw new Error(`--only: unknown section '${n}'; sections: ${SECTIONS.join(', ')}`);
      o.only = new Set(names as Section[]);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(
        `npm run bench [-- --json FILE] [--quick] [--only ${SECTIONS.join(',')}] [--runs N] [--profile DIR]\n`,
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.runs !== null && !(Number.isInteger(o.runs) && o.runs >= 1))
    throw new Error('--runs takes an integer ≥ 1');
  return o;
}

/** Durations and sizes: the default run takes about 7 minutes on this machine, --quick under 2. */
function plan(quick: boolean, runsOverride: number | null) {
  const runs = runsOverride ?? (quick ? 3 : 5);
  return quick
    ? {
        runs,
        inprocess: { mixedWindowS: 0.5, taskWindowS: 0.1, warmupS: 0.8 },
        judge: { reps: 30, warmupReps: 15 },
        wsEpisodes: {
          windowS: 0.4,
          warmupS: 0.3,
          rewarmS: 0.2,
          seedsPerTask: 5,
          sessions: [1, 16, 64],
          replaySessions: [16],
          recordSessions: 16,
        },
        wsSteps: { windowS: 0.4, warmupS: 0.5, rewarmS: 0.2, sessions: [1, 64], resetEvery: 300 },
        http: { windowS: 0.4, warmupS: 1, rewarmS: 0.2, connections: 16, resetEvery: 300 },
        memory: { idle: 10_000, active: 1_000, runs: Math.min(runs, 1), batch: 256, warmup: 200 },
      }
    : {
        runs,
        inprocess: { mixedWindowS: 1.5, taskWindowS: 0.4, warmupS: 2 },
        judge: { reps: 100, warmupReps: 40 },
        wsEpisodes: {
          windowS: 1.5,
          warmupS: 1,
          rewarmS: 0.3,
          seedsPerTask: 30,
          sessions: [1, 16, 64],
          replaySessions: [16, 64],
          recordSessions: 16,
        },
        wsSteps: { windowS: 2, warmupS: 1.5, rewarmS: 0.3, sessions: [1, 64], resetEvery: 300 },
        http: { windowS: 2, warmupS: 1.5, rewarmS: 0.3, connections: 16, resetEvery: 300 },
        memory: { idle: 10_000, active: 1_000, runs, batch: 256, warmup: 200 },
      };
}
type Plan = ReturnType<typeof plan>;

// ---------------------------------------------------------------------------------------------------------
// Build and provenance

function git(): { head: string; dirty_src_files: number } {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'tasks'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    return { head, dirty_src_files: dirty };
  } catch {
    return { head: 'unknown', dirty_src_files: -1 };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
type RunRecord = Record<string, number>;
const col = (runs: readonly RunRecord[], key: string): Summary => summarise(runs.map((r) => r[key]!));

let logDir = '';
let profileRoot: string | null = null;
const profileDir = (label: string) => {
  if (profileRoot === null) return undefined;
  const d = join(profileRoot, label);
  mkdirSync(d, { recursive: true });
  return d;
};

function realServer(label: string, env: Record<string, string> = {}, inspect = false): Promise<Server> {
  return startServer({
    label,
    kind: 'real',
    cpu: SERVER_CPU,
    logDir,
    profileDir: inspect ? undefined : profileDir(label),
    inspect,
    env: { MAX_CONCURRENT_ENVS: '200000', LOG_LEVEL: 'info', ...env },
  });
}

function floorServer(label: string, small: string, recordings?: string): Promise<Server> {
  return startServer({
    label,
    kind: 'floor',
    cpu: SERVER_CPU,
    logDir,
    env: { FLOOR_SMALL: small, ...(recordings ? { FLOOR_RECORDINGS: recordings } : {}) },
  });
}

/** A load client; with --profile its own CPU profile goes under client-<label>. */
function client(
  name: string,
  args: Record<string, unknown>,
  timeoutS: number,
  label: string,
): Promise<WorkerEvent> {
  return runWorker(name, args, { cpu: CLIENT_CPU, timeoutS, profileDir: profileDir(`client-${label}`) });
}

/**
 * The same client against our server and against the floor, both processes started together and their
 * windows alternated (ours, floor, floor, ours, ...), so that run i of each is measured side by side in
 * time and a slow phase of the machine lands on both. Resolves with [ours, floor].
 */
async function paired(
  name: string,
  args: Record<string, unknown>,
  ours: Server,
  floor: Server,
  runs: number,
  timeoutS: number,
  label: string,
): Promise<[WorkerEvent, WorkerEvent]> {
  const control = (server: Server, tag: string) => {
    let ready!: () => void;
    const readyP = new Promise<void>((r) => {
      ready = r;
    });
    let windowDone: (() => void) | null = null;
    let sendLine: ((line: string) => void) | null = null;
    const result = runWorker(
      name,
      { ...args, url: server.url, serverPid: server.pid, paired: true },
      {
        cpu: CLIENT_CPU,
        timeoutS,
        profileDir: profileDir(`client-${tag}`),
        onEvent: (e, send) => {
          sendLine = send;
          if (e.event === 'ready') ready();
          else if (e.event === 'window') windowDone?.();
        },
      },
    );
    const window = () =>
      new Promise<void>((r) => {
        windowDone = r;
        sendLine!('go');
      });
    return { ready: readyP, window, result };
  };
  const a = control(ours, label);
  const b = control(floor, `${label}-floor`);
  // A failed worker rejects its result: stop waiting for the other side then.
  const failed = Promise.race([a.result, b.result]).then(
    () => new Promise<never>(() => undefined),
    (e: unknown) => Promise.reject(e),
  );
  await Promise.race([Promise.all([a.ready, b.ready]), failed]);
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? [a, b] : [b, a];
    for (const side of order) await Promise.race([side.window(), failed]);
  }
  return Promise.all([a.result, b.result]);
}

/** Rows for one load scenario measured on our server and on the floor with the same client. */
function loadRows(
  section: string,
  scenario: string,
  metrics: Array<{ key: string; metric: string; floorRatio: 'higher' | 'lower' | null }>,
  ours: readonly RunRecord[],
  floor: readonly RunRecord[] | null,
  note = '',
): Row[] {
  // Server CPU time per operation (episode, step, request): the cost, whatever bounded the rate.
  const rateKey = metrics[0]!.key;
  const unitCost = metrics[0]!.metric.startsWith('episodes') ? 'server ms/episode' : 'server µs/op';
  const scale = unitCost === 'server ms/episode' ? 10 : 10_000;
  const withCost = (runs: readonly RunRecord[]) =>
    runs.map((r) => ({ ...r, server_cost: (r.server_cpu! * scale) / r[rateKey]! }));
  ours = withCost(ours);
  if (floor !== null) floor = withCost(floor);
  metrics = [...metrics, { key: 'server_cost', metric: unitCost, floorRatio: null }];
  const clientBusy = (runs: readonly RunRecord[]) => col(runs, 'client_cpu').median > VOID_CLIENT_PCT;
  const isVoid = clientBusy(ours) ? 'ours' : floor !== null && clientBusy(floor) ? 'floor' : false;
  const noisy = (runs: readonly RunRecord[]) => col(runs, 'other_cpu').median > NOISY_PCT;
  if (noisy(ours) || (floor !== null && noisy(floor)))
    note = `NOISY: other processes were busy (other CPU%)${note ? `; ${note}` : ''}`;
  const rows: Row[] = [];
  for (const m of metrics) {
    const v = col(ours, m.key);
    rows.push({
      section,
      scenario,
      metric: m.metric,
      value: v,
      server_cpu: col(ours, 'server_cpu'),
      client_cpu: col(ours, 'client_cpu'),
      other_cpu: col(ours, 'other_cpu'),
      ...(floor !== null && m.floorRatio !== null
        ? {
            vs_floor: m.floorRatio === 'higher' ? ratio(v, col(floor, m.key)) : ratio(col(floor, m.key), v),
            void: isVoid,
          }
        : {}),
      note,
    });
  }
  if (floor !== null) {
    for (const m of metrics) {
      rows.push({
        section,
        scenario: `${scenario} — floor`,
        metric: m.metric,
        value: col(floor, m.key),
        server_cpu: col(floor, 'server_cpu'),
        client_cpu: col(floor, 'client_cpu'),
        other_cpu: col(floor, 'other_cpu'),
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Sections

interface Results {
  rows: Row[];
  raw: Record<string, unknown>;
  errors: Record<string, string>;
}

async function inprocess(p: Plan, out: Results): Promise<void> {
  const r = await runWorker(
    'inprocess',
    { runs: p.runs, ...p.inprocess },
    { cpu: SERVER_CPU, timeoutS: 300, profileDir: profileDir('inprocess') },
  );
  out.raw.inprocess = r;
  const mixed = r.mixed as RunRecord[];
  const S = 'in-process (reference solver, InProcessEnv, one core: taskset -c 0)';
  const failures = r.failures as number;
  out.rows.push(
    {
      section: S,
      scenario: 'mixed T1–T10',
      metric: 'episodes/s',
      value: col(mixed, 'eps'),
      server_cpu: col(mixed, 'cpu_pct'),
      other_cpu: col(mixed, 'other_cpu'),
      note:
        (col(mixed, 'other_cpu').median > NOISY_PCT ? 'NOISY: other processes were busy; ' : '') +
        (failures > 0 ? `${failures} episodes did not score 100` : 'every episode scored 100'),
    },
    { section: S, scenario: 'mixed T1–T10', metric: 'rows/s', value: col(mixed, 'rows_per_s') },
  );
  for (const [id, runs] of Object.entries(r.per_task as Record<string, RunRecord[]>)) {
    out.rows.push({
      section: S,
      scenario: id,
      metric: 'episodes/s',
      value: col(runs, 'eps'),
      note: `rows/s ${medRange(col(runs, 'rows_per_s'))}`,
    });
  }
  if (failures > 0) throw new Error(`in-process: ${failures} reference episodes did not score 100`);
}

async function judgeSection(p: Plan, out: Results): Promise<void> {
  const r = await runWorker(
    'judge',
    { runs: p.runs, ...p.judge },
    { cpu: SERVER_CPU, timeoutS: 300, profileDir: profileDir('judge') },
  );
  out.raw.judge = r;
  const runs = r.runs as RunRecord[];
  const S = `judge: score a full T2_multi_page submission (${r.rows as number} rows), R* precomputed, ${p.judge.reps} reps/run`;
  const add = (scenario: string, key: string) => {
    out.rows.push({ section: S, scenario, metric: 'p50 ms', value: col(runs, `${key}_p50_ms`) });
    out.rows.push({ section: S, scenario, metric: 'p99 ms', value: col(runs, `${key}_p99_ms`) });
  };
  add('Episode.submit(parsed args)', 'submit');
  add('judge() alone', 'judge');
  add("runTool('submit_results') (+ zod)", 'call');
}

async function wsEpisodes(p: Plan, out: Results, ids: string[]): Promise<void> {
  const pool: Array<[string, number]> = [];
  for (let s = 0; s < p.wsEpisodes.seedsPerTask; s++) for (const id of ids) pool.push([id, 5000 + s]);
  const raw: Record<string, unknown> = {};
  out.raw.ws_episodes = raw;
  for (const format of ['full', 'compact'] as const) {
    const S = `WebSocket episodes (reference solver over /ws, mixed T1–T10 pool of ${pool.length}), TOOL_RESULT_FORMAT=${format}`;
    const server = await realServer(`ws-episodes-${format}`, { TOOL_RESULT_FORMAT: format });
    let floor: Server | null = null;
    try {
      const small = join(logDir, `small-${format}.json`);
      writeFileSync(small, JSON.stringify(await captureSmall(server.url)));
      const recFile = join(logDir, `episodes-${format}.bin`);
      const rec = await client(
        'ws-episodes',
        {
          url: server.url,
          mode: 'record',
          sessions: p.wsEpisodes.recordSessions,
          pool,
          serverPid: server.pid,
          recordFile: recFile,
        },
        600,
        `ws-episodes-${format}-record`,
      );
      if ((rec.failures as number) > 0) throw new Error(`recording: ${rec.first_failure as string}`);
      raw[`${format}_recording`] = rec;
      floor = await floorServer(`floor-episodes-${format}`, small, recFile);
      const mb = (rec.bytes as number) / (rec.episodes as number) / 1e6;
      const clients = [
        ...p.wsEpisodes.sessions.map((s) => ['solver', s] as const),
        ...p.wsEpisodes.replaySessions.map((s) => ['replay', s] as const),
      ];
      for (const [mode, sessions] of clients) {
        const args = {
          mode,
          sessions,
          pool,
          sizes: rec.sizes,
          recordFile: recFile,
          ...windowArgs(p, p.wsEpisodes),
        };
        const timeout = 60 + p.runs * p.wsEpisodes.windowS * 3;
        const [ours, fl] = await paired(
          'ws-episodes',
          args,
          server,
          floor,
          p.runs,
          timeout,
          `ws-episodes-${format}-${mode}-${sessions}`,
        );
        for (const [who, e] of [
          ['ours', ours],
          ['floor', fl],
        ] as const)
          if ((e.failures as number) > 0)
            throw new Error(`${who} ${mode} ${sessions} sessions: ${e.first_failure as string}`);
        raw[`${format}_${mode}_${sessions}`] = { ours, floor: fl };
        out.rows.push(
          ...loadRows(
            S,
            `${sessions} session${sessions > 1 ? 's' : ''}, ${mode} client`,
            [
              { key: 'eps', metric: 'episodes/s', floorRatio: 'higher' },
              { key: 'rows_per_s', metric: 'rows/s', floorRatio: null },
            ],
            ours.runs as RunRecord[],
            fl.runs as RunRecord[],
            mode === 'solver' && sessions === 1
              ? `${fmt(mb)} MB of replies per episode (pool mean)`
              : mode === 'replay' && sessions === p.wsEpisodes.replaySessions[0]
                ? 'replay client: recorded requests, replies not parsed'
                : '',
          ),
        );
      }
    } finally {
      await server.stop();
      await floor?.stop();
    }
  }
}

/** A load section's window options for its worker: runs per figure, window, warm-up and re-warm. */
function windowArgs(p: Plan, section: { windowS: number; warmupS: number; rewarmS: number }) {
  return { runs: p.runs, windowS: section.windowS, warmupS: section.warmupS, rewarmS: section.rewarmS };
}

async function smallSteps(p: Plan, out: Results, which: { ws: boolean; http: boolean }): Promise<void> {
  // One server per transport, so that a --profile run gets one profile per scenario.
  let server = await realServer(which.ws ? 'small-ws' : 'small-http', { TOOL_RESULT_FORMAT: 'full' });
  let floor: Server | null = null;
  const raw: Record<string, unknown> = {};
  out.raw.small_steps = raw;
  try {
    const replies = await captureSmall(server.url);
    raw.reply_bytes = Object.fromEntries(Object.entries(replies).map(([k, v]) => [k, Buffer.byteLength(v)]));
    const small = join(logDir, 'small.json');
    writeFileSync(small, JSON.stringify(replies));
    floor = await floorServer('floor-small', small);
    if (which.ws) {
      const S = `WebSocket small steps (lockstep get_task_info via call_tool, ${Buffer.byteLength(replies.ws_step)} B replies, TOOL_RESULT_FORMAT=full)`;
      for (const sessions of p.wsSteps.sessions) {
        const args = { sessions, resetEvery: p.wsSteps.resetEvery, ...windowArgs(p, p.wsSteps) };
        const timeout = 60 + p.runs * p.wsSteps.windowS * 3;
        const [ours, fl] = await paired(
          'ws-steps',
          args,
          server,
          floor,
          p.runs,
          timeout,
          `ws-steps-${sessions}`,
        );
        for (const [who, e] of [
          ['ours', ours],
          ['floor', fl],
        ] as const)
          if ((e.bad_replies as number) > 0)
            throw new Error(`${who}: ${e.bad_replies as number} replies were not observations`);
        raw[`ws_${sessions}`] = { ours, floor: fl };
        out.rows.push(
          ...loadRows(
            S,
            `${sessions} session${sessions > 1 ? 's' : ''}`,
            [
              { key: 'rate', metric: 'steps/s', floorRatio: 'higher' },
              { key: 'p50_ms', metric: 'p50 ms', floorRatio: null },
              { key: 'p99_ms', metric: 'p99 ms', floorRatio: null },
            ],
            ours.runs as RunRecord[],
            fl.runs as RunRecord[],
            `a reset every ${p.wsSteps.resetEvery} steps (max_steps), untimed`,
          ),
        );
      }
    }
    if (which.http) {
      if (which.ws) {
        await server.stop();
        server = await realServer('small-http', { TOOL_RESULT_FORMAT: 'full' });
      }
      const S = `HTTP small steps (stateful POST /step get_task_info, keep-alive, ${Buffer.byteLength(replies.http_step)} B replies)`;
      const c = p.http.connections;
      const args = { connections: c, resetEvery: p.http.resetEvery, ...windowArgs(p, p.http) };
      const timeout = 60 + p.runs * p.http.windowS * 3;
      const [ours, fl] = await paired('http-steps', args, server, floor, p.runs, timeout, `http-${c}`);
      for (const [who, e] of [
        ['ours', ours],
        ['floor', fl],
      ] as const)
        if ((e.bad_replies as number) > 0) throw new Error(`${who}: ${e.first_bad as string}`);
      raw[`http_${c}`] = { ours, floor: fl };
      out.rows.push(
        ...loadRows(
          S,
          `${c} connections`,
          [
            { key: 'rate', metric: 'requests/s', floorRatio: 'higher' },
            { key: 'p50_ms', metric: 'p50 ms', floorRatio: null },
            { key: 'p99_ms', metric: 'p99 ms', floorRatio: null },
          ],
          ours.runs as RunRecord[],
          fl.runs as RunRecord[],
          `a POST /reset every ${p.http.resetEvery} steps, untimed`,
        ),
      );
    }
  } finally {
    await server.stop();
    await floor?.stop();
  }
}

interface MemRun {
  per_session_bytes: number;
  heap_per_session_bytes: number;
  rss_before: number;
  rss_after: number;
  opened: number;
  errors: number;
  first_error: string;
  open_s: number;
}

async function memoryRun(
  p: Plan,
  mode: 'idle' | 'active',
  sessions: number,
  ids: string[],
  run: number,
): Promise<MemRun> {
  // The active run fetches 3 pages of 500 rows per session: the compact format keeps that quick; what the
  // server retains per episode does not depend on the format.
  const server = await realServer(
    `memory-${mode}-${run}`,
    { TOOL_RESULT_FORMAT: mode === 'active' ? 'compact' : 'full' },
    true,
  );
  if (server.inspectorUrl === null) throw new Error('memory: the server did not open its inspector');
  const read = () =>
    withInspector(server.inspectorUrl!, async (call) => {
      await collectGarbage(call);
      await sleep(300);
      const mu = await memoryUsage(call);
      return { rss: rssBytes(server.pid), heap: mu.heapUsed! + mu.external! };
    });
  let before = { rss: 0, heap: 0 };
  let after = { rss: 0, heap: 0 };
  let held: WorkerEvent | null = null;
  try {
    await runWorker(
      'ws-hold',
      { url: server.url, sessions, warmup: p.memory.warmup, batch: p.memory.batch, mode, tasks: ids },
      {
        cpu: CLIENT_CPU,
        timeoutS: 600,
        onEvent: async (e, send) => {
          if (e.event === 'warmed') {
            await sleep(500);
            before = await read();
            send('go');
          } else if (e.event === 'held') {
            held = e;
            await sleep(1000);
            after = await read();
            send('release');
          }
        },
      },
    );
  } finally {
    await server.stop();
  }
  const h = held as WorkerEvent | null;
  if (h === null) throw new Error('memory: the client never held its sessions');
  return {
    per_session_bytes: (after.rss - before.rss) / sessions,
    heap_per_session_bytes: (after.heap - before.heap) / sessions,
    rss_before: before.rss,
    rss_after: after.rss,
    opened: h.opened as number,
    errors: h.errors as number,
    first_error: h.first_error as string,
    open_s: h.open_s as number,
  };
}

async function memory(p: Plan, out: Results, ids: string[]): Promise<void> {
  const S =
    'memory (server RSS from /proc after a forced GC, before vs after; sessions held by a separate client)';
  const idle: MemRun[] = [];
  const active: MemRun[] = [];
  for (let r = 0; r < p.memory.runs; r++) idle.push(await memoryRun(p, 'idle', p.memory.idle, ids, r));
  for (let r = 0; r < p.memory.runs; r++) active.push(await memoryRun(p, 'active', p.memory.active, ids, r));
  out.raw.memory = { idle, active };
  const c = (runs: MemRun[], k: keyof MemRun) => summarise(runs.map((x) => x[k] as number));
  const errs = (runs: MemRun[]) => runs.reduce((s, x) => s + x.errors, 0);
  const firstErr = [...idle, ...active].find((x) => x.errors > 0)?.first_error;
  out.rows.push(
    {
      section: S,
      scenario: `${p.memory.idle.toLocaleString('en-US')} idle sessions (/ws open after reset)`,
      metric: 'RSS B/session',
      value: c(idle, 'per_session_bytes'),
      note: `V8 heap+external ${medRange(c(idle, 'heap_per_session_bytes'))} B/session; opened ${medRange(c(idle, 'opened'))}, errors ${errs(idle)}${firstErr ? ` (${firstErr})` : ''}; open time ${medRange(c(idle, 'open_s'), ' s')}`,
    },
    {
      section: S,
      scenario: `${p.memory.active.toLocaleString('en-US')} active T2 episodes (3 of 5 pages fetched)`,
      metric: 'RSS B/session',
      value: c(active, 'per_session_bytes'),
      note: `V8 heap+external ${medRange(c(active, 'heap_per_session_bytes'))} B/session; opened ${medRange(c(active, 'opened'))}, errors ${errs(active)}`,
    },
    {
      section: S,
      scenario: 'server RSS before the idle sessions',
      metric: 'MB',
      value: summarise(idle.map((x) => x.rss_before / 1e6)),
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Targets (issue 4, "Done when")

function targets(rows: readonly Row[], raw: Record<string, unknown>, ran: Set<Section>): TargetResult[] {
  const find = (section: string, scenario: string, metric: string) =>
    rows.find((r) => r.section.startsWith(section) && r.scenario === scenario && r.metric === metric);
  const t: TargetResult[] = [];
  const atLeast = (target: string, sec: Section, row: Row | undefined, min: number, unit = '') => {
    if (!ran.has(sec) || row === undefined) return t.push({ target, measured: '', verdict: 'not run' });
    t.push({
      target,
      measured: medRange(row.value, unit),
      verdict: row.value.median >= min ? 'PASS' : 'MISS',
    });
  };
  const share = (
    target: string,
    sec: Section,
    row: Row | undefined,
    min: number,
    extra?: () => [boolean, string],
  ) => {
    if (!ran.has(sec) || row?.vs_floor === undefined)
      return t.push({ target, measured: '', verdict: 'not run' });
    const f = row.vs_floor;
    let ok = f.median >= min;
    let measured = `${(f.median * 100).toFixed(0)}% of the floor (${(f.min * 100).toFixed(0)}–${(f.max * 100).toFixed(0)}%)`;
    if (extra) {
      const [ok2, text] = extra();
      ok = ok && ok2;
      measured += `; ${text}`;
    }
    if (row.void === 'ours') {
      measured += '; VOID: the load client was > 90 % busy in our run';
      return t.push({ target, measured, verdict: 'VOID' });
    }
    if (row.void === 'floor') {
      // The floor was client-bound, so the true floor is higher and the true ratio lower than measured.
      measured += ok
        ? '; VOID: the floor run was client-bound (> 90 %), the true ratio is lower'
        : '; ratio void (floor client-bound) but an upper bound, so a MISS';
      return t.push({ target, measured, verdict: ok ? 'VOID' : 'MISS' });
    }
    t.push({ target, measured, verdict: ok ? 'PASS' : 'MISS' });
  };
  const wsRow = (format: string, scenario: string) =>
    rows.find(
      (r) =>
        r.section.startsWith('WebSocket episodes') &&
        r.section.endsWith(`=${format}`) &&
        r.scenario === scenario &&
        r.metric === 'episodes/s',
    );

  atLeast(
    'in-process ≥ 1,500 mixed T1–T10 episodes/s on one core',
    'inprocess',
    find('in-process', 'mixed T1–T10', 'episodes/s'),
    1500,
    ' eps/s',
  );
  atLeast(
    'WS ≥ 150 mixed episodes/s at 16 sessions (full)',
    'ws-episodes',
    wsRow('full', '16 sessions, solver client'),
    150,
    ' eps/s',
  );
  atLeast(
    'WS ≥ 250 mixed episodes/s at 16 sessions (compact)',
    'ws-episodes',
    wsRow('compact', '16 sessions, solver client'),
    250,
    ' eps/s',
  );
  const pctOf = (f: Summary) =>
    `${(f.median * 100).toFixed(0)}% (${(f.min * 100).toFixed(0)}–${(f.max * 100).toFixed(0)}%)`;
  for (const format of ['full', 'compact']) {
    const target = `WS episodes ≥ 50 % of the episode floor at 16 sessions (${format})`;
    const solver = wsRow(format, '16 sessions, solver client');
    const replay = wsRow(format, '16 sessions, replay client');
    if (!ran.has('ws-episodes') || solver?.vs_floor === undefined) {
      t.push({ target, measured: '', verdict: 'not run' });
      continue;
    }
    const voidText = (r: Row) =>
      r.void === 'ours'
        ? ' VOID (client > 90 % busy)'
        : r.void === 'floor'
          ? ' VOID (floor client-bound)'
          : '';
    let measured = `solver client ${pctOf(solver.vs_floor)}${voidText(solver)}`;
    if (replay?.vs_floor !== undefined)
      measured += `; replay client ${pctOf(replay.vs_floor)}${voidText(replay)}`;
    // A ratio whose floor was client-bound is an upper bound: it can still show a MISS.
    const decides = (r: Row | undefined) =>
      r?.vs_floor !== undefined && (!r.void || (r.void === 'floor' && r.vs_floor.median < 0.5));
    const basis = decides(solver) ? solver : decides(replay) ? replay! : null;
    if (basis !== null && basis === replay) measured += ' (verdict on the replay client)';
    t.push({
      target,
      measured,
      verdict: basis === null ? 'VOID' : basis.vs_floor!.median >= 0.5 ? 'PASS' : 'MISS',
    });
  }
  const wsSmall = find('WebSocket small steps', '64 sessions', 'steps/s');
  share(
    'WS small step ≥ 60 % of the floor at 64 sessions, p99 ≤ 3× the floor’s',
    'ws-steps',
    wsSmall,
    0.6,
    () => {
      const ours = find('WebSocket small steps', '64 sessions', 'p99 ms')!.value;
      const fl = find('WebSocket small steps', '64 sessions — floor', 'p99 ms')!.value;
      const x = ours.median / fl.median;
      return [x <= 3, `p99 ${fmt(ours.median)} ms = ${x.toFixed(2)}× the floor’s ${fmt(fl.median)} ms`];
    },
  );
  share(
    'HTTP small step ≥ 60 % of the floor at 16 connections',
    'http',
    find('HTTP small steps', '16 connections', 'requests/s'),
    0.6,
  );
  const idle = rows.find((r) => r.section.startsWith('memory') && r.scenario.includes('idle sessions'));
  if (!ran.has('memory') || idle === undefined) {
    t.push({ target: '≤ 20 KB (20,000 B) RSS per idle session', measured: '', verdict: 'not run' });
    t.push({ target: '10,000 sessions open without errors', measured: '', verdict: 'not run' });
  } else {
    t.push({
      target: '≤ 20 KB (20,000 B) RSS per idle session',
      measured: `${medRange(idle.value, ' B')}`,
      verdict: idle.value.median <= 20_000 ? 'PASS' : 'MISS',
    });
    const runs = (raw.memory as { idle: MemRun[] }).idle;
    const opened = Math.min(...runs.map((r) => r.opened));
    const errors = runs.reduce((n, r) => n + r.errors, 0);
    t.push({
      target: '10,000 sessions open without errors',
      measured: `${runs.length} run(s): fewest opened ${opened.toLocaleString('en-US')}, errors ${errors}`,
      verdict: opened >= 10_000 && errors === 0 ? 'PASS' : 'MISS',
    });
  }
  const j = find('judge', 'Episode.submit(parsed args)', 'p50 ms');
  if (!ran.has('judge') || j === undefined)
    t.push({ target: 'T2 judge ≤ 5 ms', measured: '', verdict: 'not run' });
  else {
    const p99 = find('judge', 'Episode.submit(parsed args)', 'p99 ms')!;
    t.push({
      target: 'scoring a full T2 submission ≤ 5 ms (p50 of Episode.submit)',
      measured: `p50 ${medRange(j.value, ' ms')}; p99 ${medRange(p99.value, ' ms')}`,
      verdict: j.value.median <= 5 ? 'PASS' : 'MISS',
    });
  }
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const p = plan(o.quick, o.runs);
  const t0 = Date.now();
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' });
  } catch {
    process.stderr.write('bench: cannot pin the harness with taskset\n');
  }
  const build = ensureBuilt();
  const srcAtStart = newestSrcMs();
  const provenance = { ...git(), rebuilt: build.rebuilt };
  logDir = mkdtempSync(join(tmpdir(), 'comtradebench-bench-'));
  profileRoot = o.profile;
  if (profileRoot !== null) {
    rmSync(profileRoot, { recursive: true, force: true });
    mkdirSync(profileRoot, { recursive: true });
  }
  const ids = loadTasks().ids;
  const m = machine();
  const load0 = loadavg();
  process.stdout.write(
    `ComtradeBench performance — ${m.cores} cores (${m.cpu_model}), node ${m.node}, ${m.platform}; ` +
      `git ${provenance.head}${provenance.dirty_src_files > 0 ? ` + ${provenance.dirty_src_files} uncommitted src/tasks files` : ''}; ` +
      `${o.quick ? 'quick, ' : ''}${p.runs} runs per figure; server (node ${[...serverNodeFlags(), 'dist/src/server/main.js'].join(' ')}) ` +
      `on core ${SERVER_CPU}, clients on core ${CLIENT_CPU}\n`,
  );

  const out: Results = { rows: [], raw: {}, errors: {} };
  const quiet: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<void>) => {
    // The machine may be shared: wait (a bounded time) for other processes to go quiet first.
    const q = await waitQuiet(QUIET_PCT, QUIET_MAX_S);
    quiet[name] = q.otherPct;
    if (q.otherPct >= QUIET_PCT)
      process.stderr.write(
        `bench: WARNING: other processes use ${q.otherPct.toFixed(0)}% CPU; ${name} will be noisy\n`,
      );
    const s = Date.now();
    process.stderr.write(`bench: ${name} ...`);
    try {
      await fn();
      process.stderr.write(` ${((Date.now() - s) / 1000).toFixed(0)} s\n`);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      out.errors[name] = msg;
      process.stderr.write(` FAILED\n${msg}\n`);
    }
  };
  if (o.only.has('inprocess')) await step('inprocess', () => inprocess(p, out));
  if (o.only.has('judge')) await step('judge', () => judgeSection(p, out));
  if (o.only.has('ws-episodes')) await step('ws-episodes', () => wsEpisodes(p, out, ids));
  if (o.only.has('ws-steps') || o.only.has('http'))
    await step('ws-steps/http', () =>
      smallSteps(p, out, { ws: o.only.has('ws-steps'), http: o.only.has('http') }),
    );
  if (o.only.has('memory')) await step('memory', () => memory(p, out, ids));

  const ran = new Set([...o.only].filter((s) => !Object.keys(out.errors).some((e) => e.includes(s))));
  const verdicts = targets(out.rows, out.raw, ran);
  process.stdout.write(`${printTable(out.rows)}\n`);
  process.stdout.write(`${printTargets(verdicts)}\n`);
  for (const [k, v] of Object.entries(out.errors))
    process.stdout.write(`ERROR in ${k}: ${v.split('\n')[0]}\n`);

  const profiles: Record<string, ProfileSummary> = {};
  if (profileRoot !== null) {
    for (const label of readdirSync(profileRoot).sort()) {
      // One profile per process and thread: keep the main thread's (the busiest; tsx adds a loader thread).
      const all = profilesIn(join(profileRoot, label)).map((f) => summariseProfile(f));
      if (all.length === 0) continue;
      const s = all.sort((a, b) => b.busy_ms - a.busy_ms)[0]!;
      profiles[label] = s;
      const isClient = label.startsWith('client-');
      process.stdout.write(
        `\nprofile ${label}: ${fmt(s.busy_ms)} ms busy of ${fmt(s.total_ms)} ms (${s.file})\n`,
      );
      const areas = s.areas.slice(0, 8).map((a) => `${a.area} ${a.pct.toFixed(1)}%`);
      process.stdout.write(`  areas: ${areas.join(', ')}\n`);
      for (const h of s.top.slice(0, isClient ? 6 : 15))
        process.stdout.write(`  ${h.pct.toFixed(1).padStart(5)}%  ${h.fn}  ${h.where}\n`);
    }
  }
  const srcChanged = newestSrcMs() !== srcAtStart;
  const durationS = (Date.now() - t0) / 1000;
  const load1 = loadavg();
  process.stdout.write(
    `\n${durationS.toFixed(0)} s; load average ${load0[0]!.toFixed(2)} at start, ${load1[0]!.toFixed(2)} at the end` +
      `${srcChanged ? '; WARNING: src/ changed during the run (workers run src/ through tsx, servers run dist/)' : ''}\n`,
  );
  if (o.json !== null) {
    writeFileSync(
      o.json,
      `${JSON.stringify(
        {
          machine: m,
          provenance: { ...provenance, src_changed_during_run: srcChanged },
          started_at: new Date(t0).toISOString(),
          duration_s: durationS,
          loadavg: { start: load0, end: load1 },
          other_cpu_before_sections: quiet,
          options: { quick: o.quick, runs: p.runs, only: [...o.only], profile: o.profile },
          server_node_flags: serverNodeFlags(),
          plan: p,
          rows: out.rows,
          targets: verdicts,
          errors: out.errors,
          profiles,
          raw: out.raw,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`results written to ${o.json}\n`);
  }
  if (Object.keys(out.errors).length > 0) {
    process.stdout.write(`server logs kept in ${logDir}\n`);
    process.exitCode = 1;
  } else rmSync(logDir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
