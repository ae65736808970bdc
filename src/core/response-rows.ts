/**
 * The rows of one 200 response as the API serves them: which stream position row k is (the in-page order
 * of drifting tasks), and how it looks, all from the trace entry. A served page (src/core/served-page.ts)
 * writes them and a row_id (src/core/submission.ts) resolves to them, so a row_id names the row exactly as
 * it was served.
 *
 * A response is *plain* when its task's records have no versions and it is not schema-drifted: its rows
 * are then `streamRow(inst, pos, row_id)` (written as text by RowWriter), as on every task of T1–T10.
 * Otherwise each row is built field by field from the task's row schema: records served by a lagging
 * snapshot in their previous version (src/core/faults/stale.ts), and the fields of a drifted response
 * renamed or written as strings (src/core/faults/schema-drift.ts).
 */
import type { TraceEntry } from './api.js';
import {
  columnsOf,
  columnValues,
  rowSchemaOf,
  type SchemaField,
  sourceAt,
  streamRow,
  totalsCents,
  totalsRow,
  type TradeRow,
  truthCents,
  truthRow,
} from './dataset.js';
import { pageOrder } from './faults/drift.js';
import { drifted, driftedName, driftedValue, type SchemaDriftPlan } from './faults/schema-drift.js';
import { type RecordVersion, servedVersion, snapshotLagS, totalsVersion } from './faults/stale.js';
import type { Instance } from './instance.js';

export type ServedEntry = Pick<TraceEntry, 'seq' | 'page' | 'servedAttempt' | 'start' | 'count'>;

export class ResponseRows {
  /** The response's rows are streamRow's (see the file header). */
  readonly plain: boolean;
  /** How many seconds the snapshot that served it lags (0: current, or a task without versions). */
  readonly snapshotLag: number;
  private readonly order: readonly number[] | null;
  private readonly drift: SchemaDriftPlan | null;
  private readonly schema: readonly SchemaField[];

  constructor(
    private readonly inst: Instance,
    private readonly entry: ServedEntry,
  ) {
    this.order = pageOrderOf(inst, entry);
    this.drift = drifted(inst.schemaDrift, entry.seq) ? inst.schemaDrift : null;
    this.snapshotLag = inst.stale === null ? 0 : snapshotLagS(inst.stale, entry.page, entry.servedAttempt);
    this.plain = inst.stale === null && this.drift === null;
    this.schema = rowSchemaOf(inst.task);
  }

  get count(): number {
    return this.entry.count;
  }

  /** The stream position of row k. */
  posOf(k: number): number {
    return this.entry.start + (this.order === null ? k : this.order[k]!);
  }

  /** The response's column order in `columns` form: row_id, then each field under its served name. */
  columns(): readonly string[] {
    const drift = this.drift;
    if (drift === null) return columnsOf(this.inst.task);
    return ['row_id', ...this.schema.map((f) => driftedName(drift, f.name))];
  }

  /** Row k as a row object: its fields in schema order, then row_id. */
  object(k: number, rowId: string): TradeRow | Record<string, unknown> {
    const pos = this.posOf(k);
    if (this.plain) return streamRow(this.inst, pos, rowId);
    const row: Record<string, unknown> = {};
    this.fields(pos, (name, value) => {
      row[name] = value;
    });
    row.row_id = rowId;
    return row;
  }

  /** Row k's values in the order of columns(). */
  values(k: number, rowId: string): unknown[] {
    const pos = this.posOf(k);
    if (this.plain) return columnValues(streamRow(this.inst, pos, rowId));
    const values: unknown[] = [rowId];
    this.fields(pos, (_name, value) => {
      values.push(value);
    });
    return values;
  }

  /** Calls `each` with every field of the row at `pos`, in schema order, as served. */
  private fields(pos: number, each: (name: string, value: unknown) => void): void {
    const inst = this.inst;
    const src = sourceAt(inst, pos);
    const base = src >= 0 ? truthRow(inst, src) : totalsRow(inst, -src - 1);
    let version: RecordVersion | null = null;
    if (inst.stale !== null) {
      version =
        src >= 0
          ? servedVersion(inst.stale, inst.keys.data, src, truthCents(inst, src), this.snapshotLag)
          : totalsVersion(inst.stale, totalsCents(inst, -src - 1));
    }
    const drift = this.drift;
    for (const f of this.schema) {
      let value: unknown;
      if (version !== null && f.name === 'version') value = version.version;
      else if (version !== null && f.name === 'updated_at') value = version.updatedAt;
      else if (version !== null && f.name === 'primaryValue') value = version.cents / 100;
      else value = base[f.name as keyof TradeRow];
      if (drift === null) each(f.name, value);
      else each(driftedName(drift, f.name), driftedValue(drift, f.name, value));
    }
  }
}

/**
 * The in-page order of a 200 response: row k of the response is stream position start + order[k]
 * (null: unshuffled, row k is start + k). Only drifting tasks shuffle.
 */
export function pageOrderOf(
  inst: Instance,
  entry: { page: number; servedAttempt: number; count: number },
): readonly number[] | null {
  const drift = inst.task.faults.drift;
  if (drift === undefined || !drift.shuffle) return null;
  return pageOrder(drift, inst.keys.drift, entry.page, entry.servedAttempt, entry.count);
}
