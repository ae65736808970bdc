/**
 * The reference solver's answer to schema drift (src/core/faults/schema-drift.ts): bring served rows into
 * get_task_info's row_schema. A response whose first row has every schema field with its JSON type is kept
 * as served; otherwise each of its rows is rebuilt in schema order: a missing field is taken from the
 * served field whose name matches it up to case and underscores (primary_value for primaryValue), and a
 * number field served as a string is parsed back (Number of the served text).
 */
type Row = Record<string, unknown>;

interface Field {
  readonly name: string;
  readonly type: string;
}

const NUMERIC = new Set(['number', 'integer']);
const norm = (name: string) => name.toLowerCase().replaceAll('_', '');

function hasType(v: unknown, type: string): boolean {
  return NUMERIC.has(type) ? typeof v === 'number' : typeof v === type;
}

/** A function that brings the rows of one response into the task's row_schema. */
export function conformer(taskInfo: Record<string, unknown>): (rows: Row[]) => Row[] {
  const schema = taskInfo.row_schema as readonly Field[];
  const names = new Set(schema.map((f) => f.name));
  const inSchema = (row: Row) =>
    schema.every((f) => Object.hasOwn(row, f.name) && hasType(row[f.name], f.type));

  const conformRow = (row: Row): Row => {
    const served = new Map<string, string>();
    for (const k of Object.keys(row)) if (!names.has(k) && k !== 'row_id') served.set(norm(k), k);
    const out: Row = {};
    for (const f of schema) {
      const from = Object.hasOwn(row, f.name) ? f.name : served.get(norm(f.name));
      let v = from === undefined ? undefined : row[from];
      if (NUMERIC.has(f.type) && typeof v === 'string') v = Number(v);
      out[f.name] = v;
    }
    out.row_id = row.row_id;
    return out;
  };

  return (rows) => (rows.length === 0 || inSchema(rows[0]!) ? rows : rows.map(conformRow));
}
