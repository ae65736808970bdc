/**
 * The session store: every live environment, whoever holds it (a /ws connection, an MCP session, or a
 * stateful HTTP episode), under one capacity (MAX_CONCURRENT_ENVS), an optional cap per client
 * (MAX_EPISODES_PER_CLIENT) and one idle reaper (SESSION_TIMEOUT_S; HTTP episodes have their own, shorter
 * HTTP_SESSION_TIMEOUT_S, since nothing holds them open). Live episode ids are unique across sessions.
 *
 * HTTP episodes (POST /reset and the /web page) belong to whoever holds their token: 128 random bits
 * handed out once, at reset. The store keeps only the token's SHA-256 digest, and ownedEpisode() is the
 * one way to reach an HTTP episode: the episode id is an address, never a credential. Finished HTTP
 * episodes stop counting against capacity but stay readable with their token in a bounded recent list,
 * and their ids stay taken while kept. /ws and MCP sessions are held by their connection or by their
 * session id (a random UUID only its creator is told), never by an episode id.
 *
 * Environments report episodes and tool calls to the store, which tells its observers
 * (src/env/events.ts). HTTP episodes keep their calls for their trajectory (src/env/trajectory.ts), under
 * one memory bound (keepCallsBytes).
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Episode } from '../core/episode.js';
import { BenchError } from '../core/errors.js';
import { TaskInfoText } from '../core/task-info.js';
import type { ResolvedTask } from '../core/task-spec.js';
import type { TaskCatalog } from './task-catalog.js';
import {
  type CallToolStep,
  ComtradeEnvironment,
  type EnvContext,
  type EnvEvents,
  type ListToolsStep,
  type ResetStep,
  type ResultFormat,
} from './environment.js';
import type { EnvObserver, RecordedCall } from './events.js';
import { saltHashOf } from './salt.js';
import { type Trajectory, trajectoryOfCalls } from './trajectory.js';

export type SessionKind = 'ws' | 'mcp' | 'http';

export interface Session {
  readonly id: string;
  readonly kind: SessionKind;
  readonly env: ComtradeEnvironment;
  /**
   * Who opened it, as the transport names its clients (src/server/plugins/clients.ts: the remote
   * address); null when no client is named, and then no per-client limit applies.
   */
  readonly client: string | null;
  lastActiveMs: number;
}

/** Run before every reset of a session a client opened; throws (a BenchError) to refuse the reset. */
export type ResetGate = (client: string) => void;

const MiB = 1024 * 1024;
/** The default bound on recorded calls: 128 MiB of (approximate) JSON. */
export const DEFAULT_KEEP_CALLS_BYTES = 128 * MiB;

