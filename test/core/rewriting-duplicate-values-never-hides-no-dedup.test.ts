/**
 * no-dedup: no rewriting of the repeated rows' values (or compensating rows) hides the flaw, on every seed of
 * every task that serves repeats, both profiles (keep-totals in the sibling file; see
 * defect-rewriting-property.ts).
 */
import { NO_DEDUP, rewritingNeverHides } from './defect-rewriting-property.js';

rewritingNeverHides(NO_DEDUP);
