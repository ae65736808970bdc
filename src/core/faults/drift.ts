/**
 * Fault kind `drift`: unstable page boundaries. For page p > 1 the window shifts by d in
 * [-max_shift, max_shift], drawn from (page, served attempt); one of served attempts 1..unshifted_within of
 * each page (seeded) is unshifted, so re-fetching always recovers every row. Rows are shuffled inside the
 * page. The served stream itself never changes.
 */
import type { z } from 'zod';
import { hash, intIn } from '../rng.js';
import type { DriftSpec } from '../task-spec.js';

type Drift = z.infer<typeof DriftSpec>;

export function driftShift(spec: Drift, key: number, page: number, servedAttempt: number): number {
  if (page <= 1) return 0;
  const unshifted = 1 + (hash(key, 51, page) % spec.unshifted_within);
  if (servedAttempt === unshifted) return 0;
  return intIn(-spec.max_shift, spec.max_shift, key, 52, page, servedAttempt);
}

/** The order in which a drifted page's `count` rows are served: a seeded permutation of 0..count-1. */
export function pageOrder(
  spec: Drift,
  key: number,
  page: number,
  servedAttempt: number,
  count: number,
): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (!spec.shuffle) return order;
  for (let i = count - 1; i > 0; i--) {
    const j = hash(key, 53, page * 64 + servedAttempt, i) % (i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
