/**
 * Shared test helpers: the catalogue, the agent registry, the seeds, and episode runners that keep the core
 * episode.
 */
import { InProcessEnv } from '../../src/env/in-process.js';
import { agents } from '../../src/agents/index.js';
import { type EpisodeResult, runEpisode } from '../../src/agents/runner.js';
import type { Agent } from '../../src/agents/types.js';
import type { EnvConnection, ToolReply } from '../../src/env/connection.js';
import { Episode as CoreEpisode, type Episode } from '../../src/core/episode.js';
import type { Dimension } from '../../src/core/judge/index.js';
import { pageRows } from '../../src/core/row-format.js';
import { loadTasks } from '../../src/env/task-catalog.js';

export const catalog = loadTasks();
export const registry = agents(catalog);
export const TASK_IDS = catalog.ids;

/** The size profiles every judge property is checked on (src/core/task-spec.ts, tasks/*.json). */
export const PROFILES = ['default', 'llm'] as const;

/**
 * The seeds of every seeded property ("on every seed" means every seed of this list). `npm test` checks a
 * sample of four, spread over the sweep's range with both parities (some tests salt odd seeds);
 * `npm run test:sweep` sets CB_TEST_SWEEP=1 and runs test/core again with seeds 0..19 (docs/benchmark.md,
 * section 10). A new seeded property takes its seeds from here, so it runs in both.
 */
export const SWEEP = process.env.CB_TEST_SWEEP === '1';
export const SWEEP_SEEDS: readonly number[] = Array.from({ length: 20 }, (_, i) => i);
export const SAMPLE_SEEDS: readonly number[] = [0, 6, 13, 19];
export const SEEDS: readonly number[] = SWEEP ? SWEEP_SEEDS : SAMPLE_SEEDS;

export const DIMENSION_MAX: Record<Dimension, number> = {
  correctness: 30,
  completeness: 15,
  robustness: 15,
  efficiency: 15,
  data_quality: 15,
  observability: 10,
};

export interface Call {
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly reply: ToolReply;
}

export interface Run {
  readonly result: EpisodeResult;
  /** The core episode after the run (trace at episode.api.trace). */
  readonly episode: Episode;
  /** Every tool call the agent made, with its reply. */
  readonly calls: readonly Call[];
}

/** Wraps an environment so that every tool call and reply is recorded. */
export function recording(env: EnvConnection, calls: Call[]): EnvConnection {
  return {
    reset: (o) => env.reset(o),
    close: () => env.close(),
    callTool: async (name, args) => {
      const reply = await env.callTool(name, args);
      calls.push({ name, args, reply });
      return reply;
    },
  };
}

/** Runs one named agent for one episode in-process. */
export async function run(agent: string, taskId: string, seed: number, profile?: string): Promise<Run> {
  const a = registry.get(agent);
  if (a === undefined) throw new Error(`no agent ${agent}`);
  return runAgent(a, taskId, seed, profile);
}

/** Runs an agent (named or made by a test) for one episode in-process. */
export async function runAgent(a: Agent, taskId: string, seed: number, profile?: string): Promise<Run> {
  const env = new InProcessEnv(catalog);
  const calls: Call[] = [];
  const result = await runEpisode(recording(env, calls), a, { task_id: taskId, seed, profile });
  const episode = env.current;
  if (episode === null) throw new Error('no episode');
  return { result, episode, calls };
}

/** The values of the 200 responses of fetch_page, in order, with their rows as row objects (pageRows). */
export function servedPages(calls: readonly Call[]): Record<string, unknown>[] {
  return calls
    .filter((c) => c.name === 'fetch_page' && c.reply.value !== null && c.reply.value.status === 200)
    .map((c) => ({ ...c.reply.value, rows: pageRows(c.reply.value!) }));
}

export const keyOf = (r: Record<string, unknown>): string =>
  `${r.period}|${r.reporterCode}|${r.partnerCode}|${r.flowCode}|${r.cmdCode}`;

/** Points lost per dimension: reference points minus persona points. */
export function lossPerDimension(ref: EpisodeResult, other: EpisodeResult): Record<Dimension, number> {
  const out = {} as Record<Dimension, number>;
  for (const d of Object.keys(DIMENSION_MAX) as Dimension[]) out[d] = ref.dimensions[d] - other.dimensions[d];
  return out;
}

/** An agent's episode replayed on a fresh core episode up to (not including) its submission. */
export function replay(taskId: string, profile: string, seed: number, calls: readonly Call[]): Episode {
  const ep = new CoreEpisode({ task: catalog.resolve(taskId, profile), seed, episodeId: 'replay' });
  for (const c of calls) {
    if (c.name === 'submit_results') break;
    ep.runTool(c.name, c.args);
  }
  return ep;
}

/** A tool result that must succeed. */
export function okValue(r: ReturnType<Episode['runTool']>): Record<string, unknown> {
  if (!r.outcome.ok) throw new Error(`${r.outcome.error.code}: ${r.outcome.error.message}`);
  return r.outcome.value;
}

/** The error code of a tool call that must fail. */
export function errorCode(r: ReturnType<Episode['runTool']>): string {
  if (r.outcome.ok)
    throw new Error(`expected a tool error, got ${JSON.stringify(r.outcome.value).slice(0, 200)}`);
  return r.outcome.error.code;
}

export interface Walk {
  /** Every row served by a 200, with its row_id, in order. */
  readonly served: Record<string, unknown>[];
  /** One request event per fetch_page response. */
  readonly log: Array<{ page: number; status: number }>;
}

/**
 * One pass over every page at the largest page size, waiting retry_after_s after a 429 and retrying 500s:
 * enough to collect every row on tasks without drift.
 */
export function walkAllPages(ep: Episode): Walk {
  const size = ep.task.max_page_size;
  const served: Record<string, unknown>[] = [];
  const log: Array<{ page: number; status: number }> = [];
  let pages = Math.ceil(ep.inst.streamLength / size);
  let waitS = 0;
  for (let page = 1; page <= pages; page++) {
    for (;;) {
      const args: Record<string, unknown> = { page, page_size: size };
      if (waitS > 0) args.wait_s = waitS;
      waitS = 0;
      const v = okValue(ep.runTool('fetch_page', args));
      log.push({ page, status: v.status as number });
      if (v.status === 200) {
        pages = v.total_pages as number;
        served.push(...pageRows(v));
        break;
      }
      if (v.status === 429) waitS = v.retry_after_s as number;
      if (v.status === 402) throw new Error('budget exhausted');
    }
  }
  return { served, log };
}

/** Served real rows, first copy per key, without row_id (a clean submission). */
export function cleanRows(served: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const r of served) {
    if (r.is_total === true) continue;
    const { row_id: _id, ...fields } = r;
    if (!byKey.has(keyOf(fields))) byKey.set(keyOf(fields), fields);
  }
  return [...byKey.values()];
}
