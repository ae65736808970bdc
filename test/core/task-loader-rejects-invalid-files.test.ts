/**
 * The task loader: every shipped task file loads and passes the checks (min_pages, exact fault counts,
 * reference plan <= 80 % of the budget, exact token and cursor expiries); an invalid file fails fast with a
 * TaskSpecError naming the file, the field and the problem.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveInstance } from '../../src/core/instance.js';
import { referencePlan } from '../../src/core/judge/reference-plan.js';
import { TaskSpecError } from '../../src/core/task-spec.js';
import { defaultTasksDir, loadTaskFile, loadTasks } from '../../src/env/task-catalog.js';
import { SEEDS } from './helpers.js';

const dir = defaultTasksDir();
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const readTask = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
const T4 = readTask('T4_rate_limit_429.json');
const tmp = mkdtempSync(join(tmpdir(), 'cb-tasks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes `text` under `name` in a temp dir and loads it; returns the TaskSpecError it must throw. */
function rejection(name: string, text: string): TaskSpecError {
  const file = join(tmp, name);
  writeFileSync(file, text);
  try {
    loadTaskFile(file, readFileSync(file, 'utf8'));
  } catch (e) {
    expect(e).toBeInstanceOf(TaskSpecError);
    const err = e as TaskSpecError;
    expect(err.file).toBe(file);
    expect(err.message.startsWith(`${file}: `)).toBe(true);
    return err;
  }
  throw new Error(`${name} was accepted`);
}

/** The text of T4 with the field at a dotted `path` set to `value` (no change without a path). */
function t4With(path?: string, value?: unknown): string {
  return taskWith(T4, path, value);
}

/** The text of a task with the field at a dotted `path` set to `value` (no change without a path). */
function taskWith(task: Record<string, unknown>, path?: string, value?: unknown): string {
  const copy = structuredClone(task);
  if (path !== undefined) {
    const parts = path.split('.');
    let node = copy;
    for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
    node[parts.at(-1)!] = value;
  }
  return JSON.stringify(copy, null, 2);
}

describe('every shipped task file loads', () => {
  it('tasks/ holds T1..T16, and each passes the loader and its checks', () => {
    expect(files).toHaveLength(16);
    for (const f of files) {
      const loaded = loadTaskFile(join(dir, f), readFileSync(join(dir, f), 'utf8'));
      expect(`${loaded.spec.id}.json`).toBe(f);
      expect(loaded.hash).toMatch(/^[0-9a-f]{16}$/);
    }
    const catalog = loadTasks();
    expect(catalog.ids).toHaveLength(files.length);
    expect(catalog.ids).toEqual([
      'T1_single_page',
      'T2_multi_page',
      'T3_duplicates',
      'T4_rate_limit_429',
      'T5_server_error_500',
      'T6_page_drift',
      'T7_totals_trap',
      'T8_mixed_faults',
      'T9_adaptive_adversary',
      'T10_constrained_budget',
      'T11_auth_expiry',
      'T12_truncated_page',
      'T13_schema_drift',
      'T14_timeouts',
      'T15_stale_records',
      'T16_cursor_pagination',
    ]);
    // The checks hold on the tested seeds too, for every profile.
    for (const id of catalog.ids) {
      for (const profile of ['default', 'llm']) {
        const task = catalog.resolve(id, profile);
        for (const seed of SEEDS) {
          const inst = deriveInstance(task, seed);
          const plan = referencePlan(inst);
          expect(plan.complete, `${id}/${profile} seed ${seed}`).toBe(true);
          expect(plan.requests, `${id}/${profile} seed ${seed}`).toBeLessThanOrEqual(
            0.8 * task.request_budget,
          );
          expect(inst.maxSizePages, `${id}/${profile} seed ${seed}`).toBeGreaterThanOrEqual(task.min_pages);
        }
      }
    }
  });
});

describe('a profile replaces the fields it gives', () => {
  it('sizes, description and row format; a fault kind it gives replaces that kind whole, the others stay', () => {
    const catalog = loadTasks();
    const t9 = catalog.resolve('T9_adaptive_adversary');
    const t9llm = catalog.resolve('T9_adaptive_adversary', 'llm');
    expect(t9.row_format).toBe('objects');
    expect(t9llm.row_format).toBe('columns');
    expect(t9llm.description).not.toBe(t9.description);
    expect(t9llm.max_page_size).toBeLessThan(t9.max_page_size);
    expect(t9llm.faults.escalation).not.toEqual(t9.faults.escalation);
    expect(t9llm.faults.duplicates).toEqual(t9.faults.duplicates);
    expect(t9llm.faults.totals).toEqual(t9.faults.totals);
    expect(t9llm.request_budget).toBe(t9.request_budget);
    expect(t9llm.profile).toBe('llm');
    expect(t9.profile).toBe('default');
  });
});

