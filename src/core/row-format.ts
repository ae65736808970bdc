/**
 * How a served page carries its rows, chosen per episode (reset's `row_format`, else the profile's):
 * - `objects`: `rows` is an array of row objects (the row_schema fields, then `row_id`);
 * - `columns`: the page has `columns` (`row_id`, then the row_schema fields in order) right before `rows`,
 *   and each row is an array of values in that order (COLUMNS, src/core/dataset.ts): the field names are
 *   written once per page instead of once per row.
 * Submissions are row objects (or row_ids) in both cases.
 */
export const ROW_FORMATS = ['objects', 'columns'] as const;
export type RowFormat = (typeof ROW_FORMATS)[number];

/**
 * The rows of a served page as row objects, whichever form it came in (a page without `columns` is in
 * `objects` form): what agents read pages through. Decoded rows have the keys of the `objects` form in
 * its order (the fields, then `row_id`), so both forms of a page give the same JSON text.
 */
export function pageRows(page: Record<string, unknown>): Record<string, unknown>[] {
  const rows = page.rows as unknown[];
  const columns = page.columns as readonly string[] | undefined;
  if (columns === undefined) return rows as Record<string, unknown>[];
  const idAt = columns.indexOf('row_id');
  return rows.map((v) => {
    const values = v as readonly unknown[];
    const row: Record<string, unknown> = {};
    columns.forEach((name, k) => {
      if (k !== idAt) row[name] = values[k];
    });
    if (idAt >= 0) row.row_id = values[idAt];
    return row;
  });
}
