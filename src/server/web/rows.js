// Rows and requests as the page reads them from tool replies: rows as objects or as `columns` with rows as
// arrays; requests (fetch_page calls that reached the API) with their page, status and virtual time.

/** The rows of a fetch_page value as objects. */
export function rowsOf(value) {
  const rows = Array.isArray(value?.rows) ? value.rows : [];
  const columns = Array.isArray(value?.columns) ? value.columns : null;
  if (columns === null) return rows.filter((r) => r !== null && typeof r === 'object');
  return rows.map((r) => (Array.isArray(r) ? Object.fromEntries(columns.map((c, i) => [c, r[i]])) : r));
}

/** A row's primary key (the task's primary_key fields) as one string. */
export const keyOf = (row, primaryKey) => primaryKey.map((f) => String(row[f])).join('|');

/**
 * What an ended episode's trajectory (the server's replay of its calls) says about each served row, by
 * row_id: `total` when the server served it flagged is_total, `dup` when its key had been served before
 * (submitting both is what the judge counts as a duplicate), with the row_id of the first one.
 */
export function marksOf(trajectory, primaryKey) {
  const marks = new Map();
  const first = new Map();
  for (const c of trajectory.calls) {
    if (c.name !== 'fetch_page' || c.reply?.status !== 200) continue;
    for (const row of rowsOf(c.reply)) {
      if (row.is_total === true) {
        marks.set(row.row_id, { kind: 'total' });
        continue;
      }
      const k = keyOf(row, primaryKey);
      const seen = first.get(k);
      if (seen === undefined) first.set(k, row.row_id);
      else marks.set(row.row_id, { kind: 'dup', of: seen });
    }
  }
  return marks;
}

/**
 * The requests among calls ({name, arguments, value}): fetch_page calls whose reply has a status (tool
 * errors cost no request and are not requests). `t` is the virtual time after the request.
 */
export function requestsOf(calls) {
  const out = [];
  for (const c of calls) {
    const v = c.value;
    if (c.name !== 'fetch_page' || v === null || typeof v?.status !== 'number') continue;
    out.push({
      n: out.length + 1,
      page: v.page ?? c.arguments?.page,
      status: v.status,
      t: v.virtual_time_s ?? 0,
      wait: Number(c.arguments?.wait_s ?? 0),
      retryAfter: v.retry_after_s ?? null,
      remaining: v.requests_remaining ?? null,
      rows: Array.isArray(v.rows) ? v.rows.length : 0,
    });
  }
  return out;
}

/** The run-log event the judge reads for a request (docs/benchmark.md, run log). */
export const logEvent = (r) =>
  r.status === 429
    ? { page: r.page, status: r.status, retry_after_s: r.retryAfter }
    : { page: r.page, status: r.status };

/** A trajectory's calls in the page's shape: { name, arguments, value, error }. */
export const callsOfTrajectory = (t) =>
  t.calls.map((c) => {
    const isError =
      c.reply !== null && typeof c.reply === 'object' && 'error' in c.reply && !('status' in c.reply);
    return {
      name: c.name,
      arguments: c.arguments,
      value: isError ? null : c.reply,
      error: isError ? c.reply.error : null,
      done: c.done,
    };
  });
