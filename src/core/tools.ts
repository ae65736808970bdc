/**
 * The three tools, each defined once: name, zod input schema, description and handler. Every transport
 * reaches them through Episode.runTool; JSON Schemas for tool lists are generated from these schemas.
 */
import { z } from 'zod';
import type { DirectValue } from './direct-value.js';
import type { Episode } from './episode.js';

export interface ToolDef<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly input: S;
  readonly handler: (ep: Episode, args: z.infer<S>) => Record<string, unknown> | DirectValue;
}

const defineTool = <S extends z.ZodType>(t: ToolDef<S>): ToolDef<S> => t;

export const getTaskInfoTool = defineTool({
  name: 'get_task_info',
  description:
    'Free (costs no request). Returns the task: the query to retrieve, primary key, row schema, request budget, ' +
    'page-size limits, virtual-clock and rate-limit rules, the row format of pages, and the submission ' +
    '(by row_ids) and run-log formats.',
  input: z.object({}).strict(),
  handler: (ep) => ep.taskInfoValue(),
});

export const fetchPageTool = defineTool({
  name: 'fetch_page',
  description:
    'Fetch one page of the query result (costs one request). The first valid call locks page_size for the ' +
    'episode. Returns status 200 with rows (each with a row_id), total_pages, total_rows and has_more; or 429 ' +
    'rate_limited with retry_after_s (wait that long, e.g. via wait_s, then retry); or 500 server_error ' +
    "(retry the same page); or 402 budget_exhausted. Rows follow the episode's row_format (get_task_info): " +
    '"objects", one object per row; or "columns", where the page gives columns (row_id, then the row_schema ' +
    'fields) once, before rows, and each row is an array of values in that order. Some tasks add rules, ' +
    "stated in get_task_info's rules: auth_token (401 token_expired: get a new token from get_task_info, " +
    'retry), timeouts (504 gateway_timeout: retry the same page), cursor pagination (no page: pass the ' +
    'next_cursor of the previous page; 410 cursor_expired: retry with its restart_cursor), row_count (the ' +
    'rows the page holds; fewer rows: the response was cut short, fetch it again) and as_of (the time of the ' +
    'data snapshot that served it).',
  input: z
    .object({
      page: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('1-based page number (required on page-paginated tasks; not used with cursor pagination)'),
      cursor: z
        .string()
        .max(100)
        .optional()
        .describe(
          'cursor pagination only: the next_cursor (or restart_cursor) of a previous reply; omit for page 1',
        ),
      auth_token: z
        .string()
        .max(100)
        .optional()
        .describe('tasks with auth only: the auth_token that get_task_info issues'),
      page_size: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('rows per page (1..max_page_size); locked by the first call'),
      wait_s: z
        .number()
        .min(0)
        .optional()
        .describe('virtual seconds to wait before the request (0..max_wait_s), e.g. a 429 retry_after_s'),
    })
    .strict(),
  handler: (ep, args) => ep.fetch(args),
});

export const submitResultsTool = defineTool({
  name: 'submit_results',
  description:
    'Submit the cleaned result and end the episode. Submit by row_ids: the row_id of each row to keep, e.g. ' +
    '{"row_ids":["r1.0","r1.2"]}; the server resolves them to the rows it served, so rows need not be copied ' +
    'back. (rows, an array of row objects, or data_jsonl, one JSON object per line, also work: exactly one of ' +
    'the three.) Optional run_log: a string of lines or an array, one event per request, e.g. ' +
    '{"page":3,"status":429} or "page=3 status=429". Returns the score and its breakdown.',
  input: z
    .object({
      rows: z.array(z.unknown()).optional().describe('row objects'),
      data_jsonl: z.string().optional().describe('one JSON row object per line'),
      row_ids: z
        .array(z.unknown())
        .optional()
        .describe('the row_id of each served row to keep (the way to submit)'),
      run_log: z
        .union([z.string(), z.array(z.unknown())])
        .optional()
        .describe('one request event per line or element: page and status of every fetch_page response'),
      metadata: z.record(z.string(), z.unknown()).optional().describe('free-form; never scored'),
    })
    .strict(),
  handler: (ep, args) => ep.submit(args),
});

export const TOOLS: readonly ToolDef[] = [
  getTaskInfoTool,
  fetchPageTool,
  submitResultsTool,
] as readonly ToolDef[];
export const TOOL_BY_NAME: ReadonlyMap<string, ToolDef> = new Map(TOOLS.map((t) => [t.name, t]));

