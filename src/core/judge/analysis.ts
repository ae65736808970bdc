/**
 * Classifies every submitted entry against the server's own evidence (ground truth regenerated from the
 * seed, and which stream positions the trace served). Nothing the agent says about a row is trusted:
 * a row is a totals row only if its key equals a totals row served in this episode.
 *
 * It also measures the sum error of data quality (src/core/judge/data-quality.ts) without ever adding a
 * value the agent chose for a defective entry: a defect adds the server's own value of its key, and a
 * present row adds how far its primaryValue is from the truth. Every term is >= 0, so no row can cancel
 * another.
 */
import type { ApiState } from '../api.js';
import {
  type FieldType,
  KEY_SLOTS,
  keySlot,
  matchesTruth,
  PRIMARY_KEY,
  ROW_SCHEMA,
  rowSchemaOf,
  type SchemaField,
  totalsCents,
  totalsKey,
  truthCents,
  VERSIONED_ROW_SCHEMA,
} from '../dataset.js';
import { carriesDrift } from '../faults/schema-drift.js';
import { currentVersion, previousVersion } from '../faults/stale.js';
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
  /** Sum over present schema-valid rows of |primaryValue - its ground-truth value|, in cents. */
  readonly valueErrorCents: number;
  /**
   * Sum over defective entries of the server's value of their key, in cents: the ground-truth value for a
   * key of the ground truth (duplicates, unserved keys, present rows with an invalid field), the served
   * totals row's value for a totals key, and the mean ground-truth row value for any other key and for
   * entries without a key (malformed, mistyped key fields). The agent's own values never count.
   */
  readonly defectCents: number;
  /** Sum of primaryValue over ground-truth rows whose keys are present, in cents. */
  readonly truthSumCents: number;
  /** Stale records: present rows equal to the previous version of their record (a lagging snapshot's row). */
  readonly stale: number;
  /** Schema drift: present schema-invalid rows that still carry a drifted field (a renamed name, a string). */
  readonly drifted: number;
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

type RowCheck = (row: Record<string, unknown>) => number;

/**
 * A row check, compiled from a row schema into straight-line code (a loop of per-field closures costs
 * several times more per row). Missing is_total is allowed; any other missing field is invalid.
 */
function compileRowCheck(schema: readonly SchemaField[]): RowCheck {
  return new Function(
    'row',
    [
      'let v; let bad = 0;',
      ...schema.map((f) => {
        const flag = KEY_FIELDS.has(f.name) ? INVALID | KEY_INVALID : INVALID;
        const optional = f.name === 'is_total' ? 'v !== undefined && ' : '';
        const test =
          f.minimum === undefined ? TYPE_TESTS[f.type] : `${TYPE_TESTS[f.type]} && v >= ${f.minimum}`;
        return `v = row[${JSON.stringify(f.name)}]; if (${optional}!(${test})) bad |= ${flag};`;
      }),
      'return bad;',
    ].join('\n'),
  ) as RowCheck;
}

/** The checks of the two row schemas (src/core/dataset.ts, rowSchemaOf), compiled once. */
const CHECK_ROW = compileRowCheck(ROW_SCHEMA);
const CHECK_VERSIONED_ROW = compileRowCheck(VERSIONED_ROW_SCHEMA);

/** Served totals keys of the episode, with their totals row numbers. */
function servedTotalsKeys(inst: Instance, st: ApiState): Map<string, number> {
  const keys = new Map<string, number>();
  const served = st.servedTotals;
  if (served === null) return keys;
  for (let t = 0; t < served.length; t++) if (served[t] === 1) keys.set(totalsKey(inst, t), t);
  return keys;
}

/** The server's own value of a key, in cents (the mean and totals values made on first use). */
class ServerValues {
  private mean = -1;
  private readonly totals: number[] = [];

  constructor(
    private readonly inst: Instance,
    private readonly totalsKeys: ReadonlyMap<string, number>,
  ) {}

  /** The mean ground-truth row value, in cents (rounded). */
  meanCents(): number {
    if (this.mean < 0) {
      let sum = 0;
      for (let i = 0; i < this.inst.n; i++) sum += truthCents(this.inst, i);
      this.mean = Math.round(sum / this.inst.n);
    }
    return this.mean;
  }

