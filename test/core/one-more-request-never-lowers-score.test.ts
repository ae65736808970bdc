/**
 * Judge property 5(b) (docs/benchmark.md, section 9): for any agent with R < R*, one more request that serves
 * a real key not served before never lowers the score.
 *
 * The agents are built on the core Episode directly. Agent(m) follows a fixed honest policy (the largest page
 * size, wait retry_after_s after a 429, retry 500s and pages cut short, re-fetch passes until total_rows
 * distinct keys) but stops after m requests and submits every distinct real row it was served (in the
 * declared row_schema, the newest version of each), with a complete run log. Agent(m + 1)
 * makes the same m requests and one more; whenever that extra request served a real key not served before,
 * score(m + 1) >= score(m). Two page orders are used (ascending, and descending, which meets T9's escalation
 * at other points), on every task with more than one request in its reference plan; cursor-paginated tasks
 * can only be walked in ascending order (each page's cursor comes from the page before). The agent asks
 * get_task_info for a new auth_token after a 401 and retries a 410 with its restart_cursor.
 *
 * Scope: the extra request is the one the policy would make (waiting only the retry_after_s it was given). An
 * extra request that also waits for no reason can lower the score through the time term of efficiency (0.3 *
 * min(1, T* / T)); e.g. T6 seed 0: 21 pages (R* = 62) score 88.4375, and page 22 fetched with wait_s 60 (3
 * new keys) scores 85.754019. That case is outside the property (docs/benchmark.md, section 9), so it is not
 * tested here.
 */
import { describe, expect, it } from 'vitest';
import { Episode } from '../../src/core/episode.js';
import { deriveInstance } from '../../src/core/instance.js';
import { referencePlan } from '../../src/core/judge/reference-plan.js';
import { MAX_PASSES, RETRY_CAP } from '../../src/core/policy.js';
import { pageRows } from '../../src/core/row-format.js';
import { conformer } from '../../src/agents/conform.js';
import { catalog, keyOf, okValue, PROFILES, SEEDS, TASK_IDS } from './helpers.js';

type Order = 'ascending' | 'descending';

interface Prefix {
  readonly score: number;
  readonly requests: number;
  readonly servedReal: number;
}

/** Runs the honest policy for at most `m` requests, then submits what it holds. */
function prefixAgent(taskId: string, profile: string, seed: number, m: number, order: Order): Prefix {
  const task = catalog.resolve(taskId, profile);
  const ep = new Episode({ task, seed, episodeId: 'prefix' });
  const conform = conformer(okValue(ep.runTool('get_task_info', {})));
  const size = task.max_page_size;
  const tokenOf = (info: Record<string, unknown>) =>
    (info.auth as { auth_token: string } | undefined)?.auth_token;
  let token = tokenOf(okValue(ep.runTool('get_task_info', {})));
  const cursors = task.pagination === 'cursor';
  let cursor: string | undefined;
  const rows = new Map<string, Record<string, unknown>>();
  const log: Array<{ page: number; status: number }> = [];
  let totalPages = Math.ceil(ep.inst.streamLength / size);
  let totalRows = Number.POSITIVE_INFINITY;
  let waitS = 0;

  const fetchUntilServed = (page: number): boolean => {
    let errors = 0;
    for (;;) {
      if (ep.api.requestsUsed >= m) return false;
      const args: Record<string, unknown> = cursors ? { page_size: size } : { page, page_size: size };
      if (cursor !== undefined) args.cursor = cursor;
      if (token !== undefined) args.auth_token = token;
      if (waitS > 0) args.wait_s = waitS;
      waitS = 0;
      const v = okValue(ep.runTool('fetch_page', args));
      const status = v.status as number;
      log.push({ page: v.page as number, status });
      if (status === 200) {
        if (cursors) cursor = (v.next_cursor as string | null) ?? undefined;
        totalPages = v.total_pages as number;
        totalRows = v.total_rows as number;
        for (const row of conform(pageRows(v))) {
          if (row.is_total === true) continue;
          const { row_id: _id, ...fields } = row;
          const held = rows.get(keyOf(fields));
          if (held === undefined || (fields.version as number) > (held.version as number))
            rows.set(keyOf(fields), fields);
        }
        const cut = typeof v.row_count === 'number' && (v.rows as unknown[]).length < v.row_count;
        if (!cut) return true;
        errors += 1;
        if (errors > RETRY_CAP) return true;
        continue;
      }
      if (status === 429) {
        waitS = v.retry_after_s as number;
        continue;
      }
      if (status === 401) {
        token = tokenOf(okValue(ep.runTool('get_task_info', {})));
        continue;
      }
      if (status === 410) {
        cursor = v.restart_cursor as string;
        continue;
      }
      if (status === 402) return false;
      errors += 1;
      if (errors > RETRY_CAP) return true;
    }
  };

  outer: for (let pass = 1; pass <= MAX_PASSES; pass++) {
    cursor = undefined;
    for (let k = 1; k <= totalPages; k++) {
      if (rows.size >= totalRows) break outer;
      const page = order === 'ascending' ? k : totalPages + 1 - k;
      if (!fetchUntilServed(page)) break outer;
    }
  }
  const servedReal = ep.api.servedRealCount;
  const v = okValue(ep.runTool('submit_results', { rows: [...rows.values()], run_log: log }));
  return { score: v.score as number, requests: ep.api.requestsUsed, servedReal };
}

const MULTI_REQUEST_TASKS = TASK_IDS.filter((t) => t !== 'T1_single_page');

describe.each(PROFILES)(
  'one more request that serves a new real key never lowers the score (%s)',
  (profile) => {
    for (const taskId of MULTI_REQUEST_TASKS) {
      const cursors = catalog.resolve(taskId, profile).pagination === 'cursor';
      for (const order of cursors ? (['ascending'] as const) : (['ascending', 'descending'] as const)) {
        it(`${taskId}/${profile}, pages ${order}: score(m + 1) >= score(m) for every m < R* on every seed`, () => {
          for (const seed of SEEDS) {
            const rStar = referencePlan(deriveInstance(catalog.resolve(taskId, profile), seed)).requests;
            let compared = 0;
            let prev = prefixAgent(taskId, profile, seed, 0, order);
            for (let m = 0; m < rStar; m++) {
              const next = prefixAgent(taskId, profile, seed, m + 1, order);
              const where = `${taskId}/${profile} ${order} seed ${seed} m ${m}: ${prev.score} -> ${next.score}`;
              if (prev.requests < m) break; // the policy finished in fewer requests (possible in descending order)
              if (next.requests === m + 1 && next.servedReal > prev.servedReal) {
                expect(next.score, where).toBeGreaterThanOrEqual(prev.score);
                compared += 1;
              }
              prev = next;
            }
            // Not vacuous: at least one step per page of the first pass served new keys.
            expect(compared, `${taskId}/${profile} ${order} seed ${seed}`).toBeGreaterThanOrEqual(2);
          }
        });
      }
    }
  },
);
