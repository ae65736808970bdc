/**
 * Judge property 2 (docs/benchmark.md, section 9), key-enumerator on T11, T14 and T16 (see
 * key-enumerator-property.ts).
 */
import { keyEnumeratorScoresNearZero } from './key-enumerator-property.js';

keyEnumeratorScoresNearZero(['T11_auth_expiry', 'T14_timeouts', 'T16_cursor_pagination']);
