/**
 * The worker side of the harness: a worker is a separate node process (a load client, or the in-process
 * and judge benchmarks) started by bench/main.ts with one JSON argument. It reports with JSON lines on
 * stdout and, when the harness must act between phases (memory), waits for command lines on stdin.
 */
import { createInterface } from 'node:readline';
import type { WebSocket } from 'ws';
import { type CpuWindow, cpuWindow } from './proc.js';
import { percentile } from './stats.js';

export function workerArgs<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('a bench worker takes one JSON argument');
  return JSON.parse(raw) as T;
}

/** One JSON line to the harness. */
export function emit(event: string, data: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let lines: AsyncIterator<string> | null = null;

/** Resolves at the next stdin line equal to `word` (lines before it are skipped). */
export async function waitFor(word: string): Promise<void> {
  lines ??= createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  for (;;) {
    const next = await lines.next();
    if (next.done) throw new Error(`stdin closed while waiting for '${word}'`);
    if (next.value.trim() === word) return;
  }
}

/** Runs a worker's main, reporting a failure on stderr with exit code 1. */
export function runWorker(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}

/**
 * Lets the harness pause a load between windows: each load lane calls `await gate.pass()` before each
 * operation; close() resolves once every lane is parked there, reopen() lets them go on.
 */
export class Gate {
  private closed = false;
  private parked = 0;
  private waiters: Array<() => void> = [];
  private allParked: (() => void) | null = null;

  constructor(private readonly lanes: number) {}

  pass(): Promise<void> | undefined {
    if (!this.closed) return undefined;
    this.parked += 1;
    if (this.parked === this.lanes) this.allParked?.();
    return new Promise((r) => this.waiters.push(r));
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.parked === this.lanes) return Promise.resolve();
    return new Promise((r) => {
      this.allParked = r;
    });
  }

  reopen(): void {
    this.closed = false;
    this.allParked = null;
    this.parked = 0;
    for (const w of this.waiters.splice(0)) w();
  }
}

export interface WindowOptions {
  warmupS: number;
  windowS: number;
  runs: number;
  /**
   * Paired with another client by the harness: after the warm-up the load pauses and the worker says
   * `ready`; each window then waits for `go` on stdin, runs (after a short re-warm), pauses the load again
   * and says `window`. The harness alternates our server's windows with the floor's, so that run i of each
   * is measured side by side in time.
   */
  paired?: boolean;
  /** Paired windows: how long the load re-warms after a pause before the window starts (default 0.3 s). */
  rewarmS?: number;
}

/** Repeated windows of a steady load: warm up, then `runs` windows of `windowS` seconds. */
export async function windows<T>(
  o: WindowOptions,
  gate: Gate,
  start: () => void,
  stop: () => T,
): Promise<T[]> {
  const out: T[] = [];
  await sleep(o.warmupS * 1000);
  if (!o.paired) {
    for (let r = 0; r < o.runs; r++) {
      start();
      await sleep(o.windowS * 1000);
      out.push(stop());
    }
    return out;
  }
  await gate.close();
  emit('ready');
  for (let r = 0; r < o.runs; r++) {
    await waitFor('go');
    gate.reopen();
    await sleep((o.rewarmS ?? 0.3) * 1000);
    start();
    await sleep(o.windowS * 1000);
    out.push(stop());
    await gate.close();
    emit('window', { run: r });
  }
  gate.reopen();
  return out;
}

/** Server, client and rest-of-machine CPU% of a measurement window, as every load worker reports them. */
export function cpuFields(
  cw: CpuWindow,
  serverPid: number,
): { server_cpu: number; client_cpu: number; other_cpu: number } {
  return { server_cpu: cw.cpuPct[serverPid]!, client_cpu: cw.cpuPct[process.pid]!, other_cpu: cw.otherPct };
}

/** Counts lockstep steps and their latencies inside measurement windows. */
export class StepMeter {
  private counting = false;
  private steps = 0;
  private lat: number[] = [];

  /** Up to `count` gated, timed steps, stopping early when `stopped()` turns true. */
  async run(gate: Gate, count: number, stopped: () => boolean, step: () => Promise<void>): Promise<void> {
    for (let k = 0; k < count && !stopped(); k++) {
      await gate.pass();
      if (stopped()) return;
      const t0 = performance.now();
      await step();
      this.record(performance.now() - t0);
    }
  }

  record(latencyMs: number): void {
    if (!this.counting) return;
    this.steps += 1;
    this.lat.push(latencyMs);
  }

  /** Runs the windows of a small-step load and returns each window's rate, p50/p99 and CPU. */
  measure(o: WindowOptions, gate: Gate, serverPid: number) {
    let w: { stop: () => CpuWindow } | null = null;
    return windows(
      o,
      gate,
      () => {
        this.steps = 0;
        this.lat = [];
        this.counting = true;
        w = cpuWindow([serverPid, process.pid]);
      },
      () => {
        const cw = w!.stop();
        this.counting = false;
        return {
          rate: this.steps / cw.wallS,
          p50_ms: percentile(this.lat, 50),
          p99_ms: percentile(this.lat, 99),
          max_ms: this.lat.reduce((m, x) => Math.max(m, x), 0),
          steps: this.steps,
          ...cpuFields(cw, serverPid),
        };
      },
    );
  }
}

/** Lockstep requests on one WebSocket: send a frame, resolve with the next reply. */
export function lockstep(ws: WebSocket): (msg: string | Buffer) => Promise<Buffer> {
  let pending: ((b: Buffer) => void) | null = null;
  ws.on('message', (data: Buffer) => {
    const p = pending;
    pending = null;
    p?.(data);
  });
  return (msg) =>
    new Promise<Buffer>((resolve) => {
      pending = resolve;
      ws.send(msg, { binary: false });
    });
}
