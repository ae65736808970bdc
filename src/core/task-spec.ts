/**
 * The declarative task format (one JSON file per task under `tasks/`), validated by zod at load.
 * Parsing is pure: the caller reads the file and passes its text and name.
 */
import { z } from 'zod';
import { COUNTRIES } from './catalogue.js';
import { BenchError } from './errors.js';
import { ROW_FORMATS } from './row-format.js';

const isoCodes = COUNTRIES.map((c) => c.iso) as [string, ...string[]];

const range = (min: number, max: number) =>
  z
    .object({ min: z.number().int().min(min).max(max), max: z.number().int().min(min).max(max) })
    .strict()
    .refine((r) => r.min <= r.max, { message: 'min must be <= max' });

const secondsRange = z
  .object({ min: z.number().int().min(1).max(60), max: z.number().int().min(1).max(60) })
  .strict()
  .refine((r) => r.min <= r.max, { message: 'min must be <= max' });

/** Where artefacts sit in the served stream. */
const placement = z.enum(['uniform', 'rising_second_half']);

export const DuplicatesSpec = z
  .object({
    /** Exact copies as a share of N (count = ceil(ratio * N)). */
    ratio: z.number().gt(0).max(0.5),
    /** Share of copies placed right after their source row (same page); the rest come from other pages. */
    same_page_share: z.number().min(0).max(1).default(0.5),
    placement: placement.default('uniform'),
  })
  .strict();

export const TotalsSpec = z
  .object({
    /** A subtotal after every `every` real rows (0: none). */
    every: z.number().int().min(0).default(0),
    /** Extra totals rows placed by `placement` (used by the adaptive task). */
    extra: z.number().int().min(0).max(12).default(0),
    placement: placement.default('uniform'),
    grand_total: z.boolean().default(true),
  })
  .strict();

export const RetryableFaultSpec = z
  .object({
    /** Exact number of (page, attempt) fault slots per seed. */
    count: z.number().int().min(1).max(50),
    /** At most this many faults in a row on one page. */
    max_consecutive: z.number().int().min(1).max(5),
  })
  .strict();

export const RateLimitSpec = RetryableFaultSpec.extend({ retry_after_s: secondsRange }).strict();

export const DriftSpec = z
  .object({
    /** The window of page p > 1 shifts by d in [-max_shift, max_shift]. */
    max_shift: z.number().int().min(1).max(20),
    /** One of served attempts 1..unshifted_within of each page is unshifted. */
    unshifted_within: z.number().int().min(1).max(5),
    shuffle: z.boolean().default(true),
  })
  .strict();

export const EscalationSpec = z
  .object({
    rate_limit_count: z.number().int().min(0).max(30),
    server_error_count: z.number().int().min(0).max(30),
    /** Fault thresholds in progress space lie in [from, to], with density rising quadratically towards `to`. */
    from: z.number().min(0).max(1),
    to: z.number().min(0).max(0.95),
    max_consecutive: z.number().int().min(1).max(5),
    retry_after_s_early: secondsRange,
    retry_after_s_late: secondsRange,
  })
  .strict()
  .refine((e) => e.from < e.to, { message: 'from must be < to' })
  .refine((e) => e.rate_limit_count + e.server_error_count > 0, { message: 'needs at least one fault' });

/** A share in [0, 1]: min and max. */
const shareRange = (lo: number, hi: number) =>
  z
    .object({ min: z.number().min(lo).max(hi), max: z.number().min(lo).max(hi) })
    .strict()
    .refine((r) => r.min <= r.max, { message: 'min must be <= max' });

/**
 * The slots of a fault that strikes served responses (src/core/faults/slots.ts): exactly `count` (page,
 * served attempt) slots per seed, at most `max_consecutive` in a row on one page (up to `maxRun`).
 */
const servedSlots = (maxRun: number) => ({
  count: z.number().int().min(1).max(50),
  max_consecutive: z.number().int().min(1).max(maxRun),
});

