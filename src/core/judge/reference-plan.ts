/**
 * R* and T*: the requests and virtual time of the canonical policy (src/core/policy.ts) for a task
 * instance, computed by running the policy against a fresh copy of the pure API. No agent is run.
 */
import { ApiState, requestPage, totalPages } from '../api.js';
import type { Instance } from '../instance.js';
import { MAX_PASSES, RETRY_CAP } from '../policy.js';

export interface ReferencePlan {
  /** Counted requests. */
  readonly requests: number;
  /** Virtual time in ms when the policy is done. */
  readonly timeMs: number;
  /** Whether the policy collected all N distinct rows within the budget. */
  readonly complete: boolean;
}

export function referencePlan(inst: Instance): ReferencePlan {
  const st = new ApiState();
  const pageSize = inst.task.max_page_size;
  st.pageSize = pageSize;
  const pages = totalPages(inst, pageSize);
  let waitMs = 0;
  let stopped = false;

  const fetchUntilServed = (page: number): void => {
    let errors = 0;
    for (;;) {
      const e = requestPage(inst, st, page, pageSize, waitMs);
      waitMs = 0;
      if (e.status === 200) return;
      if (e.status === 402) {
        stopped = true;
        return;
      }
      if (e.status === 429) {
        waitMs = e.retryAfterMs;
        continue;
      }
      errors += 1;
      if (errors > RETRY_CAP) return;
    }
  };

  for (let pass = 1; pass <= MAX_PASSES && !stopped; pass++) {
    for (let p = 1; p <= pages && !stopped; p++) {
      if (pass > 1 && st.servedRealCount === inst.n) break;
      fetchUntilServed(p);
    }
    if (st.servedRealCount === inst.n) break;
  }
  return { requests: st.requestsUsed, timeMs: st.clockMs, complete: st.servedRealCount === inst.n };
}
