/**
 * Fault kind `truncation` (T12): some 200 responses arrive cut short. Exactly `count` (page, served attempt)
 * slots of pages 1..P−1 (P = pages at the maximum page size, so `has_more` is true on every cut page) are
 * drawn and packed onto each page's first servings (src/core/faults/slots.ts). A cut response serves only a
 * prefix of the page: a seeded share in [keep.min, keep.max] of its rows, always at least one row fewer than
 * the page holds. Every 200 of such a task carries `row_count`, the number of rows the page holds, so a
 * response with fewer rows is visibly cut. The trace records exactly the stream positions a cut response
 * served (kind `truncated`); rows it did not carry were not served by it. Fetching the page again serves it
 * whole once its run of cut servings has passed.
 */
import type { z } from 'zod';
import { unit } from '../rng.js';
import type { TruncationSpec } from '../task-spec.js';
import { planServedSlots, type ServedSlots, strikes } from './slots.js';

type Truncation = z.infer<typeof TruncationSpec>;

export interface TruncationPlan {
  readonly spec: Truncation;
  readonly key: number;
  readonly slots: ServedSlots;
}

export function planTruncation(spec: Truncation, maxSizePages: number, key: number): TruncationPlan {
  return { spec, key, slots: planServedSlots(spec.count, maxSizePages - 1, spec.max_consecutive, key, 81) };
}

/**
 * How many of the `held` rows the `servedAttempt`-th serving of `page` carries: `held` when it is not cut,
 * else a seeded share of them in [keep.min, keep.max], at most held − 1.
 */
export function keptRows(plan: TruncationPlan, page: number, servedAttempt: number, held: number): number {
  if (held === 0 || !strikes(plan.slots, page, servedAttempt)) return held;
  const { min, max } = plan.spec.keep;
  const share = min + (max - min) * unit(plan.key, 82, page, servedAttempt);
  return Math.min(held - 1, Math.floor(share * held));
}
