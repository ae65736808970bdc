/**
 * Trajectories: one JSON line per episode holding everything needed to re-derive its score offline — the
 * task, seed, profile, episode id and versions, every tool call with its arguments and the environment's
 * reply, the submission (the arguments of the call that submitted), the score with its breakdown and, for
 * a model, the whole conversation. `replayTrajectory` replays the calls in order against a fresh episode of
 * the same task, seed, profile and episode id, regenerates every reply, judges the recorded submission, and
 * names the first thing that does not reproduce. Environment-level only (no CLI), so any front end that runs
 * episodes (the CLI, the server) can record the same format.
 */
import { z } from 'zod';
import type { Episode } from '../core/episode.js';
import { BenchError } from '../core/errors.js';
import { ROW_FORMATS, type RowFormat } from '../core/row-format.js';
import { BENCHMARK_VERSION, JUDGE_VERSION } from '../core/versions.js';
import { type EnvConnection, type ResetOptions, replyValue, type ToolReply } from './connection.js';
import type { RecordedCall } from './events.js';
import { InProcessEnv } from './in-process.js';
import { saltHashOf } from './salt.js';
import type { TaskCatalog } from './task-catalog.js';

/**
 * The text of a call's reply in a model's conversation: the JSON of the value the agent received
 * (replyValue), written once as the tool message (src/eval/loop.ts). `tool_chars` counts it, and rescoring
 * checks every tool message of a recorded conversation against it.
 */
export function toolMessageText(reply: unknown): string {
  return JSON.stringify(reply);
}

/** The format tag every trajectory line carries; a line with another tag is not replayed. */
export const TRAJECTORY_FORMAT = 'comtradebench.trajectory.v1';

const TrajectoryCallSchema = z.object({
  name: z.string(),
  /** The arguments exactly as sent (normally an object). */
  arguments: z.unknown(),
  /** The environment's reply: the tool's value, or {"error": {code, message, ...}}. */
  reply: z.unknown(),
  /** True on the reply that ended the episode (and any after it). */
  done: z.boolean(),
  /** The model's tool_call id (eval): the conversation's tool message that carried this reply. */
  tool_call_id: z.string().optional(),
});
export type TrajectoryCall = z.infer<typeof TrajectoryCallSchema>;

export const TrajectorySchema = z.object({
  format: z.literal(TRAJECTORY_FORMAT),
  task_id: z.string(),
  seed: z.number().int(),
  profile: z.string(),
  /** How the episode's pages carried rows (reset's row_format, else the profile's): replays reset with it. */
  row_format: z.enum(ROW_FORMATS).optional(),
  episode_id: z.string(),
  benchmark_version: z.string(),
  judge_version: z.string(),
  task_hash: z.string(),
  seed_salt_hash: z.string().nullable(),
  /** The agent's name or the model run's label, the model (null for scripted agents), the repeat. */
  agent: z.string(),
  model: z.string().nullable(),
  repeat: z.number().int().min(0),
  /** As in the result record (submitted, step_limit, max_turns, context_overflow, not_ended). */
  end_reason: z.string(),
  score: z.number(),
  /** The judge's breakdown the submission's reply carried; null when the episode ended without one. */
  breakdown: z.record(z.string(), z.unknown()).nullable(),
  /** Index in `calls` of the submit_results call that ended the episode: its arguments are the submission. */
  submission_call: z.number().int().min(0).nullable(),
  calls: z.array(TrajectoryCallSchema),
  /** The chat messages exchanged with the model (eval), as sent and received; null for scripted agents. */
  conversation: z.array(z.unknown()).nullable(),
});
export type Trajectory = z.infer<typeof TrajectorySchema>;

/** What a trajectory adds to the calls: who ran, how it ended, and the conversation. */
export interface TrajectoryMeta {
  readonly agent: string;
  readonly model: string | null;
  readonly repeat: number;
  readonly endReason: string;
  readonly score: number;
  readonly conversation?: readonly unknown[] | null;
  /** The model's tool_call id of each call, in order (eval). */
  readonly toolCallIds?: readonly string[];
}

/**
 * Records an episode as it is driven through an EnvConnection: the reset observation, every call and its
 * reply, the reply that ended the episode, and the characters of tool output the agent received.
 * `record` takes calls made by other means (a server's own steps).
 */
