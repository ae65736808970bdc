/**
 * Judge property 2 (docs/benchmark.md, section 9), key-enumerator on T6-T10 (T1-T5 in the sibling file; see
 * key-enumerator-property.ts).
 */
import { keyEnumeratorScoresNearZero } from './key-enumerator-property.js';

keyEnumeratorScoresNearZero([
  'T6_page_drift',
  'T7_totals_trap',
  'T8_mixed_faults',
  'T9_adaptive_adversary',
  'T10_constrained_budget',
]);
