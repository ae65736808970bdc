/**
 * The value of a served fetch_page (status 200): its rows are stream positions, written as JSON text for
 * transports or built as objects for in-process callers, never both unless both are asked for. Rows come
 * in the episode's row format (src/core/row-format.ts).
 */
import type { TraceEntry } from './api.js';
import { COLUMNS, columnValues, type RowWriter, streamRow } from './dataset.js';
import { DIRECT, type DirectValue } from './direct-value.js';
import type { Instance } from './instance.js';
import type { RowFormat } from './row-format.js';

const COLUMNS_JSON = JSON.stringify(COLUMNS);

export interface PageFields {
  readonly page: number;
  readonly pageSize: number;
  readonly totalPages: number;
  readonly requestsRemaining: number;
  readonly virtualTimeS: number;
  readonly rowFormat: RowFormat;
  /** Cursor-paginated tasks: the cursor of the next page (null on the last); absent on other tasks. */
  readonly nextCursor?: string | null | undefined;
}

export class ServedPage implements DirectValue {
  readonly [DIRECT] = true;
  readonly status = 200;
  private built: Record<string, unknown> | undefined;
  private text: string | undefined;

  constructor(
    private readonly inst: Instance,
    private readonly writer: () => RowWriter,
    private readonly entry: TraceEntry,
    /** Row k of the response is stream position entry.start + order[k] (null: + k). */
    private readonly order: readonly number[] | null,
    private readonly f: PageFields,
  ) {}

  get rowCount(): number {
    return this.entry.count;
  }

  private posOf(k: number): number {
    return this.entry.start + (this.order === null ? k : this.order[k]!);
  }

  value(): Record<string, unknown> {
    if (this.built !== undefined) return this.built;
    const { f, entry } = this;
    const prefix = `r${entry.seq}.`;
    const columns = f.rowFormat === 'columns';
    const rows: unknown[] = new Array(entry.count);
    for (let k = 0; k < entry.count; k++) {
      const row = streamRow(this.inst, this.posOf(k), prefix + k);
      rows[k] = columns ? columnValues(row) : row;
    }
    const v: Record<string, unknown> = {
      status: 200,
      page: f.page,
      page_size: f.pageSize,
      total_pages: f.totalPages,
      total_rows: this.inst.n,
      has_more: f.page < f.totalPages,
    };
    if (f.nextCursor !== undefined) v.next_cursor = f.nextCursor;
    if (columns) v.columns = [...COLUMNS];
    v.rows = rows;
    v.requests_remaining = f.requestsRemaining;
    v.virtual_time_s = f.virtualTimeS;
    return (this.built = v);
  }

  json(): string {
    if (this.text !== undefined) return this.text;
    const { f, entry } = this;
    const w = this.writer();
    const prefix = `r${entry.seq}.`;
    const columns = f.rowFormat === 'columns';
    // Every field is a finite number or a boolean: String() writes what JSON.stringify does.
    let s =
      `{"status":200,"page":${f.page},"page_size":${f.pageSize},"total_pages":${f.totalPages},` +
      `"total_rows":${this.inst.n},"has_more":${f.page < f.totalPages},` +
      (f.nextCursor === undefined ? '' : `"next_cursor":${JSON.stringify(f.nextCursor)},`) +
      `${columns ? `"columns":${COLUMNS_JSON},` : ''}"rows":[`;
    for (let k = 0; k < entry.count; k++) {
      const pos = this.posOf(k);
      s += (k === 0 ? '' : ',') + (columns ? w.valuesJson(pos, prefix + k) : w.objectJson(pos, prefix + k));
    }
    this.text = `${s}],"requests_remaining":${f.requestsRemaining},"virtual_time_s":${f.virtualTimeS}}`;
    return this.text;
  }
}