/** Served responses cut short (src/core/faults/truncation.ts). */
export const TruncationSpec = z
  .object({
    ...servedSlots(5),
    /** The share of the page's rows a cut response keeps (at least one row is always cut). */
    keep: shareRange(0, 0.95),
  })
  .strict();

/** Served rows in another form than the row schema, from a seeded request on (src/core/faults/schema-drift.ts). */
export const SchemaDriftSpec = z
  .object({
    /** The first request number whose rows are served drifted: a seeded integer in this range. */
    from_request: range(2, 1000),
    /** Schema fields served under another name. */
    rename: z
      .record(z.string(), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a field name'))
      .default({}),
    /** Number fields served as strings (their JSON text in quotes). */
    as_string: z.array(z.string()).default([]),
  })
  .strict()
  .refine((d) => Object.keys(d.rename).length + d.as_string.length > 0, {
    message: 'needs a field to rename or serve as a string',
  });

/** Older versions of records served by lagging snapshots (src/core/faults/stale.ts). */
export const StaleSpec = z
  .object({
    ...servedSlots(4),
    /** How far a lagging snapshot lags, as the expected share of a page's records it serves in an older version. */
    share: shareRange(0.05, 1),
  })
  .strict();

/** Access tokens that expire (src/core/faults/auth.ts). */
export const AuthSpec = z
  .object({
    /** A token expires this many seconds of virtual time after it is issued (whole milliseconds). */
    token_ttl_s: z.number().min(0.1).max(3600).multipleOf(0.001),
    /** The exact number of 401 token_expired the reference plan meets on every seed (checked at load). */
    expiries: z.number().int().min(0).max(50),
  })
  .strict();

/** Requests that time out with 504 on scheduled (page, attempt) slots (src/core/faults/timeout.ts). */
export const TimeoutSpec = RetryableFaultSpec.extend({
  /** Virtual seconds a timed-out request consumes (instead of latency_ms). */
  timeout_s: z.number().int().min(1).max(60),
}).strict();

/** Listings of a cursor-paginated task that expire (src/core/faults/cursor.ts). */
export const CursorSpec = z
  .object({
    /** A listing, and every cursor in it, expires this many seconds of virtual time after it was opened. */
    cursor_ttl_s: z.number().min(0.1).max(3600).multipleOf(0.001),
    /** The exact number of 410 cursor_expired the reference plan meets on every seed (checked at load). */
    expiries: z.number().int().min(0).max(50),
  })
  .strict();

export const FaultsSpec = z
  .object({
    duplicates: DuplicatesSpec.optional(),
    totals: TotalsSpec.optional(),
    rate_limit: RateLimitSpec.optional(),
    server_error: RetryableFaultSpec.optional(),
    drift: DriftSpec.optional(),
    escalation: EscalationSpec.optional(),
    auth: AuthSpec.optional(),
    timeout: TimeoutSpec.optional(),
    cursor: CursorSpec.optional(),
    truncation: TruncationSpec.optional(),
    schema_drift: SchemaDriftSpec.optional(),
    stale: StaleSpec.optional(),
  })
  .strict();

const SizeSpec = z
  .object({
    rows: range(1, 20000),
    default_page_size: z.number().int().min(1).max(5000),
    max_page_size: z.number().int().min(1).max(5000),
    min_pages: z.number().int().min(1).max(1000),
  })
  .strict();

const requestBudget = z.number().int().min(1).max(10000);
/** How served pages carry rows unless reset asks otherwise (src/core/row-format.ts). */
const rowFormat = z.enum(ROW_FORMATS);

/** How fetch_page reaches pages: by page number, or by the opaque cursor of the previous page. */
export const PAGINATIONS = ['page', 'cursor'] as const;
export type Pagination = (typeof PAGINATIONS)[number];

/**
 * A size profile selectable at reset (e.g. `llm`): what it gives replaces the task's field; a fault kind it
 * gives replaces that kind's whole entry (the other kinds stay the task's).
 */
export const ProfileSpec = SizeSpec.partial()
  .extend({
    description: z.string().min(1).optional(),
    request_budget: requestBudget.optional(),
    row_format: rowFormat.optional(),
    faults: FaultsSpec.optional(),
  })
  .strict();

export const TaskSpec = z
  .object({
    id: z.string().regex(/^T\d+_[a-z0-9_]+$/, 'must look like T<n>_<snake_name>'),
    title: z.string().min(1),
    challenge: z.string().min(1),
    description: z.string().min(1),
    instructions: z.string().min(1),
    instance: z
      .object({
        reporters: z.array(z.enum(isoCodes)).min(1),
        partners: z.array(z.enum(isoCodes)).min(1),
        years: range(2000, 2030),
        hs_chapters: z.array(z.string().regex(/^\d{2}$/, 'must be a two-digit HS chapter')).min(1),
      })
      .strict(),
    ...SizeSpec.shape,
    /** Alternative profiles selectable at reset (e.g. `llm`: small instances, rows as columns). */
    profiles: z.record(z.string(), ProfileSpec).default({}),
    request_budget: requestBudget,
    row_format: rowFormat.default('objects'),
    /** "cursor": pages are reached by next_cursor (src/core/faults/cursor.ts); "page" (default): by number. */
    pagination: z.enum(PAGINATIONS).default('page'),
    latency_ms: z.number().int().min(0).max(10000).default(100),
    max_wait_s: z.number().int().min(1).max(3600).default(60),
    /** Default 3 x budget + 20. */
    max_steps: z.number().int().min(1).optional(),
    max_submission_bytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    faults: FaultsSpec.default({}),
  })
  .strict()
  .refine((t) => t.default_page_size <= t.max_page_size, {
    message: 'default_page_size must be <= max_page_size',
    path: ['default_page_size'],
  });

export type TaskSpec = z.infer<typeof TaskSpec>;
export type ProfileSpec = z.infer<typeof ProfileSpec>;
export type FaultsSpec = z.infer<typeof FaultsSpec>;

/** A task whose size profile has been applied: what an episode actually runs. */
export interface ResolvedTask extends TaskSpec {
  readonly profile: string;
  readonly max_steps: number;
  /** Hash of the task file's text (recorded with every result). */
  readonly task_hash: string;
}

export const DEFAULT_PROFILE = 'default';

export class TaskSpecError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field === '' ? '(file)' : field}: ${problem}`);
    this.name = 'TaskSpecError';
  }
}

/** Parse and validate one task file's text; throws TaskSpecError naming the file, field and problem. */
export function parseTaskSpec(file: string, text: string): TaskSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TaskSpecError(file, '', `invalid JSON: ${(e as Error).message}`);
  }
  const parsed = TaskSpec.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TaskSpecError(file, issue.path.join('.'), issue.message);
  }
  return parsed.data;
}

/** Apply a size profile. Unknown profiles are an error naming the available ones. */
export function resolveTask(
  spec: TaskSpec,
  taskHash: string,
  profile: string = DEFAULT_PROFILE,
): ResolvedTask {
  let sized: TaskSpec = spec;
  if (profile !== DEFAULT_PROFILE) {
    // An own key only: `constructor` or `__proto__` must not resolve to what every object inherits.
    const override = Object.hasOwn(spec.profiles, profile) ? spec.profiles[profile] : undefined;
    if (override === undefined) {
      throw new BenchError('CB_ERR_UNKNOWN_PROFILE', {
        task_id: spec.id,
        profile,
        known: [DEFAULT_PROFILE, ...Object.keys(spec.profiles)],
      });
    }
    const { faults, ...fields } = override;
    sized = { ...spec, ...fields, faults: { ...spec.faults, ...faults } };
  }
  return {
    ...sized,
    profile,
    task_hash: taskHash,
    max_steps: sized.max_steps ?? 3 * sized.request_budget + 20,
  };
}
