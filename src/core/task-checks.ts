/**
 * Checks a task beyond its schema, for every profile: enough pages at the maximum page size, fault counts
 * that fit their slots exactly, distinct totals keys, cursor faults only with cursor pagination (and no drift
 * there), and on a sample of seeds a reference plan that completes within 80 % of the budget and meets
 * exactly the declared token and cursor expiries. Pure; the loader turns a failure into an error naming the
 * file.
 */
import { TOKEN_EXPIRED } from './faults/auth.js';
import { CURSOR_EXPIRED } from './faults/cursor.js';
import { MAX_TOTALS_ROWS, totalsCount } from './faults/totals.js';
import { deriveInstance } from './instance.js';
import { runReferencePolicy } from './judge/reference-plan.js';
import { DEFAULT_PROFILE, type ResolvedTask, resolveTask, type TaskSpec } from './task-spec.js';

export const PLAN_BUDGET_SHARE = 0.8;
export const CHECK_SEEDS = 16;

export interface TaskProblem {
  readonly field: string;
  readonly problem: string;
}

export function checkTask(spec: TaskSpec, taskHash: string): TaskProblem | null {
  for (const profile of [DEFAULT_PROFILE, ...Object.keys(spec.profiles)]) {
    const problem = checkResolved(resolveTask(spec, taskHash, profile));
    if (problem !== null) {
      return {
        field: profile === DEFAULT_PROFILE ? problem.field : `profiles.${profile}.${problem.field}`,
        problem: problem.problem,
      };
    }
  }
  return null;
}

function checkResolved(t: ResolvedTask): TaskProblem | null {
  if (t.default_page_size > t.max_page_size)
    return { field: 'default_page_size', problem: 'must be <= max_page_size' };
  // Real rows alone give a lower bound on the stream length, hence on the pages faults can use.
  const minPages = Math.ceil(t.rows.min / t.max_page_size);
  const multiPageFloor = t.faults.escalation ? 10 : 4;
  if (t.min_pages > 1 && t.min_pages < multiPageFloor) {
    return { field: 'min_pages', problem: `a multi-page task needs min_pages >= ${multiPageFloor}` };
  }
  if (t.faults.totals && totalsCount(t.faults.totals, t.rows.max) > MAX_TOTALS_ROWS) {
    return { field: 'faults.totals', problem: `more than ${MAX_TOTALS_ROWS} totals rows at rows.max` };
  }
  if (t.pagination === 'cursor' && t.faults.drift) {
    return { field: 'faults.drift', problem: 'page drift needs pagination "page"' };
  }
  if (t.faults.cursor && t.pagination !== 'cursor') {
    return { field: 'faults.cursor', problem: 'cursor expiry needs pagination "cursor"' };
  }
  let used = 0;
  for (const kind of ['rate_limit', 'server_error', 'timeout'] as const) {
    const f = t.faults[kind];
    if (f === undefined) continue;
    const capacity = minPages * f.max_consecutive - used;
    if (f.count > capacity) {
      return {
        field: `faults.${kind}.count`,
        problem: `${f.count} faults do not fit ${capacity} free (page, attempt) slots`,
      };
    }
    used += f.count;
  }
  for (let seed = 0; seed < CHECK_SEEDS; seed++) {
    const inst = deriveInstance(t, seed);
    if (inst.maxSizePages < t.min_pages) {
      return {
        field: 'min_pages',
        problem: `seed ${seed}: ceil(len(stream) / max_page_size) = ${inst.maxSizePages} is fewer than min_pages (${t.min_pages})`,
      };
    }
    let scheduled = 0;
    for (const list of inst.schedule.values()) scheduled += list.length;
    if (scheduled !== used) {
      return { field: 'faults', problem: `seed ${seed} schedules ${scheduled} faults, not exactly ${used}` };
    }
    const plan = runReferencePolicy(inst);
    if (plan.servedRealCount !== inst.n)
      return { field: 'request_budget', problem: `the reference plan cannot finish seed ${seed}` };
    if (plan.requestsUsed > PLAN_BUDGET_SHARE * t.request_budget) {
      return {
        field: 'request_budget',
        problem: `the reference plan needs ${plan.requestsUsed} requests on seed ${seed}, over ${PLAN_BUDGET_SHARE * 100}% of ${t.request_budget}`,
      };
    }
    const expiries = [
      ['auth', t.faults.auth?.expiries, TOKEN_EXPIRED],
      ['cursor', t.faults.cursor?.expiries, CURSOR_EXPIRED],
    ] as const;
    for (const [kind, declared, traceKind] of expiries) {
      if (declared === undefined) continue;
      const met = plan.trace.filter((e) => e.kind === traceKind).length;
      if (met !== declared) {
        return {
          field: `faults.${kind}.expiries`,
          problem: `the reference plan meets ${met} ${traceKind} on seed ${seed}, not exactly ${declared}`,
        };
      }
    }
  }
  return null;
}
