/**
 * The mock paginated trade-data API: one fetch_page request through the request pipeline (docs/benchmark.md,
 * section 4).
 *
 * 1. budget spent -> 402 (traced, not counted, not a fault, clock unchanged)
 * 2. T += round(wait_s * 1000)
 * 3. tasks with auth: the token does not outlive the request -> 401 token_expired (a fault, no attempt)
 * 4. T < window_end -> 429 window rejection (no attempt counted, not a fault)
 * 5. cursor tasks: the cursor's listing has expired -> 410 cursor_expired (a fault, no attempt)
 * 6. a page beyond total_pages -> 200 with no rows (no attempt)
 * 7. attempt a += 1; the scheduled (or, in T9, escalated) fault for (page, a) -> 429 / 500 / 504
 * 8. else the page is served (drift applies here; truncation may cut it short)
 * then T += latency_ms (timeout_s for a 504). Steps 3-8 each cost one request.
 *
 * The API keeps stream positions, never row copies: the trace records which positions each 200 served.
 * How the served rows look (versions, schema drift) follows from the trace entry (src/core/response-rows.ts).
 */
import { TOKEN_EXPIRED, tokenAccepted } from './faults/auth.js';
import { budgetExhausted } from './faults/budget.js';
import { CURSOR_EXPIRED, listingExpired } from './faults/cursor.js';
import { driftShift } from './faults/drift.js';
import { escalatedFault } from './faults/escalation.js';
import { RATE_LIMIT, windowRemainingMs } from './faults/rate-limit.js';
import { scheduledFault } from './faults/schedule.js';
import { SERVER_ERROR } from './faults/server-error.js';
import { TIMEOUT } from './faults/timeout.js';
import { keptRows } from './faults/truncation.js';
import { artefactsBefore } from './dataset.js';
import type { Instance } from './instance.js';

/** `truncated`: a 200 cut short (src/core/faults/truncation.ts); it served `count` rows, fewer than the page holds. */
export type TraceKind =
  | 'served'
  | 'truncated'
  | 'beyond'
  | 'window'
  | 'rate_limit'
  | 'server_error'
  | 'budget'
  | typeof TOKEN_EXPIRED
  | typeof TIMEOUT
  | typeof CURSOR_EXPIRED;

/** The trace kinds that are faults for robustness (src/core/judge/robustness.ts). */
export const FAULT_KINDS: ReadonlySet<TraceKind> = new Set<TraceKind>([
  RATE_LIMIT,
  SERVER_ERROR,
  TOKEN_EXPIRED,
  TIMEOUT,
  CURSOR_EXPIRED,
]);

/** One fetch_page request as the server saw it. Never visible to the agent before the episode ends. */
export interface TraceEntry {
  /** 1-based request number (the prefix of the row_ids it served). */
  readonly seq: number;
  readonly page: number;
  readonly waitMs: number;
  /** Virtual clock when the request was decided (after its wait). */
  readonly atMs: number;
  readonly status: 200 | 401 | 402 | 410 | 429 | 500 | 504;
  readonly kind: TraceKind;
  /** The page's attempt counter after this request (unchanged by window rejections and 402s). */
  readonly attempt: number;
  /** For 200s of a real page: how many times this page has now been served. */
  readonly servedAttempt: number;
  /** For 200s: the first stream position served and how many (before any in-page shuffle; after any cut). */
  readonly start: number;
  readonly count: number;
  /** For 429s: the wait the response asked for. */
  readonly retryAfterMs: number;
}

/** Mutable per-episode API state. Allocations that grow with data are made on first use. */
export class ApiState {
  clockMs = 0;
  windowEndMs = 0;
  /** Counted requests (R); 402s are not counted. */
  requestsUsed = 0;
  pageSize: number | null = null;
  readonly trace: TraceEntry[] = [];
  attempts: Map<number, number> | null = null;
  servedAttempts: Map<number, number> | null = null;
  /** servedReal[i] = 1 once real row i has been served (as itself or as an exact copy). */
  servedReal: Uint8Array | null = null;
  servedRealCount = 0;
  /** servedTotals[t] = 1 once totals row t has been served. */
  servedTotals: Uint8Array | null = null;
  /** T9: next unspent escalation threshold, and each page's current run of escalated faults. */
  escalationNext = 0;
  escalationRuns: Map<number, number> | null = null;
  /** Tasks with auth: the issue times of the tokens issued so far, in order (src/core/faults/auth.ts). */
  tokenIssues: number[] | null = null;
}

/** What a request presents besides its page: its token and, on cursor tasks, its cursor's listing. */
export interface RequestAccess {
  /** Tasks with auth: when the presented token was issued. */
  readonly tokenIssuedMs?: number | undefined;
  /** Cursor tasks: when the cursor's listing was opened (undefined: the request opens a new listing). */
  readonly listingOpenMs?: number | undefined;
}

const NO_ACCESS: RequestAccess = {};

export function totalPages(inst: Instance, pageSize: number): number {
  return Math.ceil(inst.streamLength / pageSize);
}

/** Progress: distinct real rows served / N. */
export function progress(inst: Instance, st: ApiState): number {
  return inst.n === 0 ? 0 : st.servedRealCount / inst.n;
}

