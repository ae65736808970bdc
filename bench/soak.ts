/**
 * npm run soak -- [--sessions N] [--minutes M] [--think-ms T] [--warmup-s S] [--report-s S]
 *                 [--idle-timeout-s S]
 * npm run soak -- --big-body 1,4,16 [--big-sessions K] [--big-runs R] [--big-window-s S]
 *
 * Soak: the built server (rebuilt first when src/ is newer, as npm run bench does) on loopback, pinned to
 * core 0, with its V8 inspector open; N /ws sessions in client processes pinned to core 1
 * (bench/workers/soak-sessions.ts) run reference-solver and persona episodes continuously on a seeded mix
 * of tasks, seeds, profiles and result formats, each result checked against the in-process result of the
 * same episode. Each tool call comes after an agent's turn of --think-ms (default 1000 ms, jittered ±50 %;
 * 0 sends calls back to back, which at 1,000 sessions saturates the server's event loop: see
 * docs/performance.md). Some sessions reconnect after every episode; one in 50 idles until the server's reaper
 * closes it (SESSION_TIMEOUT_S is set to --idle-timeout-s for the soak).
 *
 * Timeline: a warm-up (clients run, then all disconnect; full GC; the heap is read), then the main phase
 * (clients run again until M minutes are up, then all disconnect; full GC; the heap is read again). Every
 * --report-s seconds it prints errors, episodes, the server's RSS and V8 heap, its event-loop delay
 * p50/p99/max over the interval (perf_hooks.monitorEventLoopDelay inside the server, read through the
 * inspector) and the sessions live (the server's session store, reached through the inspector) and
 * reaped. It ends with a summary, the heap verdict (heap after the main phase within 10 % of the heap
 * after the warm-up, both with no session open) and the line `errors: N`. Exit code 1 on any error, a
 * session or socket left on the server after the clients disconnected, or a heap above the bound.
 *
 * --big-body SIZES (MiB) measures instead how one client's largest submissions stall the others: K
 * sessions (bench/workers/ws-steps.ts) run lockstep get_task_info steps while, in alternate windows, one
 * other client (bench/workers/big-body.ts) submits rows of each size back to back; the step latency
 * p50/p99/max with and without the big submissions, and the submissions' own round trip, per size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs as parseNodeArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { ensureBuilt } from './lib/build.js';
import { type Call, collectGarbage, withInspector } from './lib/inspector.js';
import { machine } from './lib/proc.js';
import { ROOT, runWorker, type Server, startServer, type WorkerEvent } from './lib/spawn.js';
import { sumTotals, type Totals } from './lib/soak-totals.js';
import { percentile } from './lib/stats.js';

const SERVER_CPU = 0;
const CLIENT_CPU = 1;
const SESSIONS_PER_WORKER = 500;
/** Heap after the main phase may exceed the heap after the warm-up by at most this fraction. */
const HEAP_BOUND = 0.1;
const MiB = 1024 * 1024;

interface Options {
  sessions: number;
  minutes: number;
  warmupS: number | null;
  reportS: number | null;
  idleTimeoutS: number;
  thinkMs: number;
  bigBody: number[] | null;
  bigSessions: number;
  bigRuns: number;
  bigWindowS: number;
}

