/**
 * R* and T*: the requests and virtual time of the canonical policy (src/core/policy.ts) for a task
 * instance, computed by running the policy against a fresh copy of the pure API. No agent is run.
 */
import { ApiState, requestPage, totalPages } from '../api.js';
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

export function referencePlan(inst: Instance): ReferencePlan {
  const st = new ApiState();
  const pageSize = inst.task.max_page_size;
  st.pageSize = pageSize;
  const pages = totalPages(inst, pageSize);
  let waitMs = 0;
  let stopped = false;
  /** Stale records: the pages whose latest 200 came from a lagging snapshot (an older as_of). */
  const lagging = new Set<number>();

  const fetchUntilServed = (page: number): void => {
    let errors = 0;
    for (;;) {
      const e = requestPage(inst, st, page, pageSize, waitMs);
      waitMs = 0;
      if (e.status === 200) {
        if (inst.stale !== null) {
          if (snapshotLagS(inst.stale, page, e.servedAttempt) > 0) lagging.add(page);
          else lagging.delete(page);
        }
        // A response cut short is fetched again at once, like a 500.
        if (e.kind !== 'truncated') return;
      } else if (e.status === 402) {
        stopped = true;
        return;
      } else if (e.status === 429) {
        waitMs = e.retryAfterMs;
        continue;
      }
      errors += 1;
      if (errors > RETRY_CAP) return;
    }
  };

  const collected = () => st.servedRealCount === inst.n;
  for (let pass = 1; pass <= MAX_PASSES && !stopped; pass++) {
    for (let p = 1; p <= pages && !stopped; p++) {
      // Later passes: every page while rows are missing, then only the pages a lagging snapshot served.
      if (pass > 1 && collected() && !lagging.has(p)) {
        if (lagging.size === 0) break;
        continue;
      }
      fetchUntilServed(p);
    }
    if (collected() && lagging.size === 0) break;
  }
  return {
    requests: st.requestsUsed,
    timeMs: st.clockMs,
    complete: collected() && lagging.size === 0,
  };
}
