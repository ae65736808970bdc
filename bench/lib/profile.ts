/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): self time per function (name, file, line), as a share
 * of the busy samples (without (idle)), with dist/ paths shown as their src/ files. V8 charges the C++
 * builtins without a JS frame (JSON.stringify, JSON.parse) to the JS function that calls them, so a
 * function's self time includes the JSON work it does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './spawn.js';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  readonly fn: string;
  readonly where: string;
  /** % of busy time (all samples except (idle)). */
  readonly pct: number;
  readonly ms: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly total_ms: number;
  readonly busy_ms: number;
  readonly top: HotSpot[];
  /** Busy time by area: our src/ folders, fastify, ws, node internals, GC, builtins. */
  readonly areas: Array<{ area: string; pct: number }>;
}

function where(url: string, line: number): string {
  if (url === '') return '(native)';
  let p = url.replace(/^file:\/\//, '');
  if (p.startsWith(`${ROOT}/`)) p = p.slice(ROOT.length + 1);
  const m = /^dist\/(src\/.*)\.js$/.exec(p);
  if (m) return `${m[1]}.ts (js:${line + 1})`;
  p = p.replace(/^.*node_modules\//, '');
  return `${p}:${line + 1}`;
}

function areaOf(name: string, url: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(idle)') return name;
  let p = url.replace(/^file:\/\//, '');
  if (p.startsWith(`${ROOT}/`)) p = p.slice(ROOT.length + 1);
  const ours = /^(?:dist\/)?(src\/[^/]+)\//.exec(p);
  if (ours) return ours[1]!;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p);
  if (pkg) return pkg[1]!;
  if (p.startsWith('node:')) return 'node internals';
  if (p.startsWith('bench/')) return 'bench';
  if (p === '') return 'native (V8 builtins, node bindings: writev, ...)';
  return p;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { fn: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!)!;
    const dt = p.timeDeltas[i] ?? 0;
    const cf = n.callFrame;
    total += dt;
    if (cf.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const key = `${cf.functionName}\u0000${cf.url}\u0000${cf.lineNumber}`;
    const e = self.get(key) ?? {
      fn: cf.functionName || '(anonymous)',
      where: where(cf.url, cf.lineNumber),
      us: 0,
    };
    e.us += dt;
    self.set(key, e);
    const a = areaOf(cf.functionName, cf.url);
    areas.set(a, (areas.get(a) ?? 0) + dt);
  }
  const busy = total - idle;
  return {
    file,
    total_ms: total / 1000,
    busy_ms: busy / 1000,
    top: [...self.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ fn: e.fn, where: e.where, pct: (100 * e.us) / busy, ms: e.us / 1000 })),
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, pct: (100 * us) / busy })),
  };
}

/** Every .cpuprofile in a folder (one per process that exited). */
export function profilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}
