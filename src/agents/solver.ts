/**
 * The reference solver, and the one place its behaviour is parameterised so that each failure persona is
 * the solver with exactly one flaw. With no flaw it follows the canonical policy of src/core/policy.ts and
 * so makes exactly R* requests in T* (tested): the largest page size; after a 429 wait exactly
 * retry_after_s and retry the same page; retry a 500 at once, at most RETRY_CAP times in a row; dedup by
 * primary key; drop is_total rows; re-fetch pages 1..P until total_rows distinct keys are held; log every
 * response as a request event; submit. It reads pages in either row format (pageRows).
 */
import { MAX_PASSES, RETRY_CAP } from '../core/policy.js';
import { pageRows } from '../core/row-format.js';
import type { EnvConnection } from '../env/connection.js';
import { call } from './types.js';

export interface SolverFlaws {
  /** 'lose-page': a 429 or 500 loses the page for good (see personas/no-retry.ts). 'premature': see premature-retry.ts. */
  readonly retry?: 'canonical' | 'lose-page' | 'premature';
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
  const taskInfo = await call(env, 'get_task_info');
  const constraints = taskInfo.constraints as Record<string, number>;
  const pageSize = flaws.pageSize === 'default' ? undefined : constraints.max_page_size;

  const log: unknown[] = [];
  const distinct = new Set<string>();
  const state: SolveState = {
    taskInfo,
    totalPages: Number.POSITIVE_INFINITY,
    totalRows: Number.POSITIVE_INFINITY,
    rows: [],
  };
  const lost = new Set<number>();
  let waitS = 0;
  let stopped = false;

  const absorb = (r: Record<string, unknown>) => {
    state.totalPages = r.total_pages as number;
    state.totalRows = r.total_rows as number;
    for (const row of pageRows(r)) {
      const isTotal = row.is_total === true;
      const before = distinct.size;
      if (!isTotal) distinct.add(keyOf(row));
      const fresh = distinct.size !== before;
      if (isTotal ? !dropTotals : fresh || !dedup) state.rows.push(row);
    }
  };

  const fetchUntilServed = async (page: number): Promise<void> => {
    let errors = 0;
    for (;;) {
      const args: Record<string, unknown> = { page };
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
      if (status === 200) return absorb(r);
      if (status === 402) {
        stopped = true;
        return;
      }
      if (retry === 'lose-page') {
        lost.add(page);
        if (status === 429) waitS = r.retry_after_s as number;
        return;
      }
      if (status === 429) {
        if (retry === 'canonical') waitS = r.retry_after_s as number;
        continue;
      }
      errors += 1;
      if (errors > RETRY_CAP) return;
    }
  };

  for (let pass = 1; pass <= MAX_PASSES && !stopped; pass++) {
    for (let p = 1; p <= state.totalPages && !stopped; p++) {
      if (pass === 1 && flaws.pageLimit && p > flaws.pageLimit(state.totalPages)) break;
      if (pass > 1 && distinct.size >= state.totalRows) break;
      if (lost.has(p)) continue;
      await fetchUntilServed(p);
    }
    const singlePass =
      flaws.completenessCheck === false || flaws.pageLimit !== undefined || retry === 'lose-page';
    if (distinct.size >= state.totalRows || singlePass) break;
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
