/**
 * Fault kind `escalation` (the adaptive adversary): 429 and 500 faults whose density rises with the
 * agent's progress (distinct real rows served / N), not with page numbers.
 *
 * The seed places `rate_limit_count + server_error_count` thresholds in progress space, in [from, to] with
 * density rising quadratically towards `to`. A request whose attempt is not a window rejection faults while
 * some threshold <= progress is still unspent (one threshold per fault, at most `max_consecutive` faults
 * in a row on one page). Later thresholds carry longer retry_after_s. Every agent that collects all rows
 * meets exactly the declared number of faults; the order of its requests only decides where they land.
 */
import type { z } from 'zod';
import { chooseK, intIn, unit } from '../rng.js';
import type { EscalationSpec } from '../task-spec.js';
import { RATE_LIMIT } from './rate-limit.js';
import { SERVER_ERROR } from './server-error.js';

type Escalation = z.infer<typeof EscalationSpec>;

export interface EscalationPlan {
  /** Ascending progress thresholds. */
  readonly thresholds: readonly number[];
  /** Per threshold: 0 for no-429 (server error), else the retry_after_s of its 429. */
  readonly retryAfterS: readonly number[];
  readonly maxConsecutive: number;
}

export function planEscalation(spec: Escalation, key: number): EscalationPlan {
  const k = spec.rate_limit_count + spec.server_error_count;
  const thresholds = Array.from(
    { length: k },
    (_, j) => spec.from + (spec.to - spec.from) * Math.cbrt(unit(key, 61, j)),
  ).sort((a, b) => a - b);
  const rateLimited = new Set(chooseK(k, spec.rate_limit_count, key, 62));
  const retryAfterS = thresholds.map((theta, j) => {
    if (!rateLimited.has(j)) return 0;
    const early = spec.retry_after_s_early;
    const late = spec.retry_after_s_late;
    const lo = Math.round(early.min + (late.min - early.min) * theta);
    const hi = Math.round(early.max + (late.max - early.max) * theta);
    return intIn(lo, Math.max(lo, hi), key, 63, j);
  });
  return { thresholds, retryAfterS, maxConsecutive: spec.max_consecutive };
}

export type EscalatedFault = { kind: typeof RATE_LIMIT; retryAfterS: number } | { kind: typeof SERVER_ERROR };

/**
 * The fault (if any) for a non-window request made at `progress`, given the next unspent threshold and
 * the page's current run of faults. The caller spends the threshold when a fault is returned.
 */
export function escalatedFault(
  plan: EscalationPlan,
  next: number,
  progress: number,
  pageRun: number,
): EscalatedFault | null {
  if (next >= plan.thresholds.length || progress < plan.thresholds[next]!) return null;
  if (pageRun >= plan.maxConsecutive) return null;
  const ra = plan.retryAfterS[next]!;
  return ra > 0 ? { kind: RATE_LIMIT, retryAfterS: ra } : { kind: SERVER_ERROR };
}
