/**
 * get_task_info's value, named and typed: the task's own fields (the same for every episode of a resolved
 * task), the episode's, and its counters. `TaskInfoText` writes its JSON text with the task's fields
 * serialised once, which a server that runs many episodes of a task keeps per task.
 */
import { columnsOf, type FieldType, PRIMARY_KEY, rowSchemaOf } from './dataset.js';
import type { Query } from './instance.js';
import type { RowFormat } from './row-format.js';
import type { Pagination, ResolvedTask } from './task-spec.js';
import { FORMATS, RULES, TASK_RULES } from './tools.js';
import { BENCHMARK_VERSION, JUDGE_VERSION } from './versions.js';

export interface TaskQuery {
  readonly reporterCode: number;
  readonly reporterISO: string;
  readonly partnerCode: number;
  readonly partnerISO: string;
  readonly year: number;
  readonly hs_chapter: string;
  readonly freqCode: 'M';
  readonly flowCodes: readonly ['M', 'X'];
}

export interface TaskConstraints {
  readonly request_budget: number;
  readonly requests_used: number;
  readonly requests_remaining: number;
  readonly default_page_size: number;
  readonly max_page_size: number;
  /** The locked page size, null before the first valid fetch_page. */
  readonly page_size_locked: number | null;
  readonly latency_ms: number;
  readonly max_wait_s: number;
  readonly max_steps: number;
  readonly steps_used: number;
  readonly max_submission_bytes: number;
}

/** Constraints only the tasks that use them report (after max_submission_bytes, in this order). */
export interface TaskConstraintExtras {
  /** Only on cursor-paginated tasks: "cursor". */
  readonly pagination?: Pagination;
  readonly cursor_ttl_s?: number;
  readonly token_ttl_s?: number;
  readonly timeout_s?: number;
}

/** The rules of get_task_info: every task's, plus those of the fault kinds the task uses. */
export type TaskRules = typeof RULES & Partial<typeof TASK_RULES>;

/** Tasks with auth: the token get_task_info issues, and when (virtual seconds). */
export interface TaskAuth {
  readonly auth_token: string;
  readonly issued_at_s: number;
  readonly expires_at_s: number;
}

/** The fields of get_task_info that depend on the task alone (frozen: shared by its episodes). */
export interface TaskFields {
  readonly title: string;
  readonly challenge: string;
  readonly description: string;
  readonly instructions: string;
  readonly primary_key: readonly string[];
  /** The task's row schema (src/core/dataset.ts, rowSchemaOf); `minimum` where the judge has one. */
  readonly row_schema: ReadonlyArray<{
    readonly name: string;
    readonly type: FieldType;
    readonly minimum?: number;
  }>;
  readonly columns: readonly string[];
  readonly constraint_extras: TaskConstraintExtras;
  readonly rules: TaskRules;
  readonly formats: typeof FORMATS;
}

/** A type (not an interface) so that it is a Record<string, unknown>, as tool values are. */
export type TaskInfo = {
  readonly task_id: string;
  readonly episode_id: string;
  readonly seed: number;
  readonly profile: string;
  readonly benchmark_version: string;
  readonly judge_version: string;
  readonly task_hash: string;
  readonly seed_salt_hash: string | null;
  readonly title: string;
  readonly challenge: string;
  readonly description: string;
  readonly instructions: string;
  readonly query: TaskQuery;
  readonly primary_key: readonly string[];
  readonly row_schema: TaskFields['row_schema'];
  readonly row_format: RowFormat;
  /** Only with row_format "columns": the order of each row's values. */
  readonly columns?: readonly string[];
  readonly constraints: TaskConstraints & TaskConstraintExtras;
  /** Only on tasks with auth. */
  readonly auth?: TaskAuth;
  readonly rules: TaskRules;
  readonly formats: typeof FORMATS;
};

/** What get_task_info reports of an episode at the time of the call. */
export interface EpisodeFacts {
  readonly episodeId: string;
  readonly seed: number;
  readonly saltHash: string | null;
  readonly query: Query;
  readonly rowFormat: RowFormat;
  readonly requestsUsed: number;
  readonly requestsRemaining: number;
  readonly pageSizeLocked: number | null;
  readonly stepsUsed: number;
  /** Tasks with auth: the current token (src/core/faults/auth.ts). */
  readonly auth?:
    { readonly token: string; readonly issuedMs: number; readonly expiresMs: number } | undefined;
}

