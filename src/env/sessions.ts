/**
 * The session store: every live environment, whoever holds it (a /ws connection, an MCP session, or a
 * stateful HTTP episode), under one capacity (MAX_CONCURRENT_ENVS) and one idle reaper
 * (SESSION_TIMEOUT_S). Live episode ids are unique across sessions, and an episode is stored under
 * (task_id, episode_id). Finished HTTP episodes stop counting against capacity but stay readable
 * (state, breakdown) in a bounded recent list.
 */
import { randomUUID } from 'node:crypto';
import type { JsonTemplate } from '../core/direct-value.js';
import { taskInfoTemplate } from '../core/episode.js';
import { BenchError } from '../core/errors.js';
import type { ResolvedTask } from '../core/task-spec.js';
import type { TaskCatalog } from './task-catalog.js';
import { ComtradeEnvironment, type EnvContext, type ResultFormat } from './environment.js';
import { saltHashOf } from './salt.js';

export type SessionKind = 'ws' | 'mcp' | 'http';

export interface Session {
  readonly id: string;
  readonly kind: SessionKind;
  readonly env: ComtradeEnvironment;
  lastActiveMs: number;
}

export interface SessionStoreOptions {
  readonly catalog: TaskCatalog;
  readonly capacity: number;
  readonly idleTimeoutMs: number;
  readonly salt?: string;
  /** How call results carry tool values on the OpenEnv paths (default full). */
  readonly resultFormat?: ResultFormat;
  /** Finished HTTP episodes kept readable. */
  readonly keepFinished?: number;
  /** Milliseconds clock (injectable for tests). */
  readonly now?: () => number;
}

export class SessionStore {
  private readonly live = new Map<string, Session>();
  private readonly finished = new Map<string, Session>();
  /** episode id -> the session whose environment last started it. */
  private readonly byEpisode = new Map<string, Session>();
  private readonly byEnv = new WeakMap<ComtradeEnvironment, Session>();
  /** get_task_info templates, one per resolved task (tasks are resolved once by the catalog). */
  private readonly infoTemplates = new Map<ResolvedTask, JsonTemplate | null>();
  private readonly ctx: EnvContext;
  private readonly now: () => number;
  private readonly keepFinished: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly opts: SessionStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.keepFinished = opts.keepFinished ?? 10_000;
    const salt = opts.salt ?? '';
    this.ctx = {
      catalog: opts.catalog,
      salt,
      saltHash: saltHashOf(salt),
      resultFormat: opts.resultFormat ?? 'full',
      infoTemplate: (task) => {
        let t = this.infoTemplates.get(task);
        if (t === undefined) {
          t = taskInfoTemplate(task);
          this.infoTemplates.set(task, t);
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
    };
  }

  get size(): number {
    return this.live.size;
  }
  get capacity(): number {
    return this.opts.capacity;
  }
  get catalog(): TaskCatalog {
    return this.opts.catalog;
  }

  /** Opens a session, or throws CB_ERR_CAPACITY naming the limit. */
  open(kind: SessionKind, id: string = randomUUID()): Session {
    if (this.live.size >= this.opts.capacity) {
      throw new BenchError(
        'CB_ERR_CAPACITY',
        `Server at capacity: ${this.live.size}/${this.opts.capacity} sessions active. Cannot accept new connections.`,
        { active_sessions: this.live.size, max_sessions: this.opts.capacity },
      );
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
      throw new BenchError(
        'CB_ERR_EPISODE_CONFLICT',
        `episode_id '${requested}' is a live episode; choose another id or omit it`,
      );
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
      throw new BenchError(
        'CB_ERR_EPISODE_ID_REQUIRED',
        'HTTP episodes are addressed by episode_id: pass the episode_id returned by POST /reset in the body, as ?episode_id=, or as the X-Episode-Id header',
      );
    }
    const s = this.live.get(episodeId) ?? this.finished.get(episodeId);
    if (s === undefined || s.kind !== 'http') {
      throw new BenchError(
        'CB_ERR_EPISODE_NOT_FOUND',
        `no HTTP episode '${episodeId}' (it never existed, or was reaped); POST /reset to start one`,
      );
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

  /** Closes sessions idle longer than the timeout; returns how many. `onReap` lets transports close sockets. */
  reap(onReap?: (s: Session) => void): number {
    const cutoff = this.now() - this.opts.idleTimeoutMs;
    let n = 0;
    for (const s of [...this.live.values()]) {
      if (s.lastActiveMs <= cutoff) {
        this.close(s.id, 'idle_timeout');
        if (s.kind === 'http') this.finished.set(s.id, s);
        onReap?.(s);
        n += 1;
      }
    }
    return n;
  }

  /** Runs the reaper every max(timeout/4, 5 s), as upstream does. */
  startReaper(onReap?: (s: Session) => void): void {
    if (this.timer !== null) return;
    const every = Math.max(this.opts.idleTimeoutMs / 4, 5000);
    this.timer = setInterval(() => this.reap(onReap), every);
    this.timer.unref();
  }

  /** Stops the reaper and closes every session (shutdown). */
  closeAll(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
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
