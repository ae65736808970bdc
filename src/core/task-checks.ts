/**
 * Checks a task beyond its schema, for every profile: enough pages at the maximum page size, fault counts
 * that fit their slots exactly, distinct totals keys, cursor faults only with cursor pagination (and no drift
 * there), served-data faults the canonical policy can get past (cut and lagging responses that a re-fetch of
 * the page ends, on page-paginated tasks; schema drift of non-key fields only), and on a sample of seeds a
 * reference plan that completes within 80 % of the budget and meets exactly the declared token and cursor
 * expiries. Pure; the loader turns a failure into an error naming the file.
 */
import { PRIMARY_KEY, ROW_SCHEMA } from './dataset.js';
import { TOKEN_EXPIRED } from './faults/auth.js';
import { CURSOR_EXPIRED } from './faults/cursor.js';
import { MAX_TOTALS_ROWS, totalsCount } from './faults/totals.js';
import { deriveInstance } from './instance.js';
import { policyComplete, runReferencePolicy } from './judge/reference-plan.js';
import { MAX_PASSES, RETRY_CAP } from './policy.js';
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
  const served = checkServedDataFaults(t, minPages);
  if (served !== null) return served;
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
    if (!policyComplete(inst, plan))
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

const SCHEMA_TYPES = new Map(ROW_SCHEMA.map((f) => [f.name as string, f.type]));
const KEY_FIELDS = new Set<string>(PRIMARY_KEY);

/** The faults that strike served data: slots that fit, runs a re-fetch ends, drift of non-key fields only. */
function checkServedDataFaults(t: ResolvedTask, minPages: number): TaskProblem | null {
  const { truncation, schema_drift: drift, stale } = t.faults;
  // A cut or lagging page is fetched again by its page number.
  if ((truncation !== undefined || stale !== undefined) && t.pagination === 'cursor') {
    return {
      field: truncation !== undefined ? 'faults.truncation' : 'faults.stale',
      problem: 'needs pagination "page"',
    };
  }
  if (truncation !== undefined) {
    // Only pages with a next page are cut (has_more is true on each), so pages 1..P-1.
    const capacity = (minPages - 1) * truncation.max_consecutive;
    if (truncation.count > capacity) {
      return {
        field: 'faults.truncation.count',
        problem: `${truncation.count} cut responses do not fit ${capacity} (page, served attempt) slots of pages with a next page`,
      };
    }
    if (truncation.max_consecutive > RETRY_CAP) {
      return { field: 'faults.truncation.max_consecutive', problem: `must be <= ${RETRY_CAP} (RETRY_CAP)` };
    }
  }
  if (stale !== undefined) {
    // At least one page is current on its first serving, so the newest as_of is seen in the first pass.
    if (stale.count >= minPages) {
      return {
        field: 'faults.stale.count',
        problem: `must be < ${minPages}, the fewest pages at max_page_size`,
      };
    }
    if (stale.max_consecutive >= MAX_PASSES) {
      return { field: 'faults.stale.max_consecutive', problem: `must be < ${MAX_PASSES} (MAX_PASSES)` };
    }
  }
  if (drift !== undefined) {
    const served = new Set<string>();
    const check = (field: string, name: string): string | null => {
      const type = SCHEMA_TYPES.get(name);
      if (type === undefined) return `${name} is not a row_schema field`;
      if (KEY_FIELDS.has(name) || name === 'is_total')
        return `${name} is a key field or is_total: it cannot drift`;
      if (field === 'as_string' && type !== 'number' && type !== 'integer')
        return `${name} is not a number field`;
      return null;
    };
    for (const [name, to] of Object.entries(drift.rename)) {
      const problem = check('rename', name);
      if (problem !== null) return { field: `faults.schema_drift.rename.${name}`, problem };
      if (SCHEMA_TYPES.has(to) || to === 'row_id' || served.has(to)) {
        return { field: `faults.schema_drift.rename.${name}`, problem: `${to} is already a field name` };
      }
      served.add(to);
    }
    for (const name of drift.as_string) {
      const problem = check('as_string', name);
      if (problem !== null) return { field: 'faults.schema_drift.as_string', problem };
    }
  }
  return null;
}