  /** Totals row t's value, in cents: the sum over its block of real rows. */
  totalsCents(t: number): number {
    return (this.totals[t] ??= totalsCents(this.inst, t));
  }

  /** A key of the query's key space: ground-truth row idx's value, or the mean when idx < 0 (not in the truth). */
  slotCents(idx: number): number {
    return idx >= 0 ? truthCents(this.inst, idx) : this.meanCents();
  }

  /** A key outside the query's key space: a served totals key has its row's value, any other the mean. */
  otherKeyCents(key: string): number {
    const t = this.totalsKeys.get(key);
    return t === undefined ? this.meanCents() : this.totalsCents(t);
  }
}

export function analyseRows(inst: Instance, st: ApiState, entries: readonly Entry[]): RowAnalysis {
  const checkRow = rowSchemaOf(inst.task) === ROW_SCHEMA ? CHECK_ROW : CHECK_VERSIONED_ROW;
  const versions = inst.stale;
  const drift = inst.schemaDrift;
  const totalsKeys = servedTotalsKeys(inst, st);
  const values = new ServerValues(inst, totalsKeys);
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
  let valueErrorCents = 0;
  let defectCents = 0;
  let truthSumCents = 0;
  let stale = 0;
  let drifted = 0;

  for (const entry of entries) {
    if (!isRowObject(entry)) {
      malformed += 1;
      defective += 1;
      defectCents += values.meanCents();
      continue;
    }
    const row = entry;
    const bad = checkRow(row);
    const keyValid = (bad & KEY_INVALID) === 0;
    const valid = bad === 0;
    if (!keyValid) {
      schemaInvalid += 1;
      defective += 1;
      defectCents += values.meanCents();
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
    const idx = slot >= 0 && slot < inst.n ? slot : -1;
    let totals: number | undefined;
    if (slot >= 0) {
      const seen =
        idx >= 0 ? (seenTruth ??= new Uint8Array(inst.n)) : (seenSlot ??= new Uint8Array(KEY_SLOTS));
      if (seen[slot] === 1) {
        duplicates += 1;
        defective += 1;
        defectCents += values.slotCents(idx);
        continue;
      }
      seen[slot] = 1;
    } else {
      const key = `${row.period}|${row.reporterCode}|${row.partnerCode}|${row.flowCode}|${row.cmdCode}`;
      if (seenOther.has(key)) {
        duplicates += 1;
        defective += 1;
        defectCents += values.otherKeyCents(key);
        continue;
      }
      seenOther.add(key);
      totals = totalsKeys.get(key);
    }
    if (totals !== undefined) {
      totalsKept += 1;
      defective += 1;
      defectCents += values.totalsCents(totals);
      continue;
    }
    if (idx < 0 || servedReal === null || servedReal[idx] === 0) {
      foreign += 1;
      defective += 1;
      defectCents += values.slotCents(idx);
      continue;
    }
    present += 1;
    const cents = truthCents(inst, idx);
    truthSumCents += cents;
    if (!valid) {
      if (drift !== null && carriesDrift(drift, row)) drifted += 1;
      defective += 1;
      defectCents += cents;
      continue;
    }
    valueErrorCents += Math.abs(Math.round((row.primaryValue as number) * 100) - cents);
    if (versions === null) {
      if (matchesTruth(inst, idx, row, cents)) exact += 1;
      continue;
    }
    // A task whose records have versions: exact is the current version, on its version fields too.
    const current = currentVersion(versions, inst.keys.data, idx, cents);
    if (row.version === current.version && row.updated_at === current.updatedAt) {
      if (matchesTruth(inst, idx, row, cents)) exact += 1;
      continue;
    }
    const previous = previousVersion(versions, inst.keys.data, idx, cents);
    if (
      row.version === previous.version &&
      row.updated_at === previous.updatedAt &&
      matchesTruth(inst, idx, row, previous.cents)
    )
      stale += 1;
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
    valueErrorCents,
    defectCents,
    truthSumCents,
    stale,
    drifted,
  };
}
