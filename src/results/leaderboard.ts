/**
 * The leaderboard: result records (src/results/record.ts) of the episodes a server scored itself, grouped
 * by (agent_label, profile), ranked by the statistics of src/results/stats.ts (the same bootstrap as
 * `run` and `eval`), kept in a JSON-lines file that survives restarts.
 *
 * - Versions are never mixed: only records of this build's benchmark and judge versions, of the deployment's
 *   salt hash and of each task file's current hash are ranked. Records of other versions stay in the file
 *   untouched (counted as `other_versions`); a new version starts an empty leaderboard.
 * - Bounded: at most `maxAgents` groups (the least recently updated one is dropped for a new one) of at most
 *   `maxEpisodes` records each (the oldest dropped first). The file is appended one line per episode and
 *   rewritten atomically (temporary file, fsync, rename) once it holds more than twice what is kept plus
 *   1,024 lines.
 * - A file that cannot be read, or any line that is not a valid record (a crash's cut-off last line, an edit),
 *   is reported in the log and the file is set aside (renamed `<path>.corrupt-<time>`); the valid records are
 *   written to a fresh file. Nothing here throws at the server: a file that cannot be written turns
 *   persistence off (reported once) and the leaderboard carries on in memory.
 * - Statistics are computed in the background, one group at a time, leaving the event loop at least half
 *   of the time (a group of maxEpisodes records takes ~0.1 s at LEADERBOARD_RESAMPLES); an entry appears
 *   once computed (`pending` counts the groups waiting).
 */
import { dirname } from 'node:path';
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { z } from 'zod';
import { DIMENSIONS, type Dimension } from '../core/judge/index.js';
import { LineFile, rewriteLines } from './lines.js';
import type { EpisodeRecord } from './record.js';
import { BOOTSTRAP_SEED, SUCCESS_SCORE, type ScoreStats, type Summary, summarise } from './stats.js';

/** Bootstrap resamples of the leaderboard's intervals (the CLI's 10,000 would take ten times as long). */
export const LEADERBOARD_RESAMPLES = 1000;

/** What a record must match to be ranked: this build's versions and task files, this deployment's salt. */
export interface CurrentVersions {
  readonly benchmark_version: string;
  readonly judge_version: string;
  readonly seed_salt_hash: string | null;
  /** The current hash of a task's file for a profile, or null for an unknown task or profile. */
  taskHash(taskId: string, profile: string): string | null;
}

export interface LeaderboardLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LeaderboardOptions {
  /** The JSON-lines file; null keeps the leaderboard in memory only. */
  readonly path: string | null;
  readonly maxAgents: number;
  readonly maxEpisodes: number;
  readonly current: CurrentVersions;
  /** Tasks in report order. */
  readonly taskOrder: readonly string[];
  readonly log: LeaderboardLog;
  readonly resamples?: number;
  /** Wall clock for the names of set-aside files (injectable for tests). */
  readonly now?: () => number;
}

const count = z.number().int().min(0);
const nullableCount = count.nullable();

/** A record line as the leaderboard reads it back: record.ts's shape, checked. */
const RecordLine = z.object({
  task_id: z.string().min(1).max(255),
  seed: count,
  profile: z.string().min(1).max(64),
  repeat: count,
  agent: z.string().min(1).max(64),
  model: z.string().nullable(),
  score: z.number().min(0).max(100),
  dimensions: z.object(
    Object.fromEntries(DIMENSIONS.map((d) => [d, z.number().min(0).max(100)])) as Record<
      Dimension,
      z.ZodNumber
    >,
  ),
  end_reason: z.string().min(1).max(64),
  requests: count,
  virtual_time_s: z.number().min(0),
  turns: nullableCount,
  prompt_tokens: nullableCount,
  completion_tokens: nullableCount,
  tool_chars: nullableCount,
  benchmark_version: z.string(),
  judge_version: z.string(),
  task_hash: z.string(),
  seed_salt_hash: z.string().nullable(),
  evidence: z.record(z.string(), z.union([z.number(), z.string()])),
  episode_id: z.string(),
  wall_time_s: z.number().min(0),
});

/** The statistics every row of the leaderboard carries, for an agent and for each of its tasks. */
export interface EntryStats {
  readonly episodes: number;
  /** (task, seed) cells: the bootstrap's unit. */
  readonly seeds: number;
  readonly mean: number;
  readonly ci95: readonly [number, number];
  readonly success_rate: number;
  /** Mean points per dimension. */
  readonly dimensions: Record<Dimension, number>;
}

/** Per-task statistics of an entry (the drill-down). */
export interface TaskEntry extends EntryStats {
  readonly task_id: string;
}

export interface LeaderboardEntry extends EntryStats {
  /** 1-based rank among the entries of the same profile. */
  readonly rank: number;
  readonly agent_label: string;
  readonly profile: string;
  /** Distinct tasks played. */
  readonly tasks: number;
  readonly mean_requests: number;
  readonly end_reasons: Record<string, number>;
  readonly by_task: readonly TaskEntry[];
}