function parseArgs(argv: string[]): Options {
  const { values: v } = parseNodeArgs({
    args: argv,
    strict: true,
    options: {
      sessions: { type: 'string', default: '50' },
      minutes: { type: 'string', default: '1' },
      'warmup-s': { type: 'string' },
      'report-s': { type: 'string' },
      'idle-timeout-s': { type: 'string', default: '60' },
      'think-ms': { type: 'string', default: '1000' },
      'big-body': { type: 'string' },
      'big-sessions': { type: 'string', default: '16' },
      'big-runs': { type: 'string', default: '3' },
      'big-window-s': { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    process.stdout.write(`${readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]}*/\n`);
    process.exit(0);
  }
  const num = (name: keyof typeof v, min: number): number => {
    const n = Number(v[name]);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} takes a number ≥ ${min}`);
    return n;
  };
  const sizes = v['big-body']?.split(',').map((x) => Number(x.trim())) ?? null;
  if (sizes !== null && sizes.some((x) => !(x > 0)))
    throw new Error('--big-body takes sizes in MiB, e.g. 1,4,16');
  return {
    sessions: Math.floor(num('sessions', 1)),
    minutes: num('minutes', 0.25),
    warmupS: v['warmup-s'] === undefined ? null : num('warmup-s', 1),
    reportS: v['report-s'] === undefined ? null : num('report-s', 1),
    idleTimeoutS: num('idle-timeout-s', 1),
    thinkMs: num('think-ms', 0),
    bigBody: sizes,
    bigSessions: Math.floor(num('big-sessions', 1)),
    bigRuns: Math.floor(num('big-runs', 1)),
    bigWindowS: num('big-window-s', 0.5),
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mb = (bytes: number) => (bytes / MiB).toFixed(1);
const fmtInt = (n: number) => n.toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------------------
// The server seen through its inspector

/** Installed once in the server: event-loop delay histograms and a probe that reads everything at once. */
const PROBE_SETUP = `(() => {
  const { monitorEventLoopDelay } = process.getBuiltinModule('node:perf_hooks');
  const make = () => { const h = monitorEventLoopDelay({ resolution: 10 }); h.enable(); return h; };
  // The histogram records the time between samples, so an idle loop reads as the 10 ms resolution itself:
  // the delay is what exceeds it.
  const ms = (ns) => Math.max(0, ns / 1e6 - 10);
  const lag = (h) => ({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), n: h.count });
  const soak = { interval: make(), phase: make() };
  globalThis.__soakProbe = (port, resetPhase) => {
    const out = {
      memory: process.memoryUsage(),
      lag: lag(soak.interval),
      phaseLag: lag(soak.phase),
      sessions: globalThis.__soakStore ? globalThis.__soakStore.stats() : null,
      // Client connections upgraded to WebSocket (an upgraded socket has no HTTP parser; idle HTTP
      // keep-alive connections, such as the harness's own /health probe, keep theirs).
      sockets: process._getActiveHandles().filter((h) => h && h.localPort === port && typeof h.remotePort === 'number' && !h.parser).length,
    };
    soak.interval.reset();
    if (resetPhase) soak.phase.reset();
    return JSON.stringify(out);
  };
  return true;
})()`;

interface Probe {
  memory: Record<string, number>;
  lag: { p50: number; p99: number; max: number; n: number };
  phaseLag: { p50: number; p99: number; max: number; n: number };
  sessions: { active_sessions: number; max_sessions: number } | null;
  sockets: number;
}

async function evaluate(call: Call, expression: string): Promise<unknown> {
  const r = (await call('Runtime.evaluate', { expression, returnByValue: true })) as {
    result: { value?: unknown };
    exceptionDetails?: { text: string; exception?: { description?: string } };
  };
  if (r.exceptionDetails)
    throw new Error(`server: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
  return r.result.value;
}

const probe = async (call: Call, port: number, resetPhase = false): Promise<Probe> =>
  JSON.parse((await evaluate(call, `__soakProbe(${port}, ${resetPhase})`)) as string) as Probe;

/**
 * Makes the server's session store readable without a route: a conditional breakpoint on the first line
 * of SessionStore.open (dist/src/env/sessions.js) keeps `this` in a global and never pauses. Removed, and
 * the debugger disabled, as soon as the first session opened.
 */
async function armStoreCapture(call: Call): Promise<() => Promise<boolean>> {
  const file = join(ROOT, 'dist/src/env/sessions.js');
  const lines = readFileSync(file, 'utf8').split('\n');
  const cls = lines.findIndex((l) => /class SessionStore\b/.test(l));
  const open = lines.findIndex((l, i) => i > cls && /^\s+open\(/.test(l));
  if (cls < 0 || open < 0) throw new Error(`${file}: no SessionStore.open to read the session store from`);
  await call('Debugger.enable');
  const bp = (await call('Debugger.setBreakpointByUrl', {
    urlRegex: '.*/dist/src/env/sessions\\.js$',
    lineNumber: open + 1,
    condition: '(globalThis.__soakStore ??= this, false)',
  })) as { breakpointId: string };
  return async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if ((await evaluate(call, 'typeof globalThis.__soakStore?.stats')) === 'function') break;
      await sleep(200);
    }
    await call('Debugger.removeBreakpoint', { breakpointId: bp.breakpointId });
    await call('Debugger.disable');
    return (await evaluate(call, 'typeof globalThis.__soakStore?.stats')) === 'function';
  };
}

/**
 * Connections waiting in the server's listen queue (accepted by the kernel, not yet by the server): the
 * Recv-Q of its listening socket in `ss -ltn`, or '?' where ss is not available.
 */
function acceptQueue(port: number): string {
  try {
    const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' })
      .trim()
      .split('\n')[0];
    return line?.split(/\s+/)[1] ?? '?';
  } catch {
    return '?';
  }
}

/** Error and fatal lines in the server's log (pino JSON, level ≥ 50). */
function serverLogErrors(server: Server): string[] {
  return readFileSync(server.logFile, 'utf8')
    .split('\n')
    .filter((l) => /"level":(5|6)\d/.test(l))
    .map((l) => l.slice(0, 300));
}

// ---------------------------------------------------------------------------------------------------------
// Soak

async function soak(o: Options): Promise<number> {
  const totalS = o.minutes * 60;
  const warmupS = o.warmupS ?? Math.min(60, Math.max(10, Math.round(totalS * 0.15)));
  const mainS = Math.max(10, totalS - warmupS);
  const reportS = o.reportS ?? Math.min(30, Math.max(5, Math.round(totalS / 20)));
  const workers = Math.ceil(o.sessions / SESSIONS_PER_WORKER);
  const logDir = mkdtempSync(join(tmpdir(), 'soak-'));
  const build = ensureBuilt();
  console.log(
    `soak: ${o.sessions} /ws sessions in ${workers} client process${workers > 1 ? 'es' : ''} (core ${CLIENT_CPU}), ` +
      `server on core ${SERVER_CPU}; think ${o.thinkMs} ms per call; warm-up ${warmupS} s, main ${mainS} s, report every ${reportS} s; ` +
      `SESSION_TIMEOUT_S=${o.idleTimeoutS}; ${build.rebuilt ? 'rebuilt dist/' : 'dist/ up to date'}; ` +
      `load average ${loadavg()[0]!.toFixed(2)}; ${JSON.stringify(machine())}; logs in ${logDir}`,
  );

  const server = await startServer({
    label: 'soak-server',
    kind: 'real',
    cpu: SERVER_CPU,
    logDir,
    inspect: true,
    env: {
      MAX_CONCURRENT_ENVS: String(o.sessions + 64),
      SESSION_TIMEOUT_S: String(o.idleTimeoutS),
      LOG_LEVEL: 'warn',
    },
  });
  const port = Number(new URL(server.url).port);
  const harnessErrors: string[] = [];
  const perWorker: Totals[] = [];
  let heapWarm = 0;
  let heapEnd = 0;
  let phaseLag: Probe['phaseLag'] | null = null;
  let maxRss = 0;
  let maxLive = 0;
  let leftSessions: number | null = null;
  let leftSockets = 0;
  let warmEpisodes = 0;

  try {
    await withInspector(server.inspectorUrl!, async (call) => {
      await evaluate(call, PROBE_SETUP);
      const storeRead = await armStoreCapture(call);

      // Workers: each a share of the sessions; `run`/`stop` phases driven from here.
      const stopped: Array<() => void> = [];
      const senders: Array<(line: string) => void> = [];
      const results = Array.from({ length: workers }, (_, w) => {
        const first = w * SESSIONS_PER_WORKER;
        const sessions = Math.min(SESSIONS_PER_WORKER, o.sessions - first);
        return runWorker(
          'soak-sessions',
          {
            url: server.url,
            first,
            sessions,
            idleEvery: 50,
            churnEvery: 10,
            idleTimeoutS: o.idleTimeoutS,
            thinkMs: o.thinkMs,
            reportS: Math.max(1, reportS / 2),
            phases: 2,
          },
          {
            cpu: CLIENT_CPU,
            timeoutS: totalS + 600,
            onEvent: (e: WorkerEvent, send) => {
              senders[w] = send;
              if (e.event === 'tick' || e.event === 'stopped' || e.event === 'result')
                perWorker[w] = e as unknown as Totals;
              if (e.event === 'stopped') stopped[w]?.();
            },
          },
        );
      });
      const failed = Promise.race(results).then(
        () => new Promise<never>(() => undefined),
        (e: unknown) => Promise.reject(e),
      );
      const sum = () => sumTotals(perWorker);
      const broadcast = async (line: string) => {
        const deadline = Date.now() + 30_000;
        while (senders.filter(Boolean).length < workers && Date.now() < deadline) await sleep(50);
        for (const s of senders) s(line);
      };
      const stopAll = async () => {
        const done = Array.from({ length: workers }, (_, w) => new Promise<void>((r) => (stopped[w] = r)));
        await broadcast('stop');
        await Promise.race([Promise.all(done), failed]);
      };

      const t0 = Date.now();
      let lastEpisodes = 0;
      let lastT = t0;
      const report = async (phase: string, resetPhase = false) => {
        const p = await probe(call, port, resetPhase);
        const t = sum();
        const now = Date.now();
        const rate = (t.episodes - lastEpisodes) / ((now - lastT) / 1000);
        maxRss = Math.max(maxRss, p.memory.rss!);
        maxLive = Math.max(maxLive, p.sessions?.active_sessions ?? 0);
        console.log(
          `${String(Math.round((now - t0) / 1000)).padStart(5)} s  ${phase.padEnd(7)} ` +
            `errors ${t.errors}  episodes ${fmtInt(t.episodes)} (${rate.toFixed(1)}/s)  ` +
            `live ${p.sessions?.active_sessions ?? '?'} (${p.sockets} ws)  reaped ${t.reaped}  reconnects ${fmtInt(t.reconnects)}  ` +
            `rss ${mb(p.memory.rss!)} MB  heap ${mb(p.memory.heapUsed!)}/${mb(p.memory.heapTotal!)} MB  ` +
            `lag p50 ${p.lag.p50.toFixed(1)} p99 ${p.lag.p99.toFixed(1)} max ${p.lag.max.toFixed(1)} ms  ` +
            `accept queue ${acceptQueue(port)}  clients' slowest handshake ${t.slowest_handshake_ms.toFixed(0)} ms`,
        );
        lastEpisodes = t.episodes;
        lastT = now;
        return p;
      };
      /** Runs a phase for `seconds`, reporting every reportS; flags an interval without any episode. */
      const runPhase = async (phase: string, seconds: number) => {
        await broadcast('run');
        const end = Date.now() + seconds * 1000;
        await report(phase, true);
        while (Date.now() < end) {
          await Promise.race([sleep(Math.min(reportS * 1000, end - Date.now())), failed]);
          const before = lastEpisodes;
          await report(phase);
          if (sum().episodes === before && o.sessions > 1)
            harnessErrors.push(`${phase}: no episode finished in ${reportS} s`);
        }
        phaseLag = (await probe(call, port)).phaseLag;
        await stopAll();
      };
      /** After the clients disconnected: no session and no socket left; then a full GC and the heap. */
      const settle = async (phase: string) => {
        let p = await probe(call, port);
        const deadline = Date.now() + 15_000;
        while ((p.sessions?.active_sessions !== 0 || p.sockets > 0) && Date.now() < deadline) {
          await sleep(250);
          p = await probe(call, port);
        }
        leftSessions = p.sessions?.active_sessions ?? null;
        leftSockets = p.sockets;
        if (leftSessions !== 0)
          harnessErrors.push(`${phase}: ${leftSessions ?? 'unknown'} sessions left on the server`);
        if (leftSockets !== 0)
          harnessErrors.push(`${phase}: ${leftSockets} WebSocket connections left on the server`);
        await collectGarbage(call);
        p = await probe(call, port);
        console.log(
          `${String(Math.round((Date.now() - t0) / 1000)).padStart(5)} s  ${phase} done: clients disconnected, ` +
            `sessions left ${leftSessions ?? '?'}, WebSocket connections left ${leftSockets}; after a full GC heap ${mb(p.memory.heapUsed!)} MB, rss ${mb(p.memory.rss!)} MB`,
        );
        return p.memory.heapUsed!;
      };

      await runPhase('warm-up', warmupS);
      warmEpisodes = sum().episodes;
      if (!(await storeRead()))
        harnessErrors.push('the session store could not be read through the inspector');
      heapWarm = await settle('warm-up');
      await runPhase('main', mainS);
      heapEnd = await settle('main');
      await Promise.all(results);
    });
    const health = await fetch(`${server.url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (!health) harnessErrors.push('the server stopped answering /health');
  } catch (e) {
    harnessErrors.push(`harness: ${(e as Error).message}`);
  } finally {
    await server.stop();
  }

  const t = sumTotals(perWorker);
  const logErrors = serverLogErrors(server);
  const errors = t.errors + harnessErrors.length + logErrors.length;
  const growth = heapWarm > 0 ? heapEnd / heapWarm - 1 : Number.NaN;
  const leak = !(growth <= HEAP_BOUND);
  const lag = phaseLag as Probe['phaseLag'] | null;
  console.log('');
  console.log(
    `episodes: ${fmtInt(t.episodes)} (${fmtInt(t.episodes - warmEpisodes)} in the main phase, ${((t.episodes - warmEpisodes) / mainS).toFixed(1)}/s; ` +
      `${fmtInt(t.rows)} rows), reconnects ${fmtInt(t.reconnects)}, sessions reaped ${t.reaped}`,
  );
  console.log(
    `sessions live at most: ${maxLive}; after the clients disconnected: ${leftSessions ?? '?'} sessions, ${leftSockets} WebSocket connections`,
  );
  console.log(
    `server RSS at most: ${mb(maxRss)} MB; slowest WebSocket handshake: ${t.slowest_handshake_ms.toFixed(0)} ms; ` +
      `client event-loop delay (worst client) p99 ${t.client_lag_p99_ms.toFixed(0)} ms, max ${t.client_lag_max_ms.toFixed(0)} ms`,
  );
  if (lag !== null)
    console.log(
      `event-loop delay over the main phase: p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms`,
    );
  console.log(
    `heap after a full GC: ${mb(heapWarm)} MB after the warm-up, ${mb(heapEnd)} MB at the end ` +
      `(${(growth * 100).toFixed(1)} %; bound +${HEAP_BOUND * 100} %): ${leak ? 'LEAK' : 'flat'}`,
  );
  for (const [kind, n] of Object.entries(t.error_kinds).sort((x, y) => y[1] - x[1]))
    console.log(`errors of a kind: ${n} × ${kind}`);
  const shown = [...harnessErrors, ...logErrors.map((l) => `server log: ${l}`), ...t.first_errors];
  for (const e of shown.slice(0, 10)) console.log(`error: ${e}`);
  console.log(`errors: ${errors}`);
  return errors > 0 || leak ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// Big bodies: how the largest submissions stall other sessions

async function bigBody(o: Options): Promise<number> {
  const sizes = o.bigBody!;
  const logDir = mkdtempSync(join(tmpdir(), 'soak-big-'));
  const build = ensureBuilt();
  console.log(
    `big bodies: ${o.bigSessions} sessions of lockstep get_task_info steps; in alternate ${o.bigWindowS} s windows ` +
      `one other client submits rows of ${sizes.join(', ')} MiB back to back over /ws; ${o.bigRuns} runs each; ` +
      `server on core ${SERVER_CPU}, clients on core ${CLIENT_CPU}; ${build.rebuilt ? 'rebuilt dist/' : 'dist/ up to date'}; ` +
      `load average ${loadavg()[0]!.toFixed(2)}; logs in ${logDir}`,
  );
  const server = await startServer({
    label: 'big-body-server',
    kind: 'real',
    cpu: SERVER_CPU,
    logDir,
    env: { LOG_LEVEL: 'warn' },
  });
  const windows = sizes.length * o.bigRuns * 2;
  let stepsSend: ((l: string) => void) | null = null;
  let bigSend: ((l: string) => void) | null = null;
  let ready!: () => void;
  const stepsReady = new Promise<void>((r) => (ready = r));
  let windowDone: (() => void) | null = null;
  let bigDone: ((e: WorkerEvent) => void) | null = null;
  let bigReady!: () => void;
  const bigUp = new Promise<void>((r) => (bigReady = r));
  const steps = runWorker(
    'ws-steps',
    {
      url: server.url,
      serverPid: server.pid,
      sessions: o.bigSessions,
      resetEvery: 300,
      paired: true,
      runs: windows,
      windowS: o.bigWindowS,
      warmupS: 2,
      rewarmS: 0.3,
    },
    {
      cpu: CLIENT_CPU,
      timeoutS: 120 + windows * o.bigWindowS * 4,
      onEvent: (e, send) => {
        stepsSend = send;
        if (e.event === 'ready') ready();
        if (e.event === 'window') windowDone?.();
      },
    },
  );
  const big = runWorker(
    'big-body',
    { url: server.url, maxBodyBytes: loadConfig({}).MAX_BODY_BYTES },
    {
      cpu: CLIENT_CPU,
      timeoutS: 120 + windows * o.bigWindowS * 4,
      onEvent: (e, send) => {
        bigSend = send;
        if (e.event === 'ready') bigReady();
        if (e.event === 'stopped') bigDone?.(e);
      },
    },
  );
  const rows: Array<{
    size: number;
    run: number;
    without: Record<string, number>;
    with: Record<string, number>;
    big: WorkerEvent;
  }> = [];
  try {
    await Promise.all([stepsReady, bigUp]);
    const windowOnce = () =>
      new Promise<void>((r) => {
        windowDone = r;
        stepsSend!('go');
      });
    const order: Array<{ size: number; run: number }> = [];
    for (let run = 0; run < o.bigRuns; run++) for (const size of sizes) order.push({ size, run });
    const bigStats: WorkerEvent[] = [];
    for (const { size } of order) {
      await windowOnce(); // without
      const stoppedBig = new Promise<WorkerEvent>((r) => (bigDone = r));
      bigSend!(`start ${Math.floor(size * MiB)}`);
      await sleep(300);
      await windowOnce(); // with
      bigSend!('stop');
      bigStats.push(await stoppedBig);
    }
    bigSend!('exit');
    const [stepResult] = await Promise.all([steps, big]);
    const runs = stepResult.runs as Array<Record<string, number>>;
    order.forEach((w, i) =>
      rows.push({ ...w, without: runs[2 * i]!, with: runs[2 * i + 1]!, big: bigStats[i]! }),
    );
  } finally {
    await server.stop();
  }
  const med = (xs: number[]) => percentile(xs, 50);
  console.log('');
  console.log(
    'size    | steps/s without → with | step p50 ms without → with | p99 ms without → with | max ms without → with | submission round trip ms p50 / max (n)',
  );
  for (const size of sizes) {
    const rs = rows.filter((r) => r.size === size);
    const f = (k: string, w: 'without' | 'with') => med(rs.map((r) => r[w][k]!));
    const rtts = rs.flatMap((r) => r.big.rtt_ms as number[]);
    console.log(
      `${String(size).padStart(4)} MiB | ${f('rate', 'without').toFixed(0).padStart(8)} → ${f('rate', 'with').toFixed(0).padEnd(8)} | ` +
        `${f('p50_ms', 'without').toFixed(2).padStart(8)} → ${f('p50_ms', 'with').toFixed(2).padEnd(8)} | ` +
        `${f('p99_ms', 'without').toFixed(1).padStart(6)} → ${f('p99_ms', 'with').toFixed(1).padEnd(6)} | ` +
        `${f('max_ms', 'without').toFixed(1).padStart(6)} → ${f('max_ms', 'with').toFixed(1).padEnd(6)} | ` +
        `${med(rtts).toFixed(0)} / ${Math.max(...rtts).toFixed(0)} (${rtts.length}; ${rs[0]!.big.frame_bytes as number} B frames)`,
    );
  }
  const bad = rows.reduce((s, r) => s + (r.big.bad as number), 0);
  console.log(`errors: ${bad}`);
  return bad > 0 ? 1 : 0;
}

let opts: Options;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`soak: ${(e as Error).message}`);
  process.exit(2);
}
(opts.bigBody !== null ? bigBody(opts) : soak(opts)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    console.log('errors: 1');
    process.exit(1);
  },
);
