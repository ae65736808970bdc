/**
 * The reference solver, and the one place its behaviour is parameterised so that each failure persona is
 * the solver with exactly one flaw. With no flaw it follows the canonical policy of src/core/policy.ts and
 * so makes exactly R* requests in T* (tested): the largest page size; after a 429 wait exactly
 * retry_after_s and retry the same page; retry a 500 or a 504, or a 200 with fewer rows than its row_count,
 * at once, at most RETRY_CAP times in a row; after a 401 ask get_task_info for a new auth_token and retry at
 * once; on a cursor task follow next_cursor from a request without cursor and retry a 410 at once with its
 * restart_cursor; dedup by primary key, keeping the highest version where rows have one; drop is_total rows;
 * re-fetch pages 1..P until total_rows distinct keys are held, then the pages whose latest as_of is older
 * than the newest seen; bring every row into get_task_info's row_schema; log every response as a request
 * event; submit. It reads pages in either row format (pageRows).
 */
import { MAX_PASSES, RETRY_CAP } from '../core/policy.js';
import { pageRows } from '../core/row-format.js';
import type { EnvConnection } from '../env/connection.js';
import { conformer } from './conform.js';
import { call } from './types.js';

export interface SolverFlaws {
  /** 'lose-page': a 429 or 500 loses the page for good (see personas/no-retry.ts). 'premature': see premature-retry.ts. */
  readonly retry?: 'canonical' | 'lose-page' | 'premature';
  /** false: never asks for a new auth_token; a 401 is retried like a 500 (see personas/no-refresh.ts). */
  readonly refreshToken?: boolean;
  /** false: a 504 loses the page for good (see personas/no-timeout-retry.ts). */
  readonly timeoutRetry?: boolean;
  /** 'from-zero': a 410 starts the listing again at page 1 (see personas/cursor-restart-from-zero.ts). */
  readonly cursorRestart?: 'restart_cursor' | 'from-zero';
  readonly dedup?: boolean;
  readonly dropTotals?: boolean;
  readonly completenessCheck?: boolean;
  readonly pageSize?: 'max' | 'default';
  readonly log?: boolean;
  /** Rewrites the run log before submission (keyword stuffing, fabricated events). */
  readonly editLog?: (log: unknown[], info: SolveState) => unknown[];
  readonly submitAs?: 'rows' | 'row_ids' | 'data_jsonl';
  /** Stop after these pages of the first pass (for the honest-half and superset agents). */
  readonly pageLimit?: (totalPages: number) => number;
  /** Adds rows to the submission (superset). */
  readonly extraRows?: (info: SolveState) => Record<string, unknown>[];
  /** false: a 200 is whole and final, the page is never requested again (see personas/trust-page.ts). */
  readonly refetchServed?: boolean;
  /** false: rows are submitted in the form they were served (see personas/schema-echo.ts). */
  readonly conformSchema?: boolean;
  /** false: the first version received of a key is kept (see personas/first-version.ts). */
  readonly newestVersion?: boolean;
}

export interface SolveState {
  readonly taskInfo: Record<string, unknown>;
  totalPages: number;
  totalRows: number;
  readonly rows: Record<string, unknown>[];
}

const keyOf = (r: Record<string, unknown>) =>
  `${r.period}|${r.reporterCode}|${r.partnerCode}|${r.flowCode}|${r.cmdCode}`;