/** The constraints and rules a task adds for the fault kinds and pagination it uses. */
function taskExtras(t: ResolvedTask): { constraints: TaskConstraintExtras; rules: TaskRules } {
  const f = t.faults;
  const constraints: { -readonly [K in keyof TaskConstraintExtras]: TaskConstraintExtras[K] } = {};
  const rules: Partial<Record<keyof typeof TASK_RULES, string>> = {};
  if (t.pagination === 'cursor') {
    constraints.pagination = 'cursor';
    if (f.cursor) constraints.cursor_ttl_s = f.cursor.cursor_ttl_s;
    rules.cursor = TASK_RULES.cursor;
  }
  if (f.auth) {
    constraints.token_ttl_s = f.auth.token_ttl_s;
    rules.auth = TASK_RULES.auth;
  }
  if (f.timeout) {
    constraints.timeout_s = f.timeout.timeout_s;
    rules.timeout = TASK_RULES.timeout;
  }
  if (f.truncation) rules.truncation = TASK_RULES.truncation;
  if (f.schema_drift) rules.schema_drift = TASK_RULES.schema_drift;
  if (f.stale) rules.stale_records = TASK_RULES.stale_records;
  // Tasks without any keep the shared RULES object itself.
  return {
    constraints: Object.freeze(constraints),
    rules: Object.keys(rules).length === 0 ? RULES : Object.freeze({ ...RULES, ...rules }),
  };
}

export function taskFields(t: ResolvedTask): TaskFields {
  const extras = taskExtras(t);
  return Object.freeze({
    title: t.title,
    challenge: t.challenge,
    description: t.description,
    instructions: t.instructions,
    primary_key: Object.freeze([...PRIMARY_KEY]),
    row_schema: Object.freeze(
      rowSchemaOf(t).map((f) =>
        Object.freeze(
          f.minimum === undefined
            ? { name: f.name, type: f.type }
            : { name: f.name, type: f.type, minimum: f.minimum },
        ),
      ),
    ),
    columns: columnsOf(t),
    constraint_extras: extras.constraints,
    rules: extras.rules,
    formats: FORMATS,
  });
}

/** get_task_info's value. `fields` are taskFields(t) (passed when the caller keeps them). */
export function taskInfo(t: ResolvedTask, e: EpisodeFacts, fields: TaskFields = taskFields(t)): TaskInfo {
  const q = e.query;
  return {
    task_id: t.id,
    episode_id: e.episodeId,
    seed: e.seed,
    profile: t.profile,
    benchmark_version: BENCHMARK_VERSION,
    judge_version: JUDGE_VERSION,
    task_hash: t.task_hash,
    seed_salt_hash: e.saltHash,
    title: fields.title,
    challenge: fields.challenge,
    description: fields.description,
    instructions: fields.instructions,
    query: {
      reporterCode: q.reporter.code,
      reporterISO: q.reporter.iso,
      partnerCode: q.partner.code,
      partnerISO: q.partner.iso,
      year: q.year,
      hs_chapter: q.hsChapter,
      freqCode: 'M',
      flowCodes: ['M', 'X'],
    },
    primary_key: fields.primary_key,
    row_schema: fields.row_schema,
    row_format: e.rowFormat,
    ...(e.rowFormat === 'columns' ? { columns: fields.columns } : {}),
    constraints: {
      request_budget: t.request_budget,
      requests_used: e.requestsUsed,
      requests_remaining: e.requestsRemaining,
      default_page_size: t.default_page_size,
      max_page_size: t.max_page_size,
      page_size_locked: e.pageSizeLocked,
      latency_ms: t.latency_ms,
      max_wait_s: t.max_wait_s,
      max_steps: t.max_steps,
      steps_used: e.stepsUsed,
      max_submission_bytes: t.max_submission_bytes,
      ...fields.constraint_extras,
    },
    ...(e.auth === undefined
      ? {}
      : {
          auth: {
            auth_token: e.auth.token,
            issued_at_s: e.auth.issuedMs / 1000,
            expires_at_s: e.auth.expiresMs / 1000,
          },
        }),
    rules: fields.rules,
    formats: fields.formats,
  };
}

const json = JSON.stringify;
/** What JSON.stringify writes for a finite number or null (every number here is an integer). */
const num = (v: number | null): string => (v === null ? 'null' : String(v));
/** JSON.stringify(text) without its outer quotes: text as it appears inside a JSON string. */
const escapeBody = (text: string): string => JSON.stringify(text).slice(1, -1);
const same = (text: string): string => text;
/** escapeBody of a string value's JSON; quick for the usual codes and ids (letters, digits, '-', '_', '.'). */
const PLAIN = /^"[\w.-]*"$/;
const escapeValue = (jsonText: string): string =>
  PLAIN.test(jsonText) ? `\\"${jsonText.slice(1, -1)}\\"` : escapeBody(jsonText);

/** The task's text between the episode's values in get_task_info's JSON, by what follows each piece. */
interface FixedTexts {
  readonly episodeId: string;
  readonly seed: string;
  readonly saltHash: string;
  readonly reporterCode: string;
  readonly reporterISO: string;
  readonly partnerCode: string;
  readonly partnerISO: string;
  readonly year: string;
  readonly hsChapter: string;
  readonly rowFormat: string;
  readonly columns: string;
  readonly requestsUsed: string;
  readonly requestsRemaining: string;
  readonly pageSizeLocked: string;
  readonly stepsUsed: string;
  /** After steps_used: the rest of the constraints, then `,"auth":{"auth_token":` on tasks with auth. */
  readonly afterSteps: string;
  readonly authIssued: string;
  readonly authExpires: string;
  readonly end: string;
}