/** Runs one (already validated) request. `pageSize` is the locked size. */
export function requestPage(
  inst: Instance,
  st: ApiState,
  page: number,
  pageSize: number,
  waitMs: number,
  access: RequestAccess = NO_ACCESS,
): TraceEntry {
  const task = inst.task;
  const seq = st.trace.length + 1;
  const base = { seq, page, waitMs, attempt: 0, servedAttempt: 0, start: 0, count: 0, retryAfterMs: 0 };
  if (budgetExhausted(st.requestsUsed, task.request_budget)) {
    const entry: TraceEntry = { ...base, atMs: st.clockMs, status: 402, kind: 'budget' };
    st.trace.push(entry);
    return entry;
  }
  st.requestsUsed += 1;
  st.clockMs += waitMs;
  const t = st.clockMs;
  let entry: TraceEntry;
  let elapsedMs = task.latency_ms;
  const remaining = windowRemainingMs(st.windowEndMs, t);
  const auth = task.faults.auth;
  const cursorTtl = task.faults.cursor ? Math.round(task.faults.cursor.cursor_ttl_s * 1000) : null;
  if (
    auth !== undefined &&
    !tokenAccepted(access.tokenIssuedMs ?? 0, Math.round(auth.token_ttl_s * 1000), t, task.latency_ms)
  ) {
    entry = { ...base, atMs: t, status: 401, kind: TOKEN_EXPIRED };
  } else if (remaining > 0) {
    entry = { ...base, atMs: t, status: 429, kind: 'window', retryAfterMs: remaining };
  } else if (access.listingOpenMs !== undefined && listingExpired(cursorTtl, access.listingOpenMs, t)) {
    entry = { ...base, atMs: t, status: 410, kind: CURSOR_EXPIRED };
  } else if (page > totalPages(inst, pageSize)) {
    entry = { ...base, atMs: t, status: 200, kind: 'beyond' };
  } else {
    const attempts = (st.attempts ??= new Map());
    const attempt = (attempts.get(page) ?? 0) + 1;
    attempts.set(page, attempt);
    const fault = faultFor(inst, st, page, attempt);
    if (fault !== null && fault.kind === RATE_LIMIT) {
      const retryAfterMs = fault.retryAfterS * 1000;
      st.windowEndMs = t + retryAfterMs;
      entry = { ...base, attempt, atMs: t, status: 429, kind: 'rate_limit', retryAfterMs };
    } else if (fault !== null && fault.kind === TIMEOUT) {
      elapsedMs = (task.faults.timeout?.timeout_s ?? 0) * 1000;
      entry = { ...base, attempt, atMs: t, status: 504, kind: TIMEOUT };
    } else if (fault !== null) {
      entry = { ...base, attempt, atMs: t, status: 500, kind: 'server_error' };
    } else {
      entry = serve(inst, st, page, pageSize, attempt, t, base);
    }
  }
  st.clockMs += elapsedMs;
  st.trace.push(entry);
  return entry;
}

function faultFor(inst: Instance, st: ApiState, page: number, attempt: number) {
  const plan = inst.escalation;
  if (plan === null) return scheduledFault(inst.schedule, page, attempt);
  const runs = (st.escalationRuns ??= new Map());
  const fault = escalatedFault(plan, st.escalationNext, progress(inst, st), runs.get(page) ?? 0);
  if (fault !== null) {
    st.escalationNext += 1;
    runs.set(page, (runs.get(page) ?? 0) + 1);
  }
  return fault;
}

function serve(
  inst: Instance,
  st: ApiState,
  page: number,
  pageSize: number,
  attempt: number,
  t: number,
  base: Omit<TraceEntry, 'atMs' | 'status' | 'kind'>,
): TraceEntry {
  const served = (st.servedAttempts ??= new Map());
  const servedAttempt = (served.get(page) ?? 0) + 1;
  served.set(page, servedAttempt);
  st.escalationRuns?.set(page, 0);
  const { start, count: held } = pageWindow(inst, page, pageSize, servedAttempt);
  const count = inst.truncation === null ? held : keptRows(inst.truncation, page, servedAttempt, held);
  markServed(inst, st, start, count);
  const kind = count < held ? 'truncated' : 'served';
  return { ...base, attempt, servedAttempt, start, count, atMs: t, status: 200, kind };
}

/**
 * The stream positions [start, start + count) the `servedAttempt`-th serving of a real page holds: the
 * page's window, shifted on drifting tasks, before any cut.
 */
export function pageWindow(
  inst: Instance,
  page: number,
  pageSize: number,
  servedAttempt: number,
): { start: number; count: number } {
  const drift = inst.task.faults.drift;
  const shift = drift ? driftShift(drift, inst.keys.drift, page, servedAttempt) : 0;
  const start = Math.max(0, (page - 1) * pageSize + shift);
  const end = Math.min(inst.streamLength, (page - 1) * pageSize + shift + pageSize);
  return { start, count: Math.max(0, end - start) };
}

/** Marks the real rows (and totals rows) at stream positions [start, start + count) as served. */
function markServed(inst: Instance, st: ApiState, start: number, count: number): void {
  const real = (st.servedReal ??= new Uint8Array(inst.n));
  const art = inst.artPos;
  // One binary search for the first artefact at or after `start`, then a linear walk.
  let a = artefactsBefore(inst, start);
  for (let pos = start; pos < start + count; pos++) {
    let src: number;
    if (a < art.length && art[a] === pos) {
      src = inst.artSrc[a]!;
      a += 1;
    } else {
      src = pos - a;
    }
    if (src >= 0) {
      if (real[src] === 0) {
        real[src] = 1;
        st.servedRealCount += 1;
      }
    } else {
      (st.servedTotals ??= new Uint8Array(inst.totals.length))[-src - 1] = 1;
    }
  }
}
