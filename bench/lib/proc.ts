/**
 * What the harness reads from /proc: a process's CPU time (utime + stime over all its threads) and its
 * resident set size. Load clients take CPU snapshots of themselves and of the server at the edges of each
 * measurement window, so both figures cover exactly the window.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

let clkTck: number | null = null;

/** Clock ticks per second (getconf CLK_TCK; 100 on Linux almost always). */
export function clockTicks(): number {
  if (clkTck === null) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** CPU seconds (user + system, all threads) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3 (state).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / clockTicks();
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (m === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** CPU seconds the whole machine has been busy (all cores; /proc/stat user+nice+system+irq+softirq+steal). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / clockTicks();
}

export interface CpuWindow {
  /** Wall seconds of the window. */
  readonly wallS: number;
  /** CPU% of each pid over the window (100 = one core busy all the time). */
  readonly cpuPct: Record<number, number>;
  /** CPU% used by everything else on the machine over the window (other processes, the kernel). */
  readonly otherPct: number;
}

/** Starts a CPU window over some pids; `stop()` returns each one's CPU% over it, and everyone else's. */
export function cpuWindow(pids: readonly number[]): { stop: () => CpuWindow } {
  const t0 = performance.now();
  const m0 = machineBusySeconds();
  const c0 = pids.map((p) => cpuSeconds(p));
  return {
    stop: () => {
      const c1 = pids.map((p) => cpuSeconds(p));
      const m1 = machineBusySeconds();
      const wallS = (performance.now() - t0) / 1000;
      const cpuPct: Record<number, number> = {};
      let ours = 0;
      pids.forEach((p, i) => {
        cpuPct[p] = (100 * (c1[i]! - c0[i]!)) / wallS;
        ours += c1[i]! - c0[i]!;
      });
      return { wallS, cpuPct, otherPct: Math.max(0, (100 * (m1 - m0 - ours)) / wallS) };
    },
  };
}

/** Waits (up to maxS) until the rest of the machine uses less than `pct` % of a core over 0.5 s; returns the last reading. */
export async function waitQuiet(pct: number, maxS: number): Promise<{ otherPct: number; waitedS: number }> {
  const t0 = performance.now();
  for (;;) {
    const w = cpuWindow([process.pid]);
    await new Promise((r) => setTimeout(r, 500));
    const { otherPct } = w.stop();
    const waitedS = (performance.now() - t0) / 1000;
    if (otherPct < pct || waitedS >= maxS) return { otherPct, waitedS };
  }
}

/** The machine as the report states it. */
export function machine(): Record<string, string | number> {
  const c = cpus();
  return {
    cores: c.length,
    cpu_model: c[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
