/**
 * Classifies every submitted entry against the server's own evidence (ground truth regenerated from the
 * seed, and which stream positions the trace served). Nothing the agent says about a row is trusted:
 * a row is a totals row only if its key equals a totals row served in this episode.
 */
import type { ApiState } from '../api.js';
import {
  type FieldType,
  KEY_SLOTS,
  keySlot,
  matchesTruth,
  PRIMARY_KEY,
  ROW_SCHEMA,
  totalsKey,
  truthCents,
} from '../dataset.js';
import type { Instance } from '../instance.js';
import { type Entry, isRowObject } from '../submission.js';

export interface RowAnalysis {
  /** Submitted entries (L). */
  readonly submitted: number;
  /** Defective entries (d): malformed, schema-invalid, duplicate key, totals or foreign; each counted once. */
  readonly defective: number;
  readonly malformed: number;
  readonly schemaInvalid: number;
  readonly duplicates: number;
  readonly totalsKept: number;
  /** Judged rows that are served and in the ground truth. */
  readonly present: number;
  /** Present rows equal to the ground truth on every schema field but is_total. */
  readonly exact: number;
  /** Judged non-totals rows that are not present. */
  readonly foreign: number;
  /** Sum of primaryValue over schema-valid submitted rows, in cents. */
  readonly sumCents: number;
  /** Sum of primaryValue over ground-truth rows whose keys are present, in cents. */
  readonly truthSumCents: number;
}

const MAX_ABS = 1e15;
const KEY_FIELDS = new Set<string>(PRIMARY_KEY);

/** JavaScript conditions that hold when a value `v` has a schema type. */
const TYPE_TESTS: Record<FieldType, string> = {
  string: "typeof v === 'string'",
  boolean: "typeof v === 'boolean'",
  integer: `typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= ${MAX_ABS}`,
  number: `typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= ${MAX_ABS}`,
};

/** Row check results: a bit set when some field is invalid, another when a key field is. */
const INVALID = 1;
const KEY_INVALID = 2;

/**
 * The row check, compiled once from ROW_SCHEMA into straight-line code (a loop of per-field closures costs
 * several times more per row). Missing is_total is allowed; any other missing field is invalid.
 */
const checkRow = new Function(
  'row',
  [
    'let v; let bad = 0;',
    ...ROW_SCHEMA.map((f) => {
      const flag = KEY_FIELDS.has(f.name) ? INVALID | KEY_INVALID : INVALID;
      const optional = f.name === 'is_total' ? 'v !== undefined && ' : '';
      return `v = row[${JSON.stringify(f.name)}]; if (${optional}!(${TYPE_TESTS[f.type]})) bad |= ${flag};`;
    }),
    'return bad;',
  ].join('\n'),
) as (row: Record<string, unknown>) => number;

/** Served totals keys of the episode. */
function servedTotalsKeys(inst: Instance, st: ApiState): Set<string> {
  const keys = new Set<string>();
  const served = st.servedTotals;
  if (served === null) return keys;
  for (let t = 0; t < served.length; t++) if (served[t] === 1) keys.add(totalsKey(inst, t));
  return keys;
}

export function analyseRows(inst: Instance, st: ApiState, entries: readonly Entry[]): RowAnalysis {
  const totalsKeys = servedTotalsKeys(inst, st);
  const servedReal = st.servedReal;
  // Ground-truth keys are deduplicated by index, other keys of the query's form by slot (bitmaps made on
  // first use), any other key by its string.
  let seenTruth: Uint8Array | null = null;
  let seenSlot: Uint8Array | null = null;
  const seenOther = new Set<string>();
  let defective = 0;
  let malformed = 0;
  let schemaInvalid = 0;
  let duplicates = 0;
  let totalsKept = 0;
  let present = 0;
  let exact = 0;
  let foreign = 0;
  let sumCents = 0;
  let truthSumCents = 0;

  for (const entry of entries) {
    if (!isRowObject(entry)) {
      malformed += 1;
      defective += 1;
      continue;
    }
    const row = entry;
    const bad = checkRow(row);
    const keyValid = (bad & KEY_INVALID) === 0;
    const valid = bad === 0;
    if (valid) sumCents += Math.round((row.primaryValue as number) * 100);
    if (!keyValid) {
      schemaInvalid += 1;
      defective += 1;
      continue;
    }
    if (!valid) schemaInvalid += 1;
    const slot = keySlot(
      inst,
      row.period as string,
      row.reporterCode as number,
      row.partnerCode as number,
      row.flowCode as string,
      row.cmdCode as string,
    );
    let isTotals = false;
    if (slot >= 0) {
      const seen =
        slot < inst.n ? (seenTruth ??= new Uint8Array(inst.n)) : (seenSlot ??= new Uint8Array(KEY_SLOTS));
      if (seen[slot] === 1) {
        duplicates += 1;
        defective += 1;
        continue;
      }
      seen[slot] = 1;
    } else {
      const key = `${row.period}|${row.reporterCode}|${row.partnerCode}|${row.flowCode}|${row.cmdCode}`;
      if (seenOther.has(key)) {
        duplicates += 1;
        defective += 1;
        continue;
      }
      seenOther.add(key);
      isTotals = totalsKeys.has(key);
    }
    if (isTotals) {
      totalsKept += 1;
      defective += 1;
      continue;
    }
    const idx = slot < inst.n ? slot : -1;
    if (idx < 0 || servedReal === null || servedReal[idx] === 0) {
      foreign += 1;
      defective += 1;
      continue;
    }
    present += 1;
    const cents = truthCents(inst, idx);
    truthSumCents += cents;
    if (!valid) {
      defective += 1;
      continue;
    }
    if (matchesTruth(inst, idx, row, cents)) exact += 1;
  }
  return {
    submitted: entries.length,
    defective,
    malformed,
    schemaInvalid,
    duplicates,
    totalsKept,
    present,
    exact,
    foreign,
    sumCents,
    truthSumCents,
  };
}
