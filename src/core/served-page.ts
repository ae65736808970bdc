/**
 * The value of a served fetch_page (status 200): its rows are stream positions, written as JSON text for
 * transports or built as objects for in-process callers, never both unless both are asked for. Rows come
 * in the episode's row format (src/core/row-format.ts) and look as the response serves them
 * (src/core/response-rows.ts). Some tasks add a field: `next_cursor` (cursor pagination), `row_count`
 * (truncation: the rows the page holds) and `as_of` (stale records: the time of the serving snapshot).
 */
import type { TraceEntry } from './api.js';
import { COLUMNS, type RowWriter } from './dataset.js';
import { DIRECT, type DirectValue } from './direct-value.js';
import type { Instance } from './instance.js';
import type { ResponseRows } from './response-rows.js';
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
  /** Truncation: the rows the page holds (`row_count`); undefined on other tasks. */
  readonly heldRows?: number | undefined;
  /** Stale records: the time of the snapshot that served the response (`as_of`); undefined on other tasks. */
  readonly asOf?: string | undefined;
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
    private readonly rows: ResponseRows,
    private readonly f: PageFields,
  ) {}

  get rowCount(): number {
    return this.entry.count;
  }

  value(): Record<string, unknown> {
    if (this.built !== undefined) return this.built;
    const { f, entry } = this;
    const prefix = `r${entry.seq}.`;
    const columns = f.rowFormat === 'columns';
    const rows: unknown[] = new Array(entry.count);
    for (let k = 0; k < entry.count; k++) {
      rows[k] = columns ? this.rows.values(k, prefix + k) : this.rows.object(k, prefix + k);
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
    if (f.heldRows !== undefined) v.row_count = f.heldRows;
    if (f.asOf !== undefined) v.as_of = f.asOf;
    if (columns) v.columns = [...this.rows.columns()];
    v.rows = rows;
    v.requests_remaining = f.requestsRemaining;
    v.virtual_time_s = f.virtualTimeS;
    return (this.built = v);
  }

  json(): string {
    if (this.text !== undefined) return this.text;
    const { f, entry } = this;
    const prefix = `r${entry.seq}.`;
    const columns = f.rowFormat === 'columns';
    const plain = this.rows.plain;
    const w = plain ? this.writer() : null;
    // Every field is a finite number or a boolean, or a string without escapes (as_of): String() and
    // quotes write what JSON.stringify does.
    let s =
      `{"status":200,"page":${f.page},"page_size":${f.pageSize},"total_pages":${f.totalPages},` +
      `"total_rows":${this.inst.n},"has_more":${f.page < f.totalPages},` +
      (f.nextCursor === undefined ? '' : `"next_cursor":${JSON.stringify(f.nextCursor)},`) +
      (f.heldRows !== undefined ? `"row_count":${f.heldRows},` : '') +
      (f.asOf !== undefined ? `"as_of":"${f.asOf}",` : '');
    if (columns) s += `"columns":${plain ? COLUMNS_JSON : JSON.stringify(this.rows.columns())},`;
    s += '"rows":[';
    for (let k = 0; k < entry.count; k++) {
      const id = prefix + k;
      let row: string;
      if (w !== null)
        row = columns ? w.valuesJson(this.rows.posOf(k), id) : w.objectJson(this.rows.posOf(k), id);
      else row = JSON.stringify(columns ? this.rows.values(k, id) : this.rows.object(k, id));
      s += (k === 0 ? '' : ',') + row;
    }
    this.text = `${s}],"requests_remaining":${f.requestsRemaining},"virtual_time_s":${f.virtualTimeS}}`;
    return this.text;
  }
}