export interface SessionStoreOptions {
  readonly catalog: TaskCatalog;
  readonly capacity: number;
  /** Idle timeout of /ws and MCP sessions. */
  readonly idleTimeoutMs: number;
  /** Idle timeout of HTTP episodes (default: idleTimeoutMs). */
  readonly httpIdleTimeoutMs?: number;
  /** Live sessions one client may hold at once (0 or absent: no cap). */
  readonly maxSessionsPerClient?: number;
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

/** An HTTP episode as the store keeps it: its session and the SHA-256 digest of its token. */
interface HttpEpisode {
  readonly session: Session;
  readonly digest: Buffer;
}

/** What an HTTP reset hands back: the session, the reset triple and the episode's token (told once). */
export interface HttpReset {
  readonly session: Session;
  readonly result: ResetStep;
  readonly token: string;
}

const digestOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();
/** Compared against when no episode matches, so that a miss costs the same as a wrong token. */
const NO_DIGEST = digestOf('');

export class SessionStore {
  private readonly live = new Map<string, Session>();
  /** episode id -> the session whose environment last started it. */
  private readonly byEpisode = new Map<string, Session>();
  private readonly byEnv = new WeakMap<ComtradeEnvironment, Session>();
  /** client -> its live sessions (only clients holding one). */
  private readonly byClient = new Map<string, Set<Session>>();
  /** HTTP episodes, live and kept, by episode id and by token digest (hex). */
  private readonly http = new Map<string, HttpEpisode>();
  private readonly httpByDigest = new Map<string, HttpEpisode>();
  /** Episode ids of the finished HTTP episodes kept readable, oldest first. */
  private readonly finished = new Set<string>();
  /** get_task_info's text writers, one per resolved task (tasks are resolved once by the catalog). */
  private readonly infoTexts = new Map<ResolvedTask, TaskInfoText>();
  private readonly ctx: EnvContext;
  private readonly keepFinished: number;
  private readonly httpIdleTimeoutMs: number;
  private readonly maxPerClient: number;
  private resetGate: ResetGate | null = null;
  /** The store's clock (milliseconds); transports that count time per client use the same one. */
  readonly now: () => number;
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
    this.httpIdleTimeoutMs = opts.httpIdleTimeoutMs ?? opts.idleTimeoutMs;
    this.maxPerClient = opts.maxSessionsPerClient ?? 0;
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
        const owner = this.episodeOwner(episodeId) ?? this.http.get(episodeId)?.session;
        return owner !== undefined && owner.env !== self;
      },
      admitReset: (env) => {
        const s = this.byEnv.get(env);
        const client = s?.client ?? null;
        if (client === null || this.resetGate === null) return;
        try {
          this.resetGate(client);
        } catch (e) {
          this.refused(s!.kind, e);
          throw e;
        }
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

  /** Tells the observers of a refusal by a limit (the error's `limit` detail names it). */
  private refused(kind: SessionKind, e: unknown): void {
    const limit = e instanceof BenchError ? (e.args as { limit?: unknown }).limit : undefined;
    if (typeof limit === 'string') for (const o of this.observers) o.sessionRefused?.(kind, limit);
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

  /** Installs the gate every reset of a client's session passes first (the server's per-client rate limit). */
  gateResets(gate: ResetGate): void {
    this.resetGate = gate;
  }

  /**
   * Opens a session, or throws CB_ERR_CAPACITY or CB_ERR_CLIENT_LIMIT naming the limit. `replacing`: a
   * live session the caller ends once this one is ready (an HTTP reset that replaces its episode), whose
   * slot is counted as free.
   */
  open(kind: SessionKind, client: string | null = null, replacing?: Session): Session {
    const freed = replacing !== undefined && this.live.has(replacing.id) ? 1 : 0;
    if (this.live.size - freed >= this.opts.capacity) {
      for (const o of this.observers) o.sessionRefused?.(kind, 'capacity');
      throw new BenchError('CB_ERR_CAPACITY', {
        active_sessions: this.live.size,
        max_sessions: this.opts.capacity,
      });
    }
    const mine = client === null ? undefined : this.byClient.get(client);
    const held = (mine?.size ?? 0) - (freed === 1 && replacing!.client === client ? 1 : 0);
    if (client !== null && this.maxPerClient > 0 && held >= this.maxPerClient) {
      for (const o of this.observers) o.sessionRefused?.(kind, 'MAX_EPISODES_PER_CLIENT');
      throw new BenchError('CB_ERR_CLIENT_LIMIT', {
        limit: 'MAX_EPISODES_PER_CLIENT',
        value: this.maxPerClient,
        retry_after_s: this.firstReapS(mine!),
        client,
      });
    }
    const s: Session = {
      id: randomUUID(),
      kind,
      env: new ComtradeEnvironment(this.ctx),
      client,
      lastActiveMs: this.now(),
    };
    this.live.set(s.id, s);
    this.byEnv.set(s.env, s);
    if (client !== null) {
      if (mine === undefined) this.byClient.set(client, new Set([s]));
      else mine.add(s);
    }
    return s;
  }

  get(id: string): Session | undefined {
    return this.live.get(id);
  }

  touch(s: Session): void {
    s.lastActiveMs = this.now();
  }

  /** Ends a session's episode (if live) and frees its slot; an HTTP episode stays readable. */
  close(id: string, reason: 'closed' | 'idle_timeout' = 'closed'): boolean {
    const s = this.live.get(id);
    if (s === undefined) return false;
    s.env.close(reason);
    this.release(s);
    return true;
  }

  /** Takes a live session out of every live index; a started HTTP episode joins the kept ones. */
  private release(s: Session): void {
    this.live.delete(s.id);
    const episodeId = s.env.episode?.episodeId;
    if (episodeId !== undefined && this.byEpisode.get(episodeId) === s) this.byEpisode.delete(episodeId);
    if (s.client !== null) {
      const mine = this.byClient.get(s.client);
      mine?.delete(s);
      if (mine?.size === 0) this.byClient.delete(s.client);
    }
    if (s.kind === 'http' && episodeId !== undefined && this.http.get(episodeId)?.session === s) {
      this.finished.add(episodeId);
      for (const oldest of this.finished) {
        if (this.finished.size <= this.keepFinished) break;
        this.forget(oldest);
      }
    }
  }

  /** Drops a kept HTTP episode: its state can no longer be read and its id is free again. */
  private forget(episodeId: string): void {
    const e = this.http.get(episodeId);
    this.finished.delete(episodeId);
    this.http.delete(episodeId);
    if (e !== undefined) this.httpByDigest.delete(e.digest.toString('hex'));
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

  // ---- Stateful HTTP episodes (POST /reset and the /web page), owned by their token. ----

  /**
   * Resets a new HTTP episode for `client` and hands out its token. `replaces`: a token the caller
   * already holds; once the new episode has started, the token's episode, if live, ends ('closed'), so a
   * caller that resets again does not pile up episodes (a reset that fails changes nothing). A reset
   * naming an episode_id that is live or kept is CB_ERR_EPISODE_CONFLICT.
   */
  httpReset(body: unknown, opts: { client?: string | null; replaces?: string } = {}): HttpReset {
    const replacing =
      opts.replaces === undefined || opts.replaces === ''
        ? undefined
        : this.httpByDigest.get(digestOf(opts.replaces).toString('hex'))?.session;
    const session = this.open('http', opts.client ?? null, replacing);
    let result: ResetStep;
    try {
      result = session.env.reset(body);
    } catch (e) {
      this.close(session.id);
      throw e;
    }
    if (replacing !== undefined) this.close(replacing.id);
    const token = randomBytes(16).toString('hex');
    const entry: HttpEpisode = { session, digest: digestOf(token) };
    this.http.set(session.env.episode!.episodeId, entry);
    this.httpByDigest.set(entry.digest.toString('hex'), entry);
    return { session, result, token };
  }

  /**
   * The HTTP episode (live or kept) this token opens; with an episode id, that episode, which the token
   * must open. The token is compared in constant time as a SHA-256 digest (found by its digest when no
   * id is given). No token: CB_ERR_EPISODE_TOKEN_REQUIRED; an unknown id and a wrong token give the same
   * CB_ERR_EPISODE_NOT_FOUND, so the reply never tells whether an id exists.
   */
  ownedEpisode(episodeId: string | undefined, token: string | undefined): Session {
    if (token === undefined || token === '') throw new BenchError('CB_ERR_EPISODE_TOKEN_REQUIRED');
    const digest = digestOf(token);
    const entry =
      episodeId === undefined ? this.httpByDigest.get(digest.toString('hex')) : this.http.get(episodeId);
    const matches = timingSafeEqual(entry?.digest ?? NO_DIGEST, digest);
    if (entry === undefined || !matches)
      throw new BenchError(
        'CB_ERR_EPISODE_NOT_FOUND',
        episodeId === undefined ? {} : { episode_id: episodeId },
      );
    return entry.session;
  }

  /** Steps an HTTP episode; one that finishes frees its capacity slot but stays readable. */
  httpStep(s: Session, action: unknown): ListToolsStep | CallToolStep {
    this.touch(s);
    const result = s.env.step(action);
    if (s.env.episode?.done === true && this.live.has(s.id)) this.release(s);
    return result;
  }

  // ---- Idle reaper ----

  private idleTimeoutOf(s: Session): number {
    return s.kind === 'http' ? this.httpIdleTimeoutMs : this.opts.idleTimeoutMs;
  }

  /** Seconds until the first of these sessions would be reaped if left idle (at least 1). */
  private firstReapS(sessions: ReadonlySet<Session>): number {
    let first = Infinity;
    for (const s of sessions) first = Math.min(first, s.lastActiveMs + this.idleTimeoutOf(s));
    return Math.max(1, Math.ceil((first - this.now()) / 1000));
  }

  /** How often the idle reaper should run: max(shortest timeout / 4, 5 s), as upstream OpenEnv does. */
  get reapEveryMs(): number {
    return Math.max(Math.min(this.opts.idleTimeoutMs, this.httpIdleTimeoutMs) / 4, 5000);
  }

  /**
   * Closes sessions idle longer than their timeout (their episodes end as idle_timeout) and returns them,
   * so that transports can close their sockets. The server runs it every reapEveryMs.
   */
  reap(): Session[] {
    const now = this.now();
    const reaped: Session[] = [];
    for (const s of [...this.live.values()]) {
      if (s.lastActiveMs <= now - this.idleTimeoutOf(s)) {
        this.close(s.id, 'idle_timeout');
        reaped.push(s);
      }
    }
    return reaped;
  }

  /** Closes every session (shutdown). */
  closeAll(): void {
    for (const id of [...this.live.keys()]) this.close(id, 'closed');
  }

  stats(): {
    active_sessions: number;
    max_sessions: number;
    finished_http_episodes: number;
    clients: number;
  } {
    return {
      active_sessions: this.live.size,
      max_sessions: this.opts.capacity,
      finished_http_episodes: this.finished.size,
      clients: this.byClient.size,
    };
  }
}
