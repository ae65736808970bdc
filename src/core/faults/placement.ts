/** Where an artefact is anchored in the served stream (it is inserted after real row `anchor`). */
import { unit } from '../rng.js';

export type Placement = 'uniform' | 'rising_second_half';

/** An artefact to insert: after real row `anchor`, ordered among same-anchor artefacts by `order`. */
export interface ArtefactPlan {
  readonly anchor: number;
  readonly order: number;
  /** 'dup': exact copy of real row `src`; 'total': totals row number `src` (assigned after sorting). */
  readonly kind: 'dup' | 'total';
  readonly src: number;
  /** For totals rows: true for the grand total (sums every real row). */
  readonly grand?: boolean;
}

/**
 * A seeded anchor. `uniform`: anywhere in [0, n-1]. `rising_second_half`: only in the second half of the
 * real rows, with density rising linearly towards the end (inverse CDF of a triangular density).
 */
export function anchorFor(placement: Placement, n: number, key: number, a: number, b: number): number {
  const u = unit(key, a, b);
  if (placement === 'uniform') return Math.min(n - 1, Math.floor(u * n));
  const half = Math.floor(n / 2);
  return Math.min(n - 1, half + Math.floor((n - half) * Math.sqrt(u)));
}
