/**
 * The session store: every live environment, whoever holds it (a /ws connection, an MCP session, or a
 * stateful HTTP episode), under one capacity (MAX_CONCURRENT_ENVS) and one idle reaper
 * (SESSION_TIMEOUT_S). Live episode ids are unique across sessions, and an episode is stored under
 * (task_id, episode_id). Finished HTTP episodes stop counting against capacity but stay readable
 * (state, breakdown) in a bounded recent list. Environments report episodes and tool calls to the store,
 * which tells its observers (src/env/events.ts). HTTP episodes keep their calls for their trajectory
 * (src/env/trajectory.ts), under one memory bound (keepCallsBytes).
 */
import { randomUUID } from 'node:crypto';
import type { Episode } from '../core/episode.js';
import { BenchError } from '../core/errors.js';
import { TaskInfoText } from '../core/task-info.js';
import type { ResolvedTask } from '../core/task-spec.js';
import type { TaskCatalog } from './task-catalog.js';
import { ComtradeEnvironment, type EnvContext, type EnvEvents, type ResultFormat } from './environment.js';
import type { EnvObserver, RecordedCall } from './events.js';
import { saltHashOf } from './salt.js';
import { type Trajectory, trajectoryOfCalls } from './trajectory.js';

export type SessionKind = 'ws' | 'mcp' | 'http';

export interface Session {
  readonly id: string;
  readonly kind: SessionKind;
  readonly env: ComtradeEnvironment;
  lastActiveMs: number;
}

const MiB = 1024 * 1024;
/** The default bound on recorded calls: 128 MiB of (approximate) JSON. */
export const DEFAULT_KEEP_CALLS_BYTES = 128 * MiB;

export interface SessionStoreOptions {
  readonly catalog: TaskCatalog;
  readonly capacity: number;
  readonly idleTimeoutMs: number;
  readonly salt?: string;
  /** How call results carry tool values on the OpenEnv paths (default full). */
  readonly resultFormat?: ResultFormat;
  /** Finished HTTP episodes kept readable. */
  readonly keepFinished?: number;
  /**
   * Bytes (approximate JSON size) of the calls HTTP episodes keep for their trajectories, live and
   * finished together; the oldest finished episodes' calls are forgotten first (default 128 MiB).
   */
  readonly keepCallsBytes?: number;
  /** Milliseconds clock (injectable for tests). */
  readonly now?: () => number;
}

export class SessionStore {
  private readonly live = new Map<string, Session>();
  private readonly finished = new Map<string, Session>();
  /** episode id -> the session whose environment last started it. */
  private readonly byEpisode = new Map<string, Session>();
  private readonly byEnv = new WeakMap<ComtradeEnvironment, Session>();
  /** get_task_info's text writers, one per resolved task (tasks are resolved once by the catalog). */
  private readonly infoTexts = new Map<ResolvedTask, TaskInfoText>();
  private readonly ctx: EnvContext;
  private readonly now: () => number;
  private readonly keepFinished: number;
  private readonly observers: EnvObserver[] = [];
  /** Finished HTTP episodes' recorded calls, oldest first, with their size. */
  private readonly keptCalls: Array<{
    env: ComtradeEnvironment;
    calls: readonly RecordedCall[];
    bytes: number;
  }> = [];
  /** Bytes of recorded calls, live and finished episodes together (keepCallsBytes bounds it). */
  private recordedBytes = 0;

  constructor(readonly opts: SessionStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.keepFinished = opts.keepFinished ?? 10_000;
    const salt = opts.salt ?? '';
    this.ctx = {
      catalog: opts.catalog,
      salt,
      saltHash: saltHashOf(salt),
      resultFormat: opts.resultFormat ?? 'full',
      infoText: (task) => {
        let t = this.infoTexts.get(task);
        if (t === undefined) {
          t = new TaskInfoText(task);
          this.infoTexts.set(task, t);
        }
        return t;
      },
      episodeIdTaken: (episodeId, self) => {
        const owner = this.episodeOwner(episodeId);
        return owner !== undefined && owner.env !== self;
      },
      onEpisode: (env, previousId, episodeId) => {
        if (previousId !== null && this.byEpisode.get(previousId)?.env === env)
          this.byEpisode.delete(previousId);
        const s = this.byEnv.get(env);
        if (s !== undefined) this.byEpisode.set(episodeId, s);
      },
      events: this.events(),
    };
  }

