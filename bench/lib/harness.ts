/**
 * What the sections share: the cores, a run's context (plan, results, task ids, log and profile folders),
 * and the servers and clients of a load: our server, the floor, a client, paired windows of the same client
 * against both, and the table rows of a load with its floor ratio.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from './plan.js';
import type { Row } from './report.js';
import { runWorker, type Server, startServer, type WorkerEvent } from './spawn.js';
import { ratio, type Summary, summarise } from './stats.js';

export const SERVER_CPU = 0;
export const CLIENT_CPU = 1;
const VOID_CLIENT_PCT = 90;
/** A load figure is flagged when the rest of the machine used more than this (median over runs). */
export const NOISY_PCT = 15;

export interface Results {
  rows: Row[];
  raw: Record<string, unknown>;
  errors: Record<string, string>;
}

/** One run of the harness, handed to every section. */
export interface Harness {
  readonly p: Plan;
  readonly out: Results;
  /** Task ids of the catalogue. */
  readonly ids: string[];
  /** Where servers log (kept when a section fails). */
  readonly logDir: string;
  /** --profile DIR, or null. */
  readonly profileRoot: string | null;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export type RunRecord = Record<string, number>;
export const col = (runs: readonly RunRecord[], key: string): Summary => summarise(runs.map((r) => r[key]!));

export const profileDir = (h: Harness, label: string) => {
  if (h.profileRoot === null) return undefined;
  const d = join(h.profileRoot, label);
  mkdirSync(d, { recursive: true });
  return d;
};

export function realServer(
  h: Harness,
  label: string,
  env: Record<string, string> = {},
  inspect = false,
): Promise<Server> {
  return startServer({
    label,
    kind: 'real',
    cpu: SERVER_CPU,
    logDir: h.logDir,
    profileDir: inspect ? undefined : profileDir(h, label),
    inspect,
    env: { MAX_CONCURRENT_ENVS: '200000', LOG_LEVEL: 'info', ...env },
  });
}

export function floorServer(h: Harness, label: string, small: string, recordings?: string): Promise<Server> {
  return startServer({
    label,
    kind: 'floor',
    cpu: SERVER_CPU,
    logDir: h.logDir,
    env: { FLOOR_SMALL: small, ...(recordings ? { FLOOR_RECORDINGS: recordings } : {}) },
  });
}

/** A load client; with --profile its own CPU profile goes under client-<label>. */
export function client(
  h: Harness,
  name: string,
  args: Record<string, unknown>,
  timeoutS: number,
  label: string,
): Promise<WorkerEvent> {
  return runWorker(name, args, { cpu: CLIENT_CPU, timeoutS, profileDir: profileDir(h, `client-${label}`) });
}

/**
 * The same client against our server and against the floor, both processes started together and their
 * windows alternated (ours, floor, floor, ours, ...), so that run i of each is measured side by side in
 * time and a slow phase of the machine lands on both, h.p.runs windows of `windowS` seconds each.
 * Resolves with [ours, floor].
 */
export async function paired(
  h: Harness,
  name: string,
  args: Record<string, unknown>,
  ours: Server,
  floor: Server,
  windowS: number,
  label: string,
): Promise<[WorkerEvent, WorkerEvent]> {
  const runs = h.p.runs;
  const timeoutS = 60 + runs * windowS * 3;
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
        profileDir: profileDir(h, `client-${tag}`),
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

/**
 * Fails the section when our run or the floor's reports a problem: `problem` describes it (appended to
 * "ours" or "floor") or returns null.
 */
export function requireClean(
  ours: WorkerEvent,
  floor: WorkerEvent,
  problem: (e: WorkerEvent) => string | null,
): void {
  for (const [who, e] of [
    ['ours', ours],
    ['floor', floor],
  ] as const) {
    const p = problem(e);
    if (p !== null) throw new Error(`${who}${p}`);
  }
}

/** Rows for one load scenario measured on our server and on the floor with the same client. */
export function loadRows(
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

/** A load section's window options for its worker: runs per figure, window, warm-up and re-warm. */
export function windowArgs(p: Plan, section: { windowS: number; warmupS: number; rewarmS: number }) {
  return { runs: p.runs, windowS: section.windowS, warmupS: section.warmupS, rewarmS: section.rewarmS };
}