export interface LeaderboardDocument {
  readonly benchmark_version: string;
  readonly judge_version: string;
  readonly seed_salt_hash: string | null;
  readonly success_score: number;
  readonly bootstrap: Summary['bootstrap'];
  readonly limits: { readonly max_agents: number; readonly max_episodes_per_agent: number };
  /** Groups whose statistics are still being computed (they appear shortly). */
  readonly pending: number;
  /** Records of other benchmark, judge, salt or task-file versions in the file (never ranked). */
  readonly other_versions: number;
  readonly entries: LeaderboardEntry[];
}

interface Group {
  readonly label: string;
  readonly profile: string;
  readonly records: EpisodeRecord[];
  /** When the group last changed (a counter), for dropping the least recently updated group. */
  touched: number;
  summary: Summary | null;
}

const headline = (s: ScoreStats): EntryStats => ({
  episodes: s.episodes,
  seeds: s.seeds,
  mean: s.mean_score,
  ci95: s.ci95,
  success_rate: s.success_rate,
  dimensions: s.mean_dimensions,
});

export class Leaderboard {
  private readonly groups = new Map<string, Group>();
  private readonly dirty = new Set<string>();
  /** Lines of other versions, kept verbatim for rewrites (bounded like the ranked records). */
  private readonly others: string[] = [];
  private file: LineFile | null = null;
  private fileLines = 0;
  private persist: boolean;
  private tick = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly resamples: number;
  private readonly now: () => number;

  constructor(private readonly opts: LeaderboardOptions) {
    this.persist = opts.path !== null;
    this.resamples = opts.resamples ?? LEADERBOARD_RESAMPLES;
    this.now = opts.now ?? Date.now;
    this.load();
  }

  /** Records kept (ranked or waiting to be). */
  get size(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.records.length;
    return n;
  }

  /** Whether a record matches this build's versions and task files (only those are ranked). */
  isCurrent(r: EpisodeRecord): boolean {
    const c = this.opts.current;
    return (
      r.benchmark_version === c.benchmark_version &&
      r.judge_version === c.judge_version &&
      r.seed_salt_hash === c.seed_salt_hash &&
      c.taskHash(r.task_id, r.profile) === r.task_hash
    );
  }

  /** Adds the record of an episode the server scored (`agent` is its agent_label) and writes its line. */
  add(record: EpisodeRecord): void {
    if (this.closed) return;
    if (!this.isCurrent(record)) {
      this.opts.log.warn({ task_id: record.task_id }, 'leaderboard: a record of other versions is not kept');
      return;
    }
    this.keep(record);
    this.append(JSON.stringify(record));
    this.schedule();
  }

  /** The ranked entries, and what is still being computed. */
  document(): LeaderboardDocument {
    const entries: Array<Omit<LeaderboardEntry, 'rank'>> = [];
    for (const g of this.groups.values()) {
      const s = g.summary;
      if (s === null) continue;
      entries.push({
        agent_label: g.label,
        profile: g.profile,
        ...headline(s.overall),
        tasks: s.tasks.length,
        mean_requests: s.overall.mean_requests,
        end_reasons: s.overall.end_reasons,
        by_task: s.tasks.map((t) => ({ task_id: t.task_id, ...headline(t) })),
      });
    }
    entries.sort(
      (a, b) =>
        a.profile.localeCompare(b.profile) ||
        b.mean - a.mean ||
        b.episodes - a.episodes ||
        a.agent_label.localeCompare(b.agent_label),
    );
    const ranks = new Map<string, number>();
    const c = this.opts.current;
    return {
      benchmark_version: c.benchmark_version,
      judge_version: c.judge_version,
      seed_salt_hash: c.seed_salt_hash,
      success_score: SUCCESS_SCORE,
      bootstrap: {
        resamples: this.resamples,
        seed: BOOTSTRAP_SEED,
        unit: '(task, seed) cell, mean of its repeats',
      },
      limits: { max_agents: this.opts.maxAgents, max_episodes_per_agent: this.opts.maxEpisodes },
      pending: this.dirty.size,
      other_versions: this.others.length,
      entries: entries.map((e) => {
        const rank = (ranks.get(e.profile) ?? 0) + 1;
        ranks.set(e.profile, rank);
        return { rank, ...e };
      }),
    };
  }