  /** Adds an observer of episodes, tool calls and refusals; returns the function that removes it. */
  observe(observer: EnvObserver): () => void {
    this.observers.push(observer);
    return () => {
      const i = this.observers.indexOf(observer);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /** The environments' reports, passed to the observers with the session's kind. */
  private events(): EnvEvents {
    const observers = this.observers;
    const episodeEvent = (env: ComtradeEnvironment, ep: Episode, kind: SessionKind) => ({
      transport: kind,
      episode: ep,
      agentLabel: env.agentLabel,
    });
    return {
      recordsCalls: (env) => this.byEnv.get(env)?.kind === 'http',
      reserve: (bytes) => this.reserveCalls(bytes),
      release: (bytes) => {
        this.recordedBytes -= bytes;
      },
      started: (env, ep) => {
        const kind = this.byEnv.get(env)?.kind;
        if (kind === undefined || observers.length === 0) return;
        const e = episodeEvent(env, ep, kind);
        for (const o of observers) o.episodeStarted?.(e);
      },
      called: (env, tool, ok, fault) => {
        if (observers.length === 0) return;
        const kind = this.byEnv.get(env)?.kind;
        if (kind === undefined) return;
        for (const o of observers) o.toolCalled?.(kind, tool, ok, fault);
      },
      ended: (env, ep) => {
        const kind = this.byEnv.get(env)?.kind;
        if (kind === undefined) return;
        const calls = env.recordedCalls;
        if (calls !== null) this.keptCalls.push({ env, calls, bytes: env.recordedBytes });
        while (this.keptCalls.length > this.keepFinished) this.forgetOldestCalls();
        if (observers.length === 0) return;
        const e = episodeEvent(env, ep, kind);
        for (const o of observers) o.episodeEnded?.(e);
      },
    };
  }

  /**
   * Room for `bytes` more of recorded calls: the oldest finished episodes' calls are forgotten to make it;
   * false when live episodes alone hold the bound.
   */
  private reserveCalls(bytes: number): boolean {
    const limit = this.opts.keepCallsBytes ?? DEFAULT_KEEP_CALLS_BYTES;
    while (this.recordedBytes + bytes > limit && this.keptCalls.length > 0) this.forgetOldestCalls();
    if (this.recordedBytes + bytes > limit) return false;
    this.recordedBytes += bytes;
    return true;
  }

  private forgetOldestCalls(): void {
    const oldest = this.keptCalls.shift()!;
    this.recordedBytes -= oldest.bytes;
    // The environment may have started another episode since; only its own calls are forgotten.
    if (oldest.env.recordedCalls === oldest.calls) oldest.env.forgetCalls();
  }

  /**
   * The trajectory of a session's ended episode, its replies regenerated from the recorded calls
   * (src/env/trajectory.ts); typed errors before the end and once the calls are forgotten.
   */
  trajectory(s: Session): Promise<Trajectory> {
    const ep = s.env.episode;
    if (ep === null) throw new BenchError('CB_ERR_NOT_RESET');
    if (!ep.done) throw new BenchError('CB_ERR_EPISODE_NOT_DONE', { episode_id: ep.episodeId });
    const calls = s.env.recordedCalls;
    if (calls === null) {
      const keep = this.opts.keepCallsBytes ?? DEFAULT_KEEP_CALLS_BYTES;
      throw new BenchError('CB_ERR_TRAJECTORY_UNAVAILABLE', {
        episode_id: ep.episodeId,
        keep_mb: Math.round((keep / MiB) * 100) / 100,
      });
    }
    return trajectoryOfCalls(ep, calls, s.env.agentLabel, this.opts.catalog, this.ctx.salt);
  }

  /** Live sessions by kind. */
  liveCounts(): Record<SessionKind, number> {
    const counts: Record<SessionKind, number> = { ws: 0, mcp: 0, http: 0 };
    for (const s of this.live.values()) counts[s.kind] += 1;
    return counts;
  }

  get size(): number {
    return this.live.size;
  }
  get catalog(): TaskCatalog {
    return this.opts.catalog;
  }

  /** Opens a session, or throws CB_ERR_CAPACITY naming the limit. */
  open(kind: SessionKind, id: string = randomUUID()): Session {
    if (this.live.size >= this.opts.capacity) {
      for (const o of this.observers) o.sessionRefused?.(kind, 'capacity');
      throw new BenchError('CB_ERR_CAPACITY', {
        active_sessions: this.live.size,
        max_sessions: this.opts.capacity,
      });
    }
    const s: Session = { id, kind, env: new ComtradeEnvironment(this.ctx), lastActiveMs: this.now() };
    this.live.set(id, s);
    this.byEnv.set(s.env, s);
    return s;
  }

  get(id: string): Session | undefined {
    return this.live.get(id);
  }

  touch(s: Session): void {
    s.lastActiveMs = this.now();
  }

  /** Ends a session's episode (if live) and frees its slot. */
  close(id: string, reason: 'closed' | 'idle_timeout' = 'closed'): boolean {
    const s = this.live.get(id);
    if (s === undefined) return false;
    s.env.close(reason);
    this.live.delete(id);
    const episodeId = s.env.episode?.episodeId;
    if (episodeId !== undefined && this.byEpisode.get(episodeId) === s) this.byEpisode.delete(episodeId);
    return true;
  }

  /** The live session whose live (not ended) episode has this id. */
  episodeOwner(episodeId: string): Session | undefined {
    const s = this.byEpisode.get(episodeId);
    if (s === undefined) return undefined;
    const ep = s.env.episode;
    if (!this.live.has(s.id) || ep === null || ep.episodeId !== episodeId || ep.done) {
      this.byEpisode.delete(episodeId);
      return undefined;
    }
    return s;
  }

  // ---- Stateful HTTP episodes: the session id is the episode id. ----

  /** Resets a new HTTP episode; returns its session (id = episode_id). */
  httpReset(body: unknown): { session: Session; result: ReturnType<ComtradeEnvironment['reset']> } {
    const requested = (body as { episode_id?: unknown } | null)?.episode_id;
    if (typeof requested === 'string' && this.episodeOwner(requested) !== undefined) {
      throw new BenchError('CB_ERR_EPISODE_CONFLICT', { episode_id: requested });
    }
    const session = this.open('http', randomUUID());
    try {
      const result = session.env.reset(body);
      const episodeId = session.env.episode!.episodeId;
      this.live.delete(session.id);
      const keyed: Session = { ...session, id: episodeId };
      this.live.set(episodeId, keyed);
      this.byEnv.set(keyed.env, keyed);
      this.byEpisode.set(episodeId, keyed);
      this.finished.delete(episodeId);
      return { session: keyed, result };
    } catch (e) {
      this.live.delete(session.id);
      throw e;
    }
  }

  /** The HTTP episode with this id (live or recently finished); errors name the fix. */
  httpEpisode(episodeId: string | undefined): Session {
    if (episodeId === undefined || episodeId === '') {
      throw new BenchError('CB_ERR_EPISODE_ID_REQUIRED');
    }
    const s = this.live.get(episodeId) ?? this.finished.get(episodeId);
    if (s === undefined || s.kind !== 'http') {
      throw new BenchError('CB_ERR_EPISODE_NOT_FOUND', { episode_id: episodeId });
    }
    return s;
  }

  /** After an HTTP step: a finished episode frees its capacity slot but stays readable. */
  settleHttp(s: Session): void {
    if (s.kind !== 'http' || !s.env.episode?.done || !this.live.has(s.id)) return;
    this.live.delete(s.id);
    this.finished.set(s.id, s);
    while (this.finished.size > this.keepFinished) {
      const oldest = this.finished.keys().next().value as string;
      this.finished.delete(oldest);
    }
  }

  // ---- Idle reaper ----

  /** How often the idle reaper should run: max(timeout/4, 5 s), as upstream OpenEnv does. */
  get reapEveryMs(): number {
    return Math.max(this.opts.idleTimeoutMs / 4, 5000);
  }

  /**
   * Closes sessions idle longer than the timeout (their episodes end as idle_timeout) and returns them,
   * so that transports can close their sockets. The server runs it every reapEveryMs.
   */
  reap(): Session[] {
    const cutoff = this.now() - this.opts.idleTimeoutMs;
    const reaped: Session[] = [];
    for (const s of [...this.live.values()]) {
      if (s.lastActiveMs <= cutoff) {
        this.close(s.id, 'idle_timeout');
        if (s.kind === 'http') this.finished.set(s.id, s);
        reaped.push(s);
      }
    }
    return reaped;
  }

  /** Closes every session (shutdown). */
  closeAll(): void {
    for (const id of [...this.live.keys()]) this.close(id, 'closed');
  }

  stats(): { active_sessions: number; max_sessions: number; finished_http_episodes: number } {
    return {
      active_sessions: this.live.size,
      max_sessions: this.opts.capacity,
      finished_http_episodes: this.finished.size,
    };
  }
}
