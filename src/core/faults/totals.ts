/**
 * Fault kind `totals`: summary rows (`is_total: true`, partner "World", cmdCode "TOTAL") inserted into
 * the served stream: a subtotal after every `every` real rows, `extra` ones by placement, and a grand
 * total last. A totals row's primaryValue is the sum over its block of real rows.
 */
import type { z } from 'zod';
import type { TotalsSpec } from '../task-spec.js';
import { type ArtefactPlan, anchorFor } from './placement.js';

/** The grand total sorts after every other artefact anchored on the last row. */
const LAST = 1_000_000;

export function planTotals(spec: z.infer<typeof TotalsSpec>, n: number, key: number): ArtefactPlan[] {
  const out: ArtefactPlan[] = [];
  if (spec.every > 0) {
    for (let t = 1; t * spec.every <= n; t++) {
      out.push({ anchor: t * spec.every - 1, order: LAST - 2, kind: 'total', src: 0 });
    }
  }
  for (let e = 0; e < spec.extra; e++) {
    out.push({ anchor: anchorFor(spec.placement, n, key, 21, e), order: LAST - 1, kind: 'total', src: 0 });
  }
  if (spec.grand_total) out.push({ anchor: n - 1, order: LAST, kind: 'total', src: 0, grand: true });
  return out;
}

export function totalsCount(spec: z.infer<typeof TotalsSpec>, n: number): number {
  return (spec.every > 0 ? Math.floor(n / spec.every) : 0) + spec.extra + (spec.grand_total ? 1 : 0);
}

/** The largest number of totals rows whose keys stay distinct (12 periods x 2 flows). */
export const MAX_TOTALS_ROWS = 24;