/** The static parts of get_task_info: rules and formats (src/core/task-info.ts). */
export const RULES = {
  page_size_lock:
    'The first valid fetch_page locks page_size (given or default_page_size); another page_size later is an ' +
    'error (page_size_locked).',
  virtual_clock:
    'Time is virtual: wait_s advances it before a request, and each counted request adds latency_ms ' +
    '(responses give virtual_time_s).',
  rate_limit_window:
    'A 429 gives retry_after_s: a request before that wait is over gets 429 again and still costs a request. ' +
    'Retry the same page with wait_s = retry_after_s.',
  budget:
    'Each fetch_page that reaches the API costs one request of request_budget; then 402 budget_exhausted. ' +
    'get_task_info and submit_results are free; every tool call counts towards max_steps.',
  pages: 'total_rows counts distinct real records; a page beyond total_pages is a 200 with no rows.',
  data:
    'Rows may repeat, page boundaries may shift between requests, and summary rows (is_total true) may ' +
    'appear: submit each real record once.',
} as const;

/**
 * Rules get_task_info adds for the tasks that use them (src/core/task-info.ts): tokens, timeouts and cursors,
 * and the faults that strike served data: truncation (src/core/faults/truncation.ts), schema drift
 * (src/core/faults/schema-drift.ts) and stale records (src/core/faults/stale.ts).
 */
export const TASK_RULES = {
  auth:
    'fetch_page needs auth_token: the token get_task_info issues (free; auth gives it and its expires_at_s). ' +
    'A token expires token_ttl_s of virtual time after it is issued, and a request is accepted only if its ' +
    'token outlives the response (virtual time of the request + latency_ms < expires_at_s); otherwise 401 ' +
    'token_expired, which costs a request. get_task_info returns the same token until it has expired, then a ' +
    'new one: after a 401, call get_task_info and retry with the new token. A missing or unknown token is an ' +
    'error that costs nothing.',
  timeout:
    'Some requests time out: 504 gateway_timeout after timeout_s of virtual time (instead of latency_ms), ' +
    'costing a request. Retry the same page; waiting before the retry only adds time.',
  cursor:
    'Pages are reached by cursor, not by number: omit page. A fetch_page without cursor opens a new listing ' +
    'at page 1; each 200 gives next_cursor for the next page (null on the last one). A listing expires ' +
    'cursor_ttl_s of virtual time after it was opened: a request with a cursor of an expired listing gets 410 ' +
    'cursor_expired (it costs a request) with restart_cursor, which resumes at the same page in a new listing. ' +
    'A request without cursor starts again at page 1. A malformed or unknown cursor is an error that costs ' +
    'nothing.',
  truncation:
    'A 200 carries row_count, the number of rows the page holds. A response with fewer rows than row_count ' +
    'was cut short: the rows it lacks were not served. Fetch the page again (one request) until it comes ' +
    'with row_count rows.',
  schema_drift:
    'From some request on, rows may come in another form than row_schema: a field under another name (e.g. ' +
    'primary_value for primaryValue) or numbers written as strings (e.g. "1234.5"). Submit every row in ' +
    'row_schema, with its field names and JSON types: a row in another form is not exact. A row_id resolves ' +
    'to the row exactly as it was served, so submit drifted rows as corrected row objects (rows or data_jsonl).',
  stale_records:
    'Records change: each row has version (higher is newer) and updated_at. Every 200 carries as_of, the ' +
    'time of the data snapshot that served it; a lagging snapshot (an as_of earlier than another ' +
    "response's) serves older versions of some rows. Fetch such a page again until its as_of is the newest " +
    'you have seen, and submit for each primary key the row with the highest version: an older version is ' +
    'not exact. A row_id resolves to the version its response served.',
} as const;

export const FORMATS = {
  rows:
    'row_format "objects": each row is an object (the row_schema fields and row_id). "columns": each page ' +
    'gives columns once (row_id, then the row_schema fields) and each row is an array of values in that order.',
  submission:
    'Submit by row_ids: {"row_ids":[the row_id of each row to keep]}; the server resolves them to the rows it ' +
    'served, so rows need not be copied back. Accepted instead: rows (row objects) or data_jsonl (one row ' +
    'object per line).',
  run_log:
    'One event per fetch_page response, in order: a JSON object or key=value text with integer page and ' +
    'status, e.g. {"page":2,"status":429} or "page=2 status=200". Events are checked against the ' +
    "server's records; lines without page and status are ignored.",
} as const;
