/**
 * The canonical policy, stated once as constants that the reference plan (R*, T*) and the reference
 * solver both follow: the largest page size; after a 429 wait exactly retry_after_s, then retry the same
 * page; retry a 500 or a 504, or a 200 cut short (fewer rows than its row_count), at once on the same page,
 * at most RETRY_CAP times in a row; after a 401, ask get_task_info for a new token and retry at once; on a
 * cursor task, follow next_cursor from a request without cursor, and after a 410 retry at once with its
 * restart_cursor; after the first pass, re-fetch pages 1..P in order (on a cursor task: a new listing from
 * page 1) until total_rows distinct keys are held, then the pages whose latest 200 has an as_of older than
 * the newest as_of seen (a lagging snapshot), at most MAX_PASSES passes in all. Rows are cleaned the same
 * way: one row per primary key (the highest version where rows have one), no totals rows, each row in the
 * declared row_schema.
 */
export const RETRY_CAP = 5;
export const MAX_PASSES = 5;
