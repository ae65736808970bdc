/**
 * Section memory: server RSS per idle and per active session, read from /proc after a forced GC (through
 * the server's inspector) before and after a separate client holds the sessions.
 */
import { collectGarbage, memoryUsage, withInspector } from '../lib/inspector.js';
import { CLIENT_CPU, type Harness, realServer, sleep } from '../lib/harness.js';
import { rssBytes } from '../lib/proc.js';
import { medRange } from '../lib/report.js';
import { runWorker, type WorkerEvent } from '../lib/spawn.js';
import { summarise } from '../lib/stats.js';

/** One memory run: bytes per session, and how the sessions opened. */
export interface MemRun {
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
  h: Harness,
  mode: 'idle' | 'active',
  sessions: number,
  ids: string[],
  run: number,
): Promise<MemRun> {
  const { p } = h;
  // The active run fetches 3 pages of 500 rows per session: the compact format keeps that quick; what the
  // server retains per episode does not depend on the format.
  const server = await realServer(
    h,
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
  const heldEvent = held as WorkerEvent | null;
  if (heldEvent === null) throw new Error('memory: the client never held its sessions');
  return {
    per_session_bytes: (after.rss - before.rss) / sessions,
    heap_per_session_bytes: (after.heap - before.heap) / sessions,
    rss_before: before.rss,
    rss_after: after.rss,
    opened: heldEvent.opened as number,
    errors: heldEvent.errors as number,
    first_error: heldEvent.first_error as string,
    open_s: heldEvent.open_s as number,
  };
}

export async function memory(h: Harness): Promise<void> {
  const { p, out, ids } = h;
  const S =
    'memory (server RSS from /proc after a forced GC, before vs after; sessions held by a separate client)';
  const idle: MemRun[] = [];
  const active: MemRun[] = [];
  for (let r = 0; r < p.memory.runs; r++) idle.push(await memoryRun(h, 'idle', p.memory.idle, ids, r));
  for (let r = 0; r < p.memory.runs; r++) active.push(await memoryRun(h, 'active', p.memory.active, ids, r));
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