describe('an invalid task file fails with a message naming the file, the field and the problem', () => {
  it('bad JSON', () => {
    const e = rejection('T4_rate_limit_429.json', '{ "id": "T4_rate_limit_429", ');
    expect(e.field).toBe('');
    expect(e.message).toMatch(/invalid JSON/);
  });

  it('a field of the wrong type', () => {
    const e = rejection('T4_rate_limit_429.json', t4With('request_budget', '100'));
    expect(e.field).toBe('request_budget');
    expect(e.message).toContain('request_budget');
    expect(e.problem).toMatch(/number/i);
  });

  it('a nested field of the wrong type names its path', () => {
    const e = rejection('T4_rate_limit_429.json', t4With('faults.rate_limit.retry_after_s.max', 'long'));
    expect(e.field).toBe('faults.rate_limit.retry_after_s.max');
  });

  it('an unknown field', () => {
    const e = rejection('T4_rate_limit_429.json', t4With('faults.rate_limit.burst', 3));
    expect(e.message).toContain('burst');
  });

  it('default_page_size > max_page_size', () => {
    const e = rejection('T4_rate_limit_429.json', t4With('default_page_size', 26));
    expect(e.field).toBe('default_page_size');
    expect(e.problem).toMatch(/max_page_size/);
  });

  it('min_pages higher than the stream allows', () => {
    const e = rejection('T4_rate_limit_429.json', t4With('min_pages', 40));
    expect(e.field).toBe('min_pages');
    expect(e.problem).toMatch(/fewer than min_pages \(40\)/);
  });

  it('a multi-page task with min_pages below 4', () => {
    const e = rejection('T4_rate_limit_429.json', t4With('min_pages', 2));
    expect(e.field).toBe('min_pages');
    expect(e.problem).toMatch(/>= 4/);
  });

  it('a fault count that does not fit its (page, attempt) slots', () => {
    const e = rejection('T4_rate_limit_429.json', t4With('faults.rate_limit.count', 30));
    expect(e.field).toBe('faults.rate_limit.count');
    expect(e.problem).toMatch(/30 faults do not fit/);
  });

  it('served-data faults the canonical policy cannot get past (T4 has 12 pages at least)', () => {
    const keep = { min: 0.1, max: 0.5 };
    const cut = rejection(
      'T4_rate_limit_429.json',
      t4With('faults.truncation', { count: 23, max_consecutive: 2, keep }),
    );
    expect(cut.field).toBe('faults.truncation.count');
    expect(cut.problem).toMatch(/23 cut responses do not fit 22 \(page, served attempt\) slots/);
    const share = { min: 0.5, max: 0.9 };
    const stale = rejection(
      'T4_rate_limit_429.json',
      t4With('faults.stale', { count: 12, max_consecutive: 2, share }),
    );
    expect(stale.field).toBe('faults.stale.count');
    expect(stale.problem).toMatch(/must be < 12/);
    const from_request = { min: 3, max: 5 };
    const drift = (change: Record<string, unknown>) =>
      rejection('T4_rate_limit_429.json', t4With('faults.schema_drift', { from_request, ...change }));
    const key = drift({ rename: { cmdCode: 'cmd_code' } });
    expect(key.field).toBe('faults.schema_drift.rename.cmdCode');
    expect(key.problem).toMatch(/key field/);
    expect(drift({ rename: { primaryValue: 'qty' } }).problem).toMatch(/qty is already a field name/);
    expect(drift({ as_string: ['reporterISO'] }).problem).toMatch(/reporterISO is not a number field/);
    expect(drift({ as_string: ['price'] }).problem).toMatch(/price is not a row_schema field/);
    expect(drift({}).field).toBe('faults.schema_drift');
  });

  it('a budget too small for the reference plan', () => {
    const e = rejection('T4_rate_limit_429.json', t4With('request_budget', 14));
    expect(e.field).toBe('request_budget');
    expect(e.problem).toMatch(/80%|cannot finish/);
  });

  it('a problem inside a size profile names the profile', () => {
    const e = rejection('T4_rate_limit_429.json', t4With('profiles.llm.min_pages', 40));
    expect(e.field).toBe('profiles.llm.min_pages');
  });

  it('a field a profile cannot set, and a bad row_format, name the profile', () => {
    const title = rejection('T4_rate_limit_429.json', t4With('profiles.llm.title', 'Other'));
    expect(title.field).toBe('profiles.llm');
    expect(title.message).toContain('title');
    const format = rejection('T4_rate_limit_429.json', t4With('profiles.llm.row_format', 'rows'));
    expect(format.field).toBe('profiles.llm.row_format');
  });

  it("a profile's own faults and budget are checked like the task's, naming the profile", () => {
    const rateLimit = { count: 30, max_consecutive: 2, retry_after_s: { min: 1, max: 3 } };
    const faults = rejection(
      'T4_rate_limit_429.json',
      t4With('profiles.llm.faults', { rate_limit: rateLimit }),
    );
    expect(faults.field).toBe('profiles.llm.faults.rate_limit.count');
    expect(faults.problem).toMatch(/30 faults do not fit/);
    const budget = rejection('T4_rate_limit_429.json', t4With('profiles.llm.request_budget', 14));
    expect(budget.field).toBe('profiles.llm.request_budget');
    expect(budget.problem).toMatch(/80%|cannot finish/);
  });

  it('a timeout count that does not fit its (page, attempt) slots', () => {
    const T14 = readTask('T14_timeouts.json');
    const e = rejection('T14_timeouts.json', taskWith(T14, 'faults.timeout.count', 30));
    expect(e.field).toBe('faults.timeout.count');
    expect(e.problem).toMatch(/30 faults do not fit/);
  });

  it('token and cursor expiries that the reference plan does not meet exactly', () => {
    const T11 = readTask('T11_auth_expiry.json');
    const auth = rejection('T11_auth_expiry.json', taskWith(T11, 'faults.auth.expiries', 3));
    expect(auth.field).toBe('faults.auth.expiries');
    expect(auth.problem).toMatch(/meets 2 token_expired on seed 0, not exactly 3/);
    // A longer token life means fewer expiries on the same walk.
    const longer = rejection('T11_auth_expiry.json', taskWith(T11, 'faults.auth.token_ttl_s', 5));
    expect(longer.field).toBe('faults.auth.expiries');
    expect(longer.problem).toMatch(/meets 0 token_expired/);
    const T16 = readTask('T16_cursor_pagination.json');
    const cursor = rejection('T16_cursor_pagination.json', taskWith(T16, 'faults.cursor.expiries', 1));
    expect(cursor.field).toBe('faults.cursor.expiries');
    expect(cursor.problem).toMatch(/meets 2 cursor_expired on seed 0, not exactly 1/);
    const llm = rejection(
      'T16_cursor_pagination.json',
      taskWith(T16, 'profiles.llm.faults', { cursor: { cursor_ttl_s: 0.5, expiries: 3 } }),
    );
    expect(llm.field).toBe('profiles.llm.faults.cursor.expiries');
  });

  it('a token that cannot outlive one request leaves the reference plan unable to finish', () => {
    const T11 = readTask('T11_auth_expiry.json');
    const e = rejection('T11_auth_expiry.json', taskWith(T11, 'faults.auth.token_ttl_s', 0.1));
    expect(e.field).toBe('request_budget');
    expect(e.problem).toMatch(/cannot finish/);
  });

  it('cursor expiry without cursor pagination, drift with it, and an unknown pagination', () => {
    const cursor = rejection(
      'T4_rate_limit_429.json',
      t4With('faults.cursor', { cursor_ttl_s: 1, expiries: 0 }),
    );
    expect(cursor.field).toBe('faults.cursor');
    expect(cursor.problem).toMatch(/pagination "cursor"/);
    const T16 = readTask('T16_cursor_pagination.json');
    const drift = rejection(
      'T16_cursor_pagination.json',
      taskWith(T16, 'faults.drift', { max_shift: 2, unshifted_within: 2 }),
    );
    expect(drift.field).toBe('faults.drift');
    expect(drift.problem).toMatch(/pagination "page"/);
    // A cut or lagging page is fetched again by its number.
    const share = { min: 0.5, max: 0.9 };
    const stale = rejection(
      'T16_cursor_pagination.json',
      taskWith(T16, 'faults.stale', { count: 2, max_consecutive: 1, share }),
    );
    expect([stale.field, stale.problem]).toEqual(['faults.stale', 'needs pagination "page"']);
    const keep = { min: 0.1, max: 0.5 };
    const cut = rejection(
      'T16_cursor_pagination.json',
      taskWith(T16, 'faults.truncation', { count: 2, max_consecutive: 1, keep }),
    );
    expect([cut.field, cut.problem]).toEqual(['faults.truncation', 'needs pagination "page"']);
    const unknown = rejection('T16_cursor_pagination.json', taskWith(T16, 'pagination', 'offset'));
    expect(unknown.field).toBe('pagination');
  });

  it('a file name that does not match the id', () => {
    const e = rejection('T99_renamed.json', t4With());
    expect(e.field).toBe('id');
    expect(e.problem).toContain('T4_rate_limit_429.json');
  });

  it('loadTasks fails fast on a folder with one bad file, naming that file', () => {
    const folder = mkdtempSync(join(tmp, 'dir-'));
    for (const f of files) writeFileSync(join(folder, f), readFileSync(join(dir, f), 'utf8'));
    writeFileSync(join(folder, 'T4_rate_limit_429.json'), t4With('max_page_size', 'big'));
    expect(() => loadTasks(folder)).toThrow(TaskSpecError);
    expect(() => loadTasks(folder)).toThrow(`${join(folder, 'T4_rate_limit_429.json')}: max_page_size`);
  });
});
