/**
 * Judge property 2 (docs/benchmark.md, section 9), key-enumerator on T1-T5 (T6-T10 in the sibling file; see
 * key-enumerator-property.ts).
 */
import { keyEnumeratorScoresNearZero } from './key-enumerator-property.js';

keyEnumeratorScoresNearZero([
  'T1_single_page',
  'T2_multi_page',
  'T3_duplicates',
  'T4_rate_limit_429',
  'T5_server_error_500',
]);
