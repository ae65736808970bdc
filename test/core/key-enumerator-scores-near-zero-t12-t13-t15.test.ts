/**
 * Judge property 2 (docs/benchmark.md, section 9), key-enumerator on the served-data fault tasks T12, T13 and
 * T15 (T1-T10 in the sibling files; see key-enumerator-property.ts).
 */
import { keyEnumeratorScoresNearZero } from './key-enumerator-property.js';

keyEnumeratorScoresNearZero(['T12_truncated_page', 'T13_schema_drift', 'T15_stale_records']);
