/**
 * Fault kind `duplicates`: exact copies of real rows added to the served stream. A share of copies sits
 * right after its source row (same page); the rest come from elsewhere in the stream (other pages).
 * Copies add rows; they never overwrite or hide real rows.
 */
import type { z } from 'zod';
import { intIn, unit } from '../rng.js';
import type { DuplicatesSpec } from '../task-spec.js';
import { type ArtefactPlan, anchorFor } from './placement.js';

export function duplicateCount(spec: z.infer<typeof DuplicatesSpec>, n: number): number {
  return Math.ceil(spec.ratio * n);
}

export function planDuplicates(spec: z.infer<typeof DuplicatesSpec>, n: number, key: number): ArtefactPlan[] {
  const out: ArtefactPlan[] = [];
  const count = duplicateCount(spec, n);
  for (let c = 0; c < count; c++) {
    const samePage = unit(key, 11, c) < spec.same_page_share;
    const anchor = anchorFor(spec.placement, n, key, 12, c);
    // Same-page copies repeat a row just before their anchor; others copy a row from anywhere.
    const src = samePage ? Math.max(0, anchor - intIn(0, 3, key, 13, c)) : intIn(0, n - 1, key, 14, c);
    out.push({ anchor, order: c, kind: 'dup', src });
  }
  return out;
}