  /** Stops the background work and closes the file. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.file?.close();
    } catch (e) {
      this.opts.log.error({ err: e }, 'leaderboard: closing the file failed');
    }
    this.file = null;
  }

  // ---- Memory ----

  private keep(record: EpisodeRecord): void {
    const key = `${record.profile}\u0000${record.agent}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      if (this.groups.size >= this.opts.maxAgents) this.dropStalest();
      g = { label: record.agent, profile: record.profile, records: [], touched: 0, summary: null };
      this.groups.set(key, g);
    }
    g.records.push(record);
    if (g.records.length > this.opts.maxEpisodes) g.records.shift();
    g.touched = ++this.tick;
    this.dirty.add(key);
  }

  private dropStalest(): void {
    let stalest: [string, Group] | null = null;
    for (const e of this.groups) if (stalest === null || e[1].touched < stalest[1].touched) stalest = e;
    if (stalest === null) return;
    this.groups.delete(stalest[0]);
    this.dirty.delete(stalest[0]);
    this.opts.log.info(
      { agent_label: stalest[1].label, profile: stalest[1].profile, max_agents: this.opts.maxAgents },
      'leaderboard: the least recently updated agent was dropped (LEADERBOARD_MAX_AGENTS)',
    );
  }

  // ---- Statistics, in the background ----

  private schedule(delayMs = 0): void {
    if (this.timer !== null || this.closed || this.dirty.size === 0) return;
    this.timer = setTimeout(() => this.refreshOne(), delayMs);
    this.timer.unref();
  }

  /** Computes one group's statistics, then waits as long as that took before the next. */
  private refreshOne(): void {
    this.timer = null;
    const key = this.dirty.values().next().value;
    if (key === undefined) return;
    this.dirty.delete(key);
    const g = this.groups.get(key);
    if (g === undefined) return this.schedule();
    const started = performance.now();
    g.summary = summarise(g.records, {
      agent: g.label,
      profile: g.profile,
      taskOrder: this.opts.taskOrder,
      resamples: this.resamples,
    });
    this.schedule(performance.now() - started);
  }

  // ---- The file ----

  private load(): void {
    const path = this.opts.path;
    if (path === null) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.opts.log.error({ err: e, path }, 'leaderboard: the file cannot be read; setting it aside');
      this.setAside(path, []);
      return;
    }
    const lines = text.split('\n');
    const corrupt: number[] = [];
    const kept: string[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        corrupt.push(i + 1);
        return;
      }
      const parsed = RecordLine.safeParse(value);
      if (!parsed.success) {
        corrupt.push(i + 1);
        return;
      }
      const record = parsed.data as EpisodeRecord;
      if (this.isCurrent(record)) this.keep(record);
      else this.keepOther(line);
      kept.push(line);
    });
    this.fileLines = kept.length;
    if (corrupt.length > 0) {
      this.opts.log.warn(
        { path, corrupt_lines: corrupt.length, first_corrupt_line: corrupt[0], records: kept.length },
        'leaderboard: the file has lines that are not records; setting it aside and keeping the valid records',
      );
      this.setAside(path, this.retainedLines());
    } else if (this.fileLines > 2 * this.retainedCount() + 1024) this.compact();
    this.opts.log.info(
      { path, records: this.size, groups: this.groups.size, other_versions: this.others.length },
      'leaderboard loaded',
    );
    this.schedule();
  }

  private keepOther(line: string): void {
    this.others.push(line);
    if (this.others.length > this.opts.maxAgents * this.opts.maxEpisodes) this.others.shift();
  }

  private retainedCount(): number {
    return this.size + this.others.length;
  }

  private retainedLines(): string[] {
    const lines = [...this.others];
    for (const g of this.groups.values()) for (const r of g.records) lines.push(JSON.stringify(r));
    return lines;
  }

  /** Renames the file `<path>.corrupt-<time>` and writes `lines` to a fresh one. */
  private setAside(path: string, lines: readonly string[]): void {
    const aside = `${path}.corrupt-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(path, aside);
      this.opts.log.warn({ path, set_aside_as: aside }, 'leaderboard: the file was set aside');
    } catch (e) {
      this.opts.log.error(
        { err: e, path },
        'leaderboard: the file cannot be set aside; keeping results in memory only',
      );
      this.persist = false;
      return;
    }
    this.rewrite(lines);
  }

  private compact(): void {
    this.file?.close();
    this.file = null;
    this.rewrite(this.retainedLines());
  }

  /** Replaces the file by `lines` atomically. */
  private rewrite(lines: readonly string[]): void {
    const path = this.opts.path!;
    try {
      mkdirSync(dirname(path), { recursive: true });
      rewriteLines(path, lines);
      this.fileLines = lines.length;
    } catch (e) {
      this.fail(e);
    }
  }

  private append(line: string): void {
    if (!this.persist) return;
    const path = this.opts.path!;
    try {
      if (this.file === null) {
        mkdirSync(dirname(path), { recursive: true });
        this.file = new LineFile(path, true, false);
      }
      this.file.writeLine(line);
      this.fileLines += 1;
    } catch (e) {
      this.fail(e);
      return;
    }
    if (this.fileLines > 2 * this.retainedCount() + 1024) this.compact();
  }

  private fail(e: unknown): void {
    this.opts.log.error(
      { err: e, path: this.opts.path },
      'leaderboard: the file cannot be written; keeping results in memory only',
    );
    this.persist = false;
    try {
      this.file?.close();
    } catch {
      // Already reported: the file is unusable.
    }
    this.file = null;
  }
}
