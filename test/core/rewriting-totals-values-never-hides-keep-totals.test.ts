/**
 * keep-totals: no rewriting of the kept totals rows' values (or compensating rows) hides the flaw, on every
 * seed of every task with totals rows, both profiles (no-dedup in the sibling file; see
 * defect-rewriting-property.ts).
 */
import { KEEP_TOTALS, rewritingNeverHides } from './defect-rewriting-property.js';

rewritingNeverHides(KEEP_TOTALS);