export class TrajectoryRecorder implements EnvConnection {
  private obs: Record<string, unknown> | null = null;
  private readonly calls: TrajectoryCall[] = [];
  private ended: { readonly reply: ToolReply; readonly index: number } | null = null;
  /** Characters of the JSON text of every reply so far. */
  toolChars = 0;
  readonly state?: () => Promise<Record<string, unknown>>;

  constructor(private readonly inner: EnvConnection) {
    if (inner.state !== undefined) this.state = () => inner.state!();
  }

  /** The reset observation of the episode being recorded. */
  get observation(): Record<string, unknown> {
    if (this.obs === null) throw new Error('the recorder has not seen a reset');
    return this.obs;
  }

  /** The first reply with done true, or null. */
  get final(): ToolReply | null {
    return this.ended?.reply ?? null;
  }

  async reset(opts: ResetOptions): Promise<Record<string, unknown>> {
    const obs = await this.inner.reset(opts);
    this.obs = obs;
    this.calls.length = 0;
    this.ended = null;
    this.toolChars = 0;
    return obs;
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<ToolReply> {
    const reply = await this.inner.callTool(name, args);
    this.record(name, args, reply);
    return reply;
  }

  record(name: string, args: unknown, reply: ToolReply): void {
    const value = replyValue(reply);
    this.toolChars += toolMessageText(value).length;
    if (reply.done && this.ended === null) this.ended = { reply, index: this.calls.length };
    this.calls.push({
      name,
      arguments: args,
      reply: value,
      done: reply.done,
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  trajectory(meta: TrajectoryMeta): Trajectory {
    const o = this.observation;
    const breakdown = (this.ended?.reply.value?.breakdown as Record<string, unknown> | undefined) ?? null;
    const ids = meta.toolCallIds;
    return {
      format: TRAJECTORY_FORMAT,
      task_id: o.task_id as string,
      seed: o.seed as number,
      profile: o.profile as string,
      row_format: o.row_format as RowFormat,
      episode_id: o.episode_id as string,
      benchmark_version: o.benchmark_version as string,
      judge_version: o.judge_version as string,
      task_hash: o.task_hash as string,
      seed_salt_hash: (o.seed_salt_hash as string | null | undefined) ?? null,
      agent: meta.agent,
      model: meta.model,
      repeat: meta.repeat,
      end_reason: meta.endReason,
      score: meta.score,
      breakdown,
      submission_call: breakdown === null ? null : this.ended!.index,
      calls: ids === undefined ? [...this.calls] : this.calls.map((c, i) => ({ ...c, tool_call_id: ids[i] })),
      conversation:
        meta.conversation === undefined || meta.conversation === null ? null : [...meta.conversation],
    };
  }
}

/** The agent a trajectory of a server episode names when its reset gave no agent_label. */
export const UNLABELLED_AGENT = 'unlabelled';

/**
 * The trajectory of an episode the server ran, from its recorded calls (src/env/environment.ts keeps the
 * calls, never the replies): a fresh episode of the same task, seed, profile, episode id and row format replays them
 * and regenerates every reply, exactly as `comtradebench rescore` will. The replay must end as the
 * episode did; a different score would mean a broken determinism guarantee, and throws.
 */
export async function trajectoryOfCalls(
  episode: Episode,
  calls: readonly RecordedCall[],
  agentLabel: string | null,
  catalog: TaskCatalog,
  salt: string,
): Promise<Trajectory> {
  const recorder = new TrajectoryRecorder(new InProcessEnv(catalog, salt));
  await recorder.reset({
    task_id: episode.task.id,
    seed: episode.inst.seed,
    profile: episode.task.profile,
    episode_id: episode.episodeId,
    row_format: episode.rowFormat,
  });
  for (const c of calls) await recorder.callTool(c.name, c.arguments as Record<string, unknown>);
  const score = episode.breakdown?.score ?? 0;
  const replayed = (recorder.final?.value?.breakdown as { score?: number } | undefined)?.score ?? 0;
  if (replayed !== score)
    throw new Error(`episode ${episode.episodeId}: its calls replay to score ${replayed}, not ${score}`);
  return recorder.trajectory({
    agent: agentLabel ?? UNLABELLED_AGENT,
    model: null,
    repeat: 0,
    endReason: episode.endReason ?? 'not_ended',
    score,
  });
}

/** A trajectory that cannot be replayed here: other versions, or a salt that is missing or wrong. */
export class ReplayRefused extends Error {
  override name = 'ReplayRefused';
}

/** Checks that a trajectory can be replayed with this catalogue and salt; throws ReplayRefused naming why. */
export function checkReplayable(t: Trajectory, catalog: TaskCatalog, salt: string): void {
  const who = episodeName(t);
  if (t.benchmark_version !== BENCHMARK_VERSION || t.judge_version !== JUDGE_VERSION) {
    throw new ReplayRefused(
      `${who}: recorded with benchmark ${t.benchmark_version} / judge ${t.judge_version}, this is benchmark ` +
        `${BENCHMARK_VERSION} / judge ${JUDGE_VERSION}; rescore it with the version that recorded it`,
    );
  }
  let taskHash: string;
  try {
    taskHash = catalog.resolve(t.task_id, t.profile).task_hash;
  } catch (e) {
    if (e instanceof BenchError) throw new ReplayRefused(`${who}: ${e.message}`);
    throw e;
  }
  if (taskHash !== t.task_hash) {
    throw new ReplayRefused(
      `${who}: recorded with task file ${t.task_hash}, this task file is ${taskHash}; rescore it with the task ` +
        'files that recorded it',
    );
  }
  if (t.seed_salt_hash !== null && saltHashOf(salt) !== t.seed_salt_hash) {
    throw new ReplayRefused(
      salt === ''
        ? `${who}: recorded on a salted deployment (seed_salt_hash ${t.seed_salt_hash}); give its SEED_SALT to rescore it`
        : `${who}: the salt given does not match seed_salt_hash ${t.seed_salt_hash}`,
    );
  }
}

/** The first place a replay differs from the recording. `call` is null for the score and breakdown. */
export interface Difference {
  readonly call: number | null;
  readonly tool: string | null;
  /** Where in the reply (or the trajectory) the values differ, e.g. `rows[3].primaryValue` or `score`. */
  readonly path: string;
  readonly recorded: string;
  readonly replayed: string;
}

export interface Verdict {
  readonly episode: string;
  readonly task_id: string;
  readonly seed: number;
  readonly repeat: number;
  readonly episode_id: string;
  readonly reproduced: boolean;
  readonly calls: number;
  readonly score_recorded: number;
  readonly score_replayed: number;
  readonly difference: Difference | null;
}

export const episodeName = (t: Pick<Trajectory, 'task_id' | 'seed' | 'repeat' | 'episode_id'>): string =>
  `${t.task_id} seed ${t.seed} repeat ${t.repeat} (episode ${t.episode_id})`;

/**
 * Replays a trajectory (call checkReplayable first): every call in order against a fresh episode, each
 * regenerated reply compared with the recorded one as JSON text, then the score and breakdown the judge
 * gives the recorded submission, then (for a model) that every tool message of the conversation carried
 * exactly the recorded reply.
 */
export async function replayTrajectory(t: Trajectory, catalog: TaskCatalog, salt: string): Promise<Verdict> {
  const env = new InProcessEnv(catalog, t.seed_salt_hash === null ? '' : salt);
  await env.reset({
    task_id: t.task_id,
    seed: t.seed,
    profile: t.profile,
    row_format: t.row_format,
    episode_id: t.episode_id,
  });
  const verdict = (scoreReplayed: number, difference: Difference | null): Verdict => ({
    episode: episodeName(t),
    task_id: t.task_id,
    seed: t.seed,
    repeat: t.repeat,
    episode_id: t.episode_id,
    reproduced: difference === null,
    calls: t.calls.length,
    score_recorded: t.score,
    score_replayed: scoreReplayed,
    difference,
  });
  const scoreNow = () => env.current?.breakdown?.score ?? 0;

  let submitted: number | null = null;
  for (let i = 0; i < t.calls.length; i++) {
    const c = t.calls[i]!;
    const reply = await env.callTool(c.name, c.arguments as Record<string, unknown>);
    const replayed = replyValue(reply);
    const d = difference(c.reply, replayed, '');
    if (d !== null) return verdict(scoreNow(), { call: i, tool: c.name, ...d });
    if (c.done !== reply.done)
      return verdict(scoreNow(), { call: i, tool: c.name, path: 'done', ...shown(c.done, reply.done) });
    if (submitted === null && reply.done && reply.value?.breakdown !== undefined) submitted = i;
  }
  const episode = env.current!;
  if (!episode.done) await env.close();
  const breakdown = episode.breakdown!;
  if (t.submission_call !== submitted)
    return verdict(breakdown.score, {
      call: null,
      tool: null,
      path: 'submission_call',
      ...shown(t.submission_call, submitted),
    });
  if (t.score !== breakdown.score)
    return verdict(breakdown.score, {
      call: null,
      tool: null,
      path: 'score',
      ...shown(t.score, breakdown.score),
    });
  if (t.breakdown !== null) {
    const d = difference(t.breakdown, breakdown, 'breakdown');
    if (d !== null) return verdict(breakdown.score, { call: null, tool: null, ...d });
  }
  const conv = conversationDifference(t);
  return verdict(breakdown.score, conv);
}

/** A tool message of the conversation whose content is not its call's recorded reply. */
function conversationDifference(t: Trajectory): Difference | null {
  if (t.conversation === null) return null;
  const contentById = new Map<string, unknown>();
  for (const m of t.conversation as Array<{ role?: unknown; tool_call_id?: unknown; content?: unknown }>) {
    if (m?.role === 'tool' && typeof m.tool_call_id === 'string') contentById.set(m.tool_call_id, m.content);
  }
  for (let i = 0; i < t.calls.length; i++) {
    const c = t.calls[i]!;
    if (c.tool_call_id === undefined) continue;
    const text = toolMessageText(c.reply);
    const content = contentById.get(c.tool_call_id);
    if (content !== text)
      return {
        call: i,
        tool: c.name,
        path: `conversation tool message ${c.tool_call_id}`,
        ...shown(text, content),
      };
  }
  return null;
}

const SHOWN = 160;
const clip = (v: unknown): string => {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > SHOWN ? `${s.slice(0, SHOWN)}…` : s;
};
const shown = (recorded: unknown, replayed: unknown) => ({
  recorded: clip(recorded),
  replayed: clip(replayed),
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where two JSON values first differ, as a path (`rows[3].primaryValue`), or null when their JSON text is
 * identical (key order included).
 */
function difference(
  recorded: unknown,
  replayed: unknown,
  path: string,
): Omit<Difference, 'call' | 'tool'> | null {
  if (JSON.stringify(recorded) === JSON.stringify(replayed)) return null;
  return locate(recorded, replayed, path) ?? { path: path || '(key order)', ...shown(recorded, replayed) };
}

function locate(a: unknown, b: unknown, path: string): Omit<Difference, 'call' | 'tool'> | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = `${path}[${i}]`;
      if (i >= a.length || i >= b.length) return { path: p, ...shown(a[i], b[i]) };
      const d = locate(a[i], b[i], p);
      if (d !== null) return d;
    }
    return null;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const p = path === '' ? k : `${path}.${k}`;
      if (!Object.hasOwn(a, k) || !Object.hasOwn(b, k)) return { path: p, ...shown(a[k], b[k]) };
      const d = locate(a[k], b[k], p);
      if (d !== null) return d;
    }
    return null;
  }
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b)
    ? null
    : { path: path || '(value)', ...shown(a, b) };
}

/**
 * About the size of a value's JSON text (strings by their length, other scalars 8 bytes), in one walk
 * that builds no text: several times cheaper than JSON.stringify or the exact UTF-8 count of
 * src/core/submission.ts, for the memory bound on recorded calls (src/env/sessions.ts).
 */
export function approxJsonBytes(value: unknown): number {
  let n = 0;
  const stack: object[] = [];
  const add = (x: unknown) => {
    if (typeof x === 'string') n += x.length + 2;
    else if (typeof x === 'object' && x !== null) stack.push(x);
    else n += 8;
  };
  add(value);
  while (stack.length > 0) {
    const v = stack.pop()!;
    n += 2;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) add(v[i]);
      continue;
    }
    for (const k in v) {
      n += k.length + 4;
      add((v as Record<string, unknown>)[k]);
    }
  }
  return n;
}