/**
 * get_task_info's JSON text for the episodes of one task, written from the episode's facts without
 * building the value: the task's text is serialised (and escaped) once, in the constructor.
 * `json(facts)` is byte-identical to `JSON.stringify(taskInfo(task, facts))` and `escapedJson(facts)` to
 * `JSON.stringify` of that text (tested); a server keeps one per task.
 */
export class TaskInfoText {
  readonly fields: TaskFields;
  private readonly raw: FixedTexts;
  private readonly escaped: FixedTexts;

  constructor(task: ResolvedTask) {
    const t = task;
    const f = (this.fields = taskFields(t));
    const extras = json(f.constraint_extras).slice(1, -1);
    this.raw = {
      episodeId: `{"task_id":${json(t.id)},"episode_id":`,
      seed: ',"seed":',
      saltHash:
        `,"profile":${json(t.profile)},"benchmark_version":${json(BENCHMARK_VERSION)},` +
        `"judge_version":${json(JUDGE_VERSION)},"task_hash":${json(t.task_hash)},"seed_salt_hash":`,
      reporterCode:
        `,"title":${json(f.title)},"challenge":${json(f.challenge)},"description":${json(f.description)},` +
        `"instructions":${json(f.instructions)},"query":{"reporterCode":`,
      reporterISO: ',"reporterISO":',
      partnerCode: ',"partnerCode":',
      partnerISO: ',"partnerISO":',
      year: ',"year":',
      hsChapter: ',"hs_chapter":',
      rowFormat:
        `,"freqCode":"M","flowCodes":["M","X"]},"primary_key":${json(f.primary_key)},` +
        `"row_schema":${json(f.row_schema)},"row_format":`,
      columns: `,"columns":${json(f.columns)}`,
      requestsUsed: `,"constraints":{"request_budget":${num(t.request_budget)},"requests_used":`,
      requestsRemaining: ',"requests_remaining":',
      pageSizeLocked:
        `,"default_page_size":${num(t.default_page_size)},"max_page_size":${num(t.max_page_size)},` +
        '"page_size_locked":',
      stepsUsed:
        `,"latency_ms":${num(t.latency_ms)},"max_wait_s":${num(t.max_wait_s)},` +
        `"max_steps":${num(t.max_steps)},"steps_used":`,
      afterSteps:
        `,"max_submission_bytes":${num(t.max_submission_bytes)}${extras === '' ? '' : `,${extras}`}}` +
        (t.faults.auth ? ',"auth":{"auth_token":' : ''),
      authIssued: ',"issued_at_s":',
      authExpires: ',"expires_at_s":',
      end: `${t.faults.auth ? '}' : ''},"rules":${json(f.rules)},"formats":${json(f.formats)}}`,
    };
    this.escaped = Object.fromEntries(
      Object.entries(this.raw).map(([k, v]) => [k, escapeBody(v)]),
    ) as unknown as FixedTexts;
  }

  json(e: EpisodeFacts): string {
    return write(this.raw, e, same);
  }

  /** JSON.stringify(json(e)). */
  escapedJson(e: EpisodeFacts): string {
    return `"${write(this.escaped, e, escapeValue)}"`;
  }
}

/** The text, with each fixed piece from `p` and each string value's JSON passed through `s`. */
function write(p: FixedTexts, e: EpisodeFacts, s: (text: string) => string): string {
  const q = e.query;
  return (
    p.episodeId +
    s(json(e.episodeId)) +
    p.seed +
    num(e.seed) +
    p.saltHash +
    (e.saltHash === null ? 'null' : s(json(e.saltHash))) +
    p.reporterCode +
    num(q.reporter.code) +
    p.reporterISO +
    s(json(q.reporter.iso)) +
    p.partnerCode +
    num(q.partner.code) +
    p.partnerISO +
    s(json(q.partner.iso)) +
    p.year +
    num(q.year) +
    p.hsChapter +
    s(json(q.hsChapter)) +
    p.rowFormat +
    s(json(e.rowFormat)) +
    (e.rowFormat === 'columns' ? p.columns : '') +
    p.requestsUsed +
    num(e.requestsUsed) +
    p.requestsRemaining +
    num(e.requestsRemaining) +
    p.pageSizeLocked +
    num(e.pageSizeLocked) +
    p.stepsUsed +
    num(e.stepsUsed) +
    p.afterSteps +
    (e.auth === undefined
      ? ''
      : s(json(e.auth.token)) +
        p.authIssued +
        num(e.auth.issuedMs / 1000) +
        p.authExpires +
        num(e.auth.expiresMs / 1000)) +
    p.end
  );
}
