/**
 * What the environment layer tells the service around it, through one small interface: an episode
 * started, a tool was called (and which fault, if any, the request met), an episode ended, a session was
 * refused. Environments emit; the service counts (src/server/plugins/metrics.ts) and keeps results
 * (src/server/plugins/leaderboard.ts). Every hook is optional and synchronous, and runs on the hot path of
 * a tool call: observers must be cheap and must not throw.
 */
import type { TraceKind } from '../core/api.js';
import type { Episode } from '../core/episode.js';
import type { SessionKind } from './sessions.js';

/** The kinds of trace entry that are faults the API served (src/core/api.ts TraceKind). */
export type FaultKind = Exclude<TraceKind, 'served' | 'beyond'>;
/** Every fault kind, once (a Record, so that a kind added to TraceKind and missing here fails to compile). */
const EVERY_FAULT_KIND: Record<FaultKind, true> = {
  rate_limit: true,
  window: true,
  server_error: true,
  budget: true,
  token_expired: true,
  timeout: true,
  cursor_expired: true,
  truncated: true,
};
export const FAULT_KINDS = Object.keys(EVERY_FAULT_KIND) as readonly FaultKind[];

/** A tool call as the environment ran it: its name and arguments exactly as given. */
export interface RecordedCall {
  readonly name: string;
  readonly arguments: unknown;
}

export interface EpisodeEvent {
  readonly transport: SessionKind;
  readonly episode: Episode;
  /** The reset's agent_label, or null. */
  readonly agentLabel: string | null;
}

export interface EnvObserver {
  episodeStarted?(e: EpisodeEvent): void;
  /**
   * A tool call reached the episode. `ok` is false for a tool error; `fault` is the kind of fault the
   * request met (fetch_page only), else null.
   */
  toolCalled?(transport: SessionKind, tool: string, ok: boolean, fault: FaultKind | null): void;
  /** The episode ended (submitted, step_limit, closed or idle_timeout); its breakdown is set. */
  episodeEnded?(e: EpisodeEvent): void;
  /** A session was refused by a limit (`capacity`: MAX_CONCURRENT_ENVS). */
  sessionRefused?(transport: SessionKind, limit: string): void;
}

const NOT_A_FAULT: ReadonlySet<TraceKind> = new Set(['served', 'beyond']);

/** The fault a trace entry records, or null for a page served. */
export const faultOf = (kind: TraceKind): FaultKind | null =>
  NOT_A_FAULT.has(kind) ? null : (kind as FaultKind);
