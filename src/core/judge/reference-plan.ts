/**
 * R* and T*: the requests and virtual time of the canonical policy (src/core/policy.ts) for a task
 * instance, computed by running the policy against a fresh copy of the pure API. No agent is run.
 */
import { ApiState, requestPage, totalPages } from '../api.js';
import { currentToken } from '../faults/auth.js';
import { snapshotLagS } from '../faults/stale.js';
import type { Instance } from '../instance.js';
import { MAX_PASSES, RETRY_CAP } from '../policy.js';

export interface ReferencePlan {
  /** Counted requests. */
  readonly requests: number;
  /** Virtual time in ms when the policy is done. */
  readonly timeMs: number;
  /** Whether the policy collected all N distinct rows (each in its current version) within the budget. */
  readonly complete: boolean;
}

/** Runs the canonical policy against a fresh API of the instance; returns the API state it leaves. */
export function runReferencePolicy(inst: Instance): ApiState {
  const st = new ApiState();
  const task = inst.task;
  const pageSize = task.max_page_size;
  st.pageSize = pageSize;
  const pages = totalPages(inst, pageSize);
  const auth = task.faults.auth;
  const ttlMs = auth ? Math.round(auth.token_ttl_s * 1000) : 0;
  const tokens: number[] = [];
  if (auth) st.tokenIssues = tokens;
  // The token the policy holds: asked for at the start (reset) and again after each 401.
  let token = auth ? currentToken(tokens, ttlMs, st.clockMs) : undefined;
  const cursors = task.pagination === 'cursor';
  // Cursor tasks: the listing of the cursor for the next page (undefined: the next request opens one).
  let listing: number | undefined;
  let waitMs = 0;
  let stopped = false;
  /** Stale records: the pages whose latest 200 came from a lagging snapshot (an older as_of). */
  const lagging = new Set<number>();

  /** Whether the page was served (false: given up after RETRY_CAP errors in a row, or the budget ran out). */
  const fetchUntilServed = (page: number): boolean => {
    let errors = 0;
    for (;;) {
      const access = { tokenIssuedMs: token, listingOpenMs: listing };
      const e = requestPage(inst, st, page, pageSize, waitMs, access);
      waitMs = 0;
      if (e.status === 200) {
        if (cursors) listing ??= e.atMs;
        if (inst.stale !== null) {
          if (snapshotLagS(inst.stale, page, e.servedAttempt) > 0) lagging.add(page);
          else lagging.delete(page);
        }
        // A response cut short is fetched again at once, like a 500.
        if (e.kind !== 'truncated') return true;
      } else if (e.status === 402) {
        stopped = true;
        return false;
      } else if (e.status === 429) {
        waitMs = e.retryAfterMs;
        continue;
      } else if (e.status === 401) {
        token = currentToken(tokens, ttlMs, st.clockMs);
        continue;
      } else if (e.status === 410) {
        listing = e.atMs + task.latency_ms;
        continue;
      }
      errors += 1;
      if (errors > RETRY_CAP) return false;
    }
  };

  const collected = () => st.servedRealCount === inst.n;
  for (let pass = 1; pass <= MAX_PASSES && !stopped; pass++) {
    listing = undefined;
    for (let p = 1; p <= pages && !stopped; p++) {
      // Later passes: every page while rows are missing, then only the pages a lagging snapshot served
      // (stale records are page-paginated: src/core/task-checks.ts).
      if (pass > 1 && collected() && !lagging.has(p)) {
        if (lagging.size === 0) break;
        continue;
      }
      // On a cursor task a page given up leaves no cursor for the next one: the pass ends there.
      if (!fetchUntilServed(p) && cursors) break;
    }
    if (collected() && lagging.size === 0) break;
  }
  return st;
}

/**
 * Whether the policy's run collected every row in its current version: all N distinct rows served, and no
 * page whose latest serving came from a lagging snapshot (stale records).
 */
export function policyComplete(inst: Instance, st: ApiState): boolean {
  if (st.servedRealCount !== inst.n) return false;
  const stale = inst.stale;
  if (stale === null || st.servedAttempts === null) return true;
  for (const [page, servedAttempt] of st.servedAttempts) {
    if (snapshotLagS(stale, page, servedAttempt) > 0) return false;
  }
  return true;
}

export function referencePlan(inst: Instance): ReferencePlan {
  const st = runReferencePolicy(inst);
  return { requests: st.requestsUsed, timeMs: st.clockMs, complete: policyComplete(inst, st) };
}