export async function solve(env: EnvConnection, flaws: SolverFlaws = {}): Promise<void> {
  const retry = flaws.retry ?? 'canonical';
  const dedup = flaws.dedup ?? true;
  const dropTotals = flaws.dropTotals ?? true;
  const refetch = flaws.refetchServed ?? true;
  const newest = flaws.newestVersion ?? true;
  const taskInfo = await call(env, 'get_task_info');
  const constraints = taskInfo.constraints as Record<string, number>;
  const pageSize = flaws.pageSize === 'default' ? undefined : constraints.max_page_size;
  const conform = flaws.conformSchema === false ? null : conformer(taskInfo);
  const cursors = (taskInfo.constraints as Record<string, unknown>).pagination === 'cursor';
  const tokenOf = (info: Record<string, unknown>) =>
    (info.auth as { auth_token: string } | undefined)?.auth_token;
  let token = tokenOf(taskInfo);
  // Cursor tasks: the cursor of the next page (undefined: the next request opens a listing at page 1).
  let cursor: string | undefined;

  const log: unknown[] = [];
  const distinct = new Set<string>();
  /** Where the kept row of each key is in state.rows. */
  const keptAt = new Map<string, number>();
  const state: SolveState = {
    taskInfo,
    totalPages: Number.POSITIVE_INFINITY,
    totalRows: Number.POSITIVE_INFINITY,
    rows: [],
  };
  // Pages given up for good (no-retry, no-timeout-retry): never requested again.
  const lost = new Set<number>();
  /** Stale records: each page's latest as_of, and the newest as_of seen. */
  const asOf = new Map<number, string>();
  let newestAsOf = '';
  let waitS = 0;
  let stopped = false;

  const absorb = (page: number, r: Record<string, unknown>) => {
    state.totalPages = r.total_pages as number;
    state.totalRows = r.total_rows as number;
    if (typeof r.as_of === 'string') {
      asOf.set(page, r.as_of);
      if (r.as_of > newestAsOf) newestAsOf = r.as_of;
    }
    const served = pageRows(r);
    for (const row of conform === null ? served : conform(served)) {
      const isTotal = row.is_total === true;
      const key = keyOf(row);
      const before = distinct.size;
      if (!isTotal) distinct.add(key);
      const fresh = distinct.size !== before;
      if (isTotal ? !dropTotals : fresh || !dedup) {
        if (fresh) keptAt.set(key, state.rows.length);
        state.rows.push(row);
      } else if (!isTotal && newest && isNewer(row, state.rows[keptAt.get(key)!]!)) {
        state.rows[keptAt.get(key)!] = row;
      }
    }
  };

  /** 'next': served; 'lost': given up (or the budget is spent); 'restart': start the listing again at page 1. */
  const fetchUntilServed = async (page: number): Promise<'next' | 'lost' | 'restart'> => {
    let errors = 0;
    for (;;) {
      const args: Record<string, unknown> = cursors ? {} : { page };
      if (cursor !== undefined) args.cursor = cursor;
      if (token !== undefined) args.auth_token = token;
      if (pageSize !== undefined) args.page_size = pageSize;
      if (waitS > 0) args.wait_s = waitS;
      waitS = 0;
      const r = await call(env, 'fetch_page', args);
      const status = r.status as number;
      log.push(
        status === 429
          ? { page, status, retry_after_s: r.retry_after_s }
          : { page, status, rows: status === 200 ? (r.rows as unknown[]).length : 0 },
      );
      if (status === 200) {
        if (cursors) cursor = (r.next_cursor as string | null) ?? undefined;
        absorb(page, r);
        // A response cut short (fewer rows than row_count) is fetched again at once, like a 500.
        const cut = typeof r.row_count === 'number' && (r.rows as unknown[]).length < r.row_count;
        if (!cut || !refetch) return 'next';
        errors += 1;
        if (errors > RETRY_CAP) return 'lost';
        continue;
      }
      if (status === 402) {
        stopped = true;
        return 'lost';
      }
      if (status === 401 && flaws.refreshToken !== false) {
        token = tokenOf(await call(env, 'get_task_info'));
        continue;
      }
      if (status === 410) {
        if (flaws.cursorRestart === 'from-zero') {
          cursor = undefined;
          return 'restart';
        }
        cursor = r.restart_cursor as string;
        continue;
      }
      if (retry === 'lose-page' || (status === 504 && flaws.timeoutRetry === false)) {
        lost.add(page);
        if (status === 429) waitS = r.retry_after_s as number;
        return 'lost';
      }
      if (status === 429) {
        if (retry === 'canonical') waitS = r.retry_after_s as number;
        continue;
      }
      errors += 1;
      if (errors > RETRY_CAP) return 'lost';
    }
  };

  /** Stale records: the page's latest 200 came from a snapshot older than the newest seen. */
  const lagging = (p: number) => (asOf.get(p) ?? newestAsOf) < newestAsOf;
  const anyLagging = () => [...asOf.keys()].some(lagging);
  for (let pass = 1; pass <= MAX_PASSES && !stopped; pass++) {
    cursor = undefined;
    for (let p = 1; p <= state.totalPages && !stopped; p++) {
      if (pass === 1 && flaws.pageLimit && p > flaws.pageLimit(state.totalPages)) break;
      // Later passes: every page while rows are missing, then only the pages a lagging snapshot served.
      if (pass > 1 && distinct.size >= state.totalRows && !lagging(p)) {
        if (!anyLagging()) break;
        continue;
      }
      if (lost.has(p)) continue;
      const outcome = await fetchUntilServed(p);
      if (outcome === 'restart') p = 0;
      // On a cursor task a page given up leaves no cursor for the next one: the pass ends there.
      else if (outcome === 'lost' && cursors) break;
    }
    const singlePass =
      flaws.completenessCheck === false ||
      flaws.pageLimit !== undefined ||
      retry === 'lose-page' ||
      flaws.timeoutRetry === false ||
      !refetch;
    if ((distinct.size >= state.totalRows && !anyLagging()) || singlePass) break;
  }

  const rows = flaws.extraRows ? [...state.rows, ...flaws.extraRows(state)] : state.rows;
  const finalLog = flaws.editLog ? flaws.editLog(log, state) : log;
  const submission: Record<string, unknown> = {};
  const as = flaws.submitAs ?? 'rows';
  if (as === 'rows') submission.rows = rows;
  else if (as === 'row_ids') submission.row_ids = rows.map((r) => r.row_id);
  else submission.data_jsonl = rows.map((r) => JSON.stringify(r)).join('\n');
  if (flaws.log !== false) submission.run_log = finalLog;
  await call(env, 'submit_results', submission);
}

/** Whether `row` is a newer version of the record than `kept` (rows without versions never are). */
function isNewer(row: Record<string, unknown>, kept: Record<string, unknown>): boolean {
  return typeof row.version === 'number' && typeof kept.version === 'number' && row.version > kept.version;
}
